"""CESNET-TimeSeries24 per-IP aggregates: loading with explicit missing windows, features, and labels.

Loading (``load_cesnet``): one CSV per anonymised IP (``<ip_id>.csv``, one row per time window ``id_time``).
Windows with no traffic are absent in the files; we reindex every entity to the full range 0 … T−1, set the
indicator ``missing`` = 1 there and fill the traffic columns with 0 (no flows, no packets, no bytes; ratios and
averages have no value and are 0 with the indicator telling the models so).

Features (``cesnet_features``): log1p of the count columns, the ratio / average columns as they are, the missing
indicator, and entity-relative columns ``rel_<c>`` = (log1p x − median_e) / (IQR_e + 0.25), where median_e and
IQR_e are the entity's statistics on **training-window rows only** (global statistics for entities without any).

Labels: :func:`quantile_labels` is the paper's protocol (≥ 95th percentile → suspicious, ≥ 99th → malicious, on a
feature the model also sees; circular, kept as a reproduction mode). The default is attack injection with ground
truth (:mod:`qsec6g.zerotrust.injection`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qsec6g.errors import DataError
from qsec6g.seeding import SeedLike, make_rng

COUNT_COLUMNS = (
    "n_flows", "n_packets", "n_bytes", "sum_n_dest_asn", "sum_n_dest_ports", "sum_n_dest_ip",
)
OTHER_COLUMNS = (
    "average_n_dest_asn", "std_n_dest_asn", "average_n_dest_ports", "std_n_dest_ports", "average_n_dest_ip",
    "std_n_dest_ip", "tcp_udp_ratio_packets", "tcp_udp_ratio_bytes", "dir_ratio_packets", "dir_ratio_bytes",
    "avg_duration", "avg_ttl",
)
TRAFFIC_COLUMNS = COUNT_COLUMNS + OTHER_COLUMNS


def load_cesnet(
    folder: str | Path, max_entities: int | None = None, seed: SeedLike = 0, n_windows: int | None = None,
) -> pd.DataFrame:
    """Long table (entity, id_time, missing, traffic columns) with every window 0 … T−1 present for each entity.

    ``max_entities`` picks that many files at random (seeded); ``n_windows`` fixes T (default: max id_time + 1).
    """
    root = Path(folder)
    files = sorted(root.glob("*.csv"))
    if not files:
        raise DataError(f"{root}: no CESNET-TimeSeries24 CSV files found")
    if max_entities is not None and max_entities < len(files):
        pick = make_rng(seed).choice(len(files), size=max_entities, replace=False)
        files = [files[i] for i in sorted(pick)]
    frames = []
    for f in files:
        df = pd.read_csv(f)
        missing = [c for c in ("id_time", *TRAFFIC_COLUMNS) if c not in df.columns]
        if missing:
            raise DataError(f"{f}: missing column(s) {', '.join(missing)}")
        df["entity"] = f.stem
        frames.append(df)
    data = pd.concat(frames, ignore_index=True)
    t = int(n_windows if n_windows is not None else data["id_time"].max() + 1)
    data = data[data["id_time"] < t]
    entities = sorted(data["entity"].unique())
    full = pd.MultiIndex.from_product([entities, range(t)], names=["entity", "id_time"])
    out = data.set_index(["entity", "id_time"])[list(TRAFFIC_COLUMNS)].reindex(full)
    out.insert(0, "missing", out["n_flows"].isna().astype(int))
    out[list(TRAFFIC_COLUMNS)] = out[list(TRAFFIC_COLUMNS)].fillna(0.0)
    return out.reset_index()


def cesnet_features(df: pd.DataFrame, train_mask: np.ndarray) -> pd.DataFrame:
    """Model features (see the module docstring); entity baselines use only rows where ``train_mask`` is True."""
    feats = pd.DataFrame(index=df.index)
    for c in COUNT_COLUMNS:
        feats[f"log_{c}"] = np.log1p(df[c].clip(lower=0))
    for c in OTHER_COLUMNS:
        feats[c] = df[c]
    feats["missing"] = df["missing"]
    base_rows = train_mask & (df["missing"].to_numpy() == 0)
    rel_cols = [f"log_{c}" for c in COUNT_COLUMNS] + ["dir_ratio_bytes", "avg_duration", "avg_ttl",
                                                       "std_n_dest_ip", "average_n_dest_ports"]
    base = feats.loc[base_rows, rel_cols].groupby(df.loc[base_rows, "entity"])
    med, q1, q3 = base.median(), base.quantile(0.25), base.quantile(0.75)
    gmed = feats.loc[base_rows, rel_cols].median()
    giqr = feats.loc[base_rows, rel_cols].quantile(0.75) - feats.loc[base_rows, rel_cols].quantile(0.25)
    m = med.reindex(df["entity"]).fillna(gmed).to_numpy()
    iqr = (q3 - q1).reindex(df["entity"]).fillna(giqr).to_numpy()
    rel = (feats[rel_cols].to_numpy() - m) / (iqr + 0.25)
    for i, c in enumerate(rel_cols):
        feats[f"rel_{c}"] = rel[:, i]
    return feats


def quantile_labels(df: pd.DataFrame, column: str = "n_bytes", q: tuple[float, float] = (0.95, 0.99)) -> np.ndarray:
    """The paper's labels: 0 normal, 1 suspicious (≥ q[0] quantile), 2 malicious (≥ q[1]) of ``column``.

    Quantiles are over observed windows. Circular by construction: the label is a threshold on an input feature.
    """
    v = df[column].to_numpy(dtype=float)
    observed = df["missing"].to_numpy() == 0 if "missing" in df else np.ones(len(v), dtype=bool)
    lo, hi = np.quantile(v[observed], q)
    return np.where(v >= hi, 2, np.where(v >= lo, 1, 0))
