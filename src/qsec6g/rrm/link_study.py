"""BER and spectral efficiency vs SNR for every precoder, modulation and UE speed (``qsec6g rrm link``).

Channels are drawn once per speed and reused for every SNR, precoder and modulation (common random numbers),
so differences between curves are not sampling noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qsec6g.rrm.channel import ChannelModel
from qsec6g.rrm.config import LinkConfig
from qsec6g.rrm.link import ber_bpsk_mrc, effective_gains, modulation, monte_carlo_ber, precoder, sinr
from qsec6g.seeding import spawn


def run_link_study(cfg: LinkConfig, seed: int) -> pd.DataFrame:
    """Rows ``(speed_kmh, rho, precoder, modulation, snr_db, ber, se, sum_rate_bps)``; ``se`` is the sum over
    users of ``log2(1 + SINR)`` in bit/s/Hz, ``sum_rate_bps = se × bandwidth``."""
    rows: list[dict[str, Any]] = []
    for speed, rng in zip(cfg.speeds_kmh, spawn(seed, len(cfg.speeds_kmh))):
        model = ChannelModel(n_antennas=cfg.n_antennas, n_users=cfg.n_users, kind=cfg.channel,
                             k_factor_db=cfg.k_factor_db, carrier_hz=cfg.carrier_hz, speed_kmh=speed,
                             csi_delay_s=cfg.csi_delay_s)
        h_est, h_true = model.draw(rng, cfg.draws)
        for snr_db in cfg.snr_db:
            snr = 10 ** (snr_db / 10)
            for kind in cfg.precoders:
                g = effective_gains(h_true, precoder(h_est, kind, snr), snr)
                se = float(np.log2(1 + sinr(g)).sum(axis=1).mean())
                for name in cfg.modulations:
                    ber = float(monte_carlo_ber(rng, g, modulation(name), cfg.symbols).mean())
                    rows.append({"speed_kmh": speed, "rho": model.rho, "precoder": kind, "modulation": name,
                                 "snr_db": snr_db, "ber": ber, "se": se, "sum_rate_bps": se * cfg.bandwidth_hz})
    return pd.DataFrame(rows)


def single_user_check(cfg: LinkConfig, seed: int) -> pd.DataFrame:
    """Validation table: BPSK with MRT to one user over i.i.d. Rayleigh (no ageing) vs the closed form."""
    rng = spawn(seed, 1)[0]
    model = ChannelModel(n_antennas=cfg.n_antennas, n_users=1, kind="rayleigh")
    rows = []
    for antennas in sorted({1, 2, 4, min(8, cfg.n_antennas)}):
        h = model.draw(rng, cfg.draws * 10)[0][..., :antennas]
        for snr_db in cfg.snr_db:
            if snr_db > 10:
                continue
            snr = 10 ** (snr_db / 10)
            ber = float(monte_carlo_ber(rng, effective_gains(h, precoder(h, "MRT"), snr),
                                        modulation("BPSK"), cfg.symbols).mean())
            rows.append({"antennas": antennas, "snr_db": snr_db, "ber_monte_carlo": ber,
                         "ber_closed_form": float(ber_bpsk_mrc(snr, antennas))})
    return pd.DataFrame(rows)
