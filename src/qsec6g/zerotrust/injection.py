"""Attack injection into real background traffic (CESNET-TimeSeries24 windows), with ground truth.

A fraction ``rate`` of (entity, window) rows is chosen at random; each gets one attack kind, and its traffic
columns are changed additively on top of the real background (so a busy host hides an attack better than an idle
one). Magnitudes scale with the entity's own median m(c) of a column over its observed windows (the global median
for idle entities) and with ``intensity`` I (1 = default; detection difficulty is this dial):

- ``ddos`` (volumetric flood): k ~ U(2, 8)·I; flows += k·m(flows), packets += 2k·m(packets), bytes += k/2·m(bytes),
  average duration ×1/(1 + I), TCP/UDP ratios pulled towards 0 (UDP flood).
- ``hscan`` (horizontal port scan, many hosts one port): a = k·m(dest_ip) + 30·I distinct destinations added to
  sum/average/std of dest_ip, flows += a, packets += 2a, bytes += 120·a, duration ×0.5.
- ``vscan`` (vertical scan, one host many ports): the same on dest_ports (destinations unchanged).
- ``exfil`` (exfiltration): direction ratios moved towards 1 by min(0.6·I, 1) of the gap, bytes += k'·m(bytes),
  k' ~ U(1, 3)·I.
- ``beacon`` (low-rate botnet beaconing): flows += max(1, 0.2·I·m(flows)), std of destinations ×(1 − 0.6·min(I, 1))
  (regular contacts), one more destination ASN, average TTL −10·I (remote C2).

Averages and standard deviations of the destination counts are changed in proportion (sum / 6 and sum / 12),
an approximation that keeps them consistent in direction with the sums. Injected rows get ``missing`` = 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qsec6g.errors import UserInputError
from qsec6g.seeding import SeedLike, make_rng

ATTACK_KINDS: tuple[str, ...] = ("ddos", "hscan", "vscan", "exfil", "beacon")


def _entity_medians(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    obs = df[df["missing"] == 0]
    med = obs.groupby("entity")[list(columns)].median()
    return med.reindex(df["entity"]).fillna(obs[list(columns)].median()).set_index(df.index)


def inject_attacks(
    df: pd.DataFrame, rate: float = 0.05, intensity: float = 1.0, kinds: Sequence[str] = ATTACK_KINDS,
    seed: SeedLike = 0,
) -> pd.DataFrame:
    """A copy of ``df`` (from :func:`~qsec6g.zerotrust.cesnet.load_cesnet`) with attacks injected.

    Adds ``attack`` (0/1) and ``attack_kind`` ("" for normal rows) columns.
    """
    if not 0 < rate < 1:
        raise UserInputError(f"attack rate must be in (0, 1), got {rate}")
    if intensity <= 0:
        raise UserInputError(f"attack intensity must be > 0, got {intensity}")
    unknown = [k for k in kinds if k not in ATTACK_KINDS]
    if unknown or not kinds:
        raise UserInputError(f"unknown attack kind(s) {unknown}; choose from {', '.join(ATTACK_KINDS)}")
    rng = make_rng(seed)
    out = df.copy()
    cols = ["n_flows", "n_packets", "n_bytes", "sum_n_dest_ip", "sum_n_dest_ports"]
    med = _entity_medians(df, cols)
    hit = rng.random(len(df)) < rate
    kind = np.where(hit, np.asarray(kinds)[rng.integers(0, len(kinds), len(df))], "")
    out["attack"] = hit.astype(int)
    out["attack_kind"] = kind
    k = rng.uniform(2.0, 8.0, len(df)) * intensity
    I = intensity

    def add(mask: np.ndarray, col: str, amount: np.ndarray | float) -> None:
        amt = np.broadcast_to(amount, (len(df),))[mask] if np.ndim(amount) else amount
        out.loc[mask, col] = out.loc[mask, col].to_numpy() + amt

    def scale(mask: np.ndarray, col: str, factor: float) -> None:
        out.loc[mask, col] = out.loc[mask, col].to_numpy() * factor

    m = kind == "ddos"
    add(m, "n_flows", k * med["n_flows"].to_numpy())
    add(m, "n_packets", 2 * k * med["n_packets"].to_numpy())
    add(m, "n_bytes", 0.5 * k * med["n_bytes"].to_numpy())
    scale(m, "avg_duration", 1 / (1 + I))
    for c in ("tcp_udp_ratio_packets", "tcp_udp_ratio_bytes"):
        scale(m, c, max(0.0, 1 - 0.5 * I))
    for name, target in (("hscan", "dest_ip"), ("vscan", "dest_ports")):
        m = kind == name
        a = k * med[f"sum_n_{target}"].to_numpy() + 30 * I
        add(m, f"sum_n_{target}", a)
        add(m, f"average_n_{target}", a / 6)
        add(m, f"std_n_{target}", a / 12)
        add(m, "n_flows", a)
        add(m, "n_packets", 2 * a)
        add(m, "n_bytes", 120 * a)
        scale(m, "avg_duration", 0.5)
    m = kind == "exfil"
    for c in ("dir_ratio_bytes", "dir_ratio_packets"):
        v = out.loc[m, c].to_numpy()
        out.loc[m, c] = v + (1 - v) * min(0.6 * I, 1.0)
    add(m, "n_bytes", rng.uniform(1.0, 3.0, len(df)) * I * med["n_bytes"].to_numpy())
    m = kind == "beacon"
    add(m, "n_flows", np.maximum(1.0, 0.2 * I * med["n_flows"].to_numpy()))
    for c in ("std_n_dest_ip", "std_n_dest_ports", "std_n_dest_asn"):
        scale(m, c, 1 - 0.6 * min(I, 1.0))
    add(m, "sum_n_dest_asn", 1.0)
    add(m, "avg_ttl", -10 * I)
    out["avg_ttl"] = out["avg_ttl"].clip(lower=0.0)
    out.loc[hit, "missing"] = 0
    return out
