"""Spectrum-access data: sensed features → "will this band be busy in the next slot?".

Two sources, both turned into windows of the last ``window`` observations (features) and the occupancy one
step ahead (label: 1 busy, 0 free), split chronologically (the first ``1 - test_fraction`` of every series
trains, the rest tests, so overlapping windows never straddle the split):

* **synthetic primary users** — ``channels`` independent two-state Markov chains (idle ↔ busy). Channel ``c``
  switches idle→busy with probability ``a_c ~ U(0.05, 0.3)`` and busy→idle with ``b_c ~ U(0.05, 0.3)`` per slot.
  A secondary user senses each channel with an energy detector averaging ``M = 8`` complex samples: the
  reading is ``10 log10(busy · snr_pu · g + w)`` dB with Rayleigh power gain ``g ~ Exp(1)``, noise
  ``w ~ Gamma(M, 1/M)`` and ``snr_pu = 5 dB``, so single readings are unreliable and history helps.
* **Colosseum PRB usage** (ColO-RAN, ``slices_bs1/*_metrics.csv``) — per UE, features are ``log1p`` of the
  granted and requested PRBs over the last ``window // 2`` reports (``~250 ms`` apart); the label says whether
  the next report's granted PRBs exceed that UE's median over its training part. The label is a *future*
  value, not a threshold on the features the model sees at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qsec6g.colosseum import read_srsran_csv
from qsec6g.errors import DataError, UserInputError

SLICE_GLOB = "rome_static_medium/sched0/tr0/exp1/bs1/slices_bs1/*_metrics.csv"
PRB_COLUMNS = ("sum_granted_prbs", "sum_requested_prbs")


@dataclass(frozen=True)
class Split:
    """Train / test arrays (features ``float64 (m, d)``, labels ``int64 (m,)``) and where each row came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray
    source: str


def _windows(series: np.ndarray, labels: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``series[t-window+1..t]`` (flattened over feature columns) with label ``labels[t+1]``."""
    t = np.arange(window - 1, len(series) - 1)
    x = np.stack([series[t - window + 1 + k] for k in range(window)], axis=1).reshape(len(t), -1)
    return x, labels[t + 1]


def _split_series(parts: list[tuple[np.ndarray, np.ndarray]], test_fraction: float, source: str) -> Split:
    xs_tr, ys_tr, xs_te, ys_te, idx_tr, idx_te = [], [], [], [], [], []
    offset = 0
    for x, y in parts:
        cut = int(round(len(x) * (1 - test_fraction)))
        if cut < 1 or cut >= len(x):
            raise UserInputError(f"test_fraction={test_fraction} leaves an empty train or test part")
        xs_tr.append(x[:cut]), ys_tr.append(y[:cut]), xs_te.append(x[cut:]), ys_te.append(y[cut:])
        idx_tr.append(offset + np.arange(cut)), idx_te.append(offset + np.arange(cut, len(x)))
        offset += len(x)
    return Split(np.concatenate(xs_tr), np.concatenate(ys_tr), np.concatenate(xs_te), np.concatenate(ys_te),
                 np.concatenate(idx_tr), np.concatenate(idx_te), source)


def synthetic_primary_users(rng: np.random.Generator, channels: int, samples: int, window: int,
                            test_fraction: float, snr_pu_db: float = 5.0, detector_samples: int = 8) -> Split:
    """Windows of energy-detector readings of Markov primary users (see the module docstring)."""
    if samples <= window + 2:
        raise UserInputError(f"need more sensing slots ({samples}) than the window ({window}) + 2")
    parts = []
    for _ in range(channels):
        a, b = rng.uniform(0.05, 0.3, size=2)
        busy = np.empty(samples, dtype=np.int64)
        busy[0] = rng.random() < a / (a + b)
        flips = rng.random(samples)
        for t in range(1, samples):
            busy[t] = (flips[t] >= b) if busy[t - 1] else (flips[t] < a)
        gain = rng.exponential(1.0, samples)
        noise = rng.gamma(detector_samples, 1.0 / detector_samples, samples)
        reading = 10 * np.log10(busy * 10 ** (snr_pu_db / 10) * gain + noise)
        parts.append(_windows(reading[:, None], busy, window))
    return _split_series(parts, test_fraction, "synthetic primary users")


def read_slice_metrics(path: Path) -> pd.DataFrame:
    """One ColO-RAN slice-metrics CSV: empty header names dropped, an incomplete final row dropped."""
    df = read_srsran_csv(path)
    missing = [c for c in PRB_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    if len(df) and df.iloc[-1].isna().any():  # the recording stopped mid-line
        df = df.iloc[:-1]
    values = df[list(PRB_COLUMNS)]
    if values.isna().any().any() or (values < 0).any().any():
        raise DataError(f"{path}: PRB columns hold empty or negative values")
    return df


def colosseum_prb(data_dir: Path, window: int, test_fraction: float) -> Split:
    """Windows of granted / requested PRBs per UE from the ColO-RAN sample (see the module docstring)."""
    files = sorted(Path(data_dir).glob(SLICE_GLOB))
    if not files:
        raise DataError(f"no ColO-RAN slice metrics under {data_dir} (expected {SLICE_GLOB}); "
                        "pass --data-dir or use the synthetic dataset")
    steps = max(1, window // 2)
    parts = []
    for f in files:
        prb = read_slice_metrics(f)[list(PRB_COLUMNS)].to_numpy(dtype=float)
        cut = int(round(len(prb) * (1 - test_fraction)))
        busy = (prb[:, 0] > np.median(prb[:cut, 0])).astype(np.int64)
        parts.append(_windows(np.log1p(prb), busy, steps))
    return _split_series(parts, test_fraction, f"ColO-RAN PRB usage ({len(files)} UEs)")
