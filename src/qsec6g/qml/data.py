"""ColO-RAN telemetry → the QML threat lab's supervised task (degraded-link detection) and PRB environment inputs.

Task: predict whether a UE's downlink is *degraded* in a ~250 ms reporting interval, with
``label = dl_bler > bler_threshold`` (%, default 2 %: 41 % positives on the shipped experiment).
Non-circularity: the label is computed from ``dl_bler``; neither ``dl_bler`` nor ``dl_snr`` (the other direct
link-quality measurement) is among the model's features (:data:`LABEL_SOURCES`, checked by
:func:`degraded_link_dataset`). The model sees the 11 other varying per-UE KPIs (:data:`FEATURES`); amplitude
encoding zero-pads them to 16 amplitudes (4 qubits). Constant or bookkeeping columns (``time``, ``cc``, ``pci``,
``earfcn``, ``rf_*``, ``is_attached``) are dropped. Rows with ``is_attached != 1`` are dropped.

Quirks handled (see the data's SOURCE.md): the last row of ``bs1.csv`` / ``ue1..ue5.csv`` is truncated (an
incomplete final row is dropped); slicing files have empty header names used as separators (ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qsec6g.colosseum import read_srsran_csv
from qsec6g.errors import DataError

#: the model's inputs (per-UE srsRAN KPIs), in amplitude-slot order
FEATURES: tuple[str, ...] = (
    "rsrp", "pl", "cfo", "dl_mcs", "dl_turbo", "dl_brate", "ul_ta", "ul_mcs", "ul_buff", "ul_brate", "ul_bler",
)
#: columns the label is derived from or that measure link quality directly: never model inputs
LABEL_SOURCES: tuple[str, ...] = ("dl_bler", "dl_snr")
UE_COLUMNS: tuple[str, ...] = FEATURES + LABEL_SOURCES + ("time", "is_attached")
EXPERIMENT = Path("colosseum-oran") / "rome_static_medium" / "sched0" / "tr0" / "exp1" / "bs1"


def load_ue_kpis(root: str | Path) -> pd.DataFrame:
    """All ``ue*.csv`` of the experiment under ``root`` (the shared data folder or the bs1 folder itself), with a
    ``ue`` column (1..6); attached rows only; NaN or missing columns are a :class:`DataError`."""
    root = Path(root)
    folder = root if any(root.glob("ue*.csv")) else root / EXPERIMENT
    files = sorted(folder.glob("ue*.csv"))
    if not files:
        raise DataError(f"{folder}: no ue*.csv files (expected the ColO-RAN bs1 folder)")
    frames = []
    for f in files:
        df = read_srsran_csv(f, require_final_newline=True)
        missing = [c for c in UE_COLUMNS if c not in df.columns]
        if missing:
            raise DataError(f"{f}: missing columns {missing}")
        df = df.loc[df["is_attached"] == 1, list(UE_COLUMNS)].copy()
        if df.isna().any().any():
            raise DataError(f"{f}: NaN values in KPI columns")
        df["ue"] = int(f.stem[2:])
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class KPIDataset:
    """Features ``X`` (N, F) raw KPI units, labels ``y`` (N,) in {0, 1}, ``ue`` (N,) the UE of each row."""

    X: np.ndarray
    y: np.ndarray
    ue: np.ndarray
    features: tuple[str, ...]
    label_rule: str


def degraded_link_dataset(df: pd.DataFrame, bler_threshold: float = 2.0,
                          features: tuple[str, ...] = FEATURES) -> KPIDataset:
    """Degraded-link labels ``dl_bler > bler_threshold`` (%) with label sources kept out of the features."""
    leak = sorted(set(features) & set(LABEL_SOURCES))
    if leak:
        raise DataError(f"features {leak} are label sources; the task would be circular")
    if not 0 <= bler_threshold < 100:
        raise DataError(f"bler_threshold must be in [0, 100) %, got {bler_threshold}")
    y = (df["dl_bler"].to_numpy() > bler_threshold).astype(np.int64)
    if y.min() == y.max():
        raise DataError(f"bler_threshold {bler_threshold} leaves a single class")
    return KPIDataset(df[list(features)].to_numpy(np.float64), y, df["ue"].to_numpy(), tuple(features),
                      f"dl_bler > {bler_threshold} %")


@dataclass(frozen=True)
class Split:
    """Standardised train/test arrays (statistics of the training rows only) and the indices used."""

    Xtr: np.ndarray
    ytr: np.ndarray
    Xte: np.ndarray
    yte: np.ndarray
    ue_tr: np.ndarray
    idx_tr: np.ndarray
    idx_te: np.ndarray
    mean: np.ndarray
    scale: np.ndarray


def split_standardise(ds: KPIDataset, rng: np.random.Generator, test_fraction: float = 0.3,
                      n_max: int | None = None) -> Split:
    """Random, unstratified split (rows shuffled by ``rng``), optionally subsampled to ``n_max`` rows."""
    idx = rng.permutation(len(ds.y))
    if n_max is not None:
        idx = idx[:n_max]
    n_te = int(round(test_fraction * len(idx)))
    te, tr = np.sort(idx[:n_te]), np.sort(idx[n_te:])
    mean = ds.X[tr].mean(0)
    scale = ds.X[tr].std(0)
    scale[scale == 0] = 1.0
    z = (ds.X - mean) / scale
    return Split(z[tr], ds.y[tr], z[te], ds.y[te], ds.ue[tr], tr, te, mean, scale)
