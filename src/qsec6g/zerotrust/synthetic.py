"""Built-in synthetic flow aggregates (no external data): used by ``default_engine`` and in tests.

Each row is one host-hour with CESNET-TimeSeries24-like columns. Normal traffic is log-normal around typical
values; the attack rows mix four kinds (volumetric flood, port scan, exfiltration, beaconing) that shift the
columns the way :mod:`qsec6g.zerotrust.injection` does on real data. This is a toy, not an evaluation data set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qsec6g.seeding import SeedLike, make_rng

FEATURES: tuple[str, ...] = (
    "n_flows", "n_packets", "n_bytes", "n_dest_ip", "n_dest_ports", "dir_ratio_bytes", "avg_duration", "avg_ttl",
)
LOG_FEATURES: tuple[str, ...] = ("n_flows", "n_packets", "n_bytes", "n_dest_ip", "n_dest_ports")


def synthetic_flows(n: int, attack_fraction: float = 0.3, seed: SeedLike = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` rows of features ``FEATURES`` and 0/1 labels (1 = attack, about ``attack_fraction`` of rows)."""
    rng = make_rng(seed)
    flows = rng.lognormal(np.log(200), 0.6, n)
    pkts = flows * rng.lognormal(np.log(8), 0.4, n)
    X = pd.DataFrame({
        "n_flows": flows, "n_packets": pkts, "n_bytes": pkts * rng.lognormal(np.log(600), 0.3, n),
        "n_dest_ip": flows * rng.uniform(0.05, 0.3, n), "n_dest_ports": flows * rng.uniform(0.02, 0.1, n),
        "dir_ratio_bytes": rng.beta(4, 6, n), "avg_duration": rng.lognormal(np.log(2.0), 0.5, n),
        "avg_ttl": rng.normal(90, 15, n),
    })
    y = (rng.random(n) < attack_fraction).astype(int)
    kind = rng.integers(0, 4, n)
    boost = rng.uniform(2.0, 6.0, n)
    for k, cols in enumerate((("n_flows", "n_packets", "n_bytes"), ("n_dest_ports", "n_dest_ip", "n_flows"))):
        m = (y == 1) & (kind == k)
        for c in cols:
            X.loc[m, c] *= boost[m]
    m = (y == 1) & (kind == 2)
    X.loc[m, "dir_ratio_bytes"] = np.clip(X.loc[m, "dir_ratio_bytes"] + 0.4, 0, 1)
    X.loc[m, "n_bytes"] *= boost[m]
    m = (y == 1) & (kind == 3)
    X.loc[m, "avg_duration"] *= boost[m] * 2
    X.loc[m, "avg_ttl"] -= 30
    return X, y
