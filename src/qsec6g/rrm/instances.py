"""Scheduling instances drawn from the link model, and the link-level metrics of a schedule.

A slot: ``users`` single-antenna UEs at distances uniform in ``[10, cell_radius_m]`` m and angles drawn around a
few clusters (so that some users interfere), Rician channels to a ``n_antennas`` ULA, 3GPP UMi LOS path loss
relative to the cell edge. ``snr_db`` is the receive SNR of a cell-edge user served alone through its MRT beam
(whole transmit power, LoS array gain included); a user scheduled with ``K - 1`` others gets ``1/K`` of it. Candidates are either ``(user, own MRT beam)`` (user selection, ``n = users``) or
``(user, DFT beam)`` pairs (beam assignment, ``n = users × beams``). Each of the ``K`` scheduled streams gets
``1/K`` of the power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qsec6g.errors import UserInputError
from qsec6g.rrm.channel import path_loss_db, rician, ula_steering
from qsec6g.rrm.link import Modulation, monte_carlo_ber, sinr
from qsec6g.rrm.qubo import ScheduleProblem, problem_from_gains


@dataclass(frozen=True)
class ScheduleInstance:
    """A scheduling problem and the complex amplitudes behind it: ``amplitude[i, j]`` is the received amplitude
    (noise-normalised, power split included) of candidate ``j``'s beam at candidate ``i``'s user."""

    problem: ScheduleProblem
    amplitude: np.ndarray

    def link_metrics(self, x: np.ndarray, rng: np.random.Generator, mod: Modulation, symbols: int = 2000,
                     bandwidth_hz: float = 1e9) -> dict[str, float]:
        """BER (Monte-Carlo, ``mod``), Shannon spectral efficiency (bit/s/Hz, summed over streams) and sum rate
        (bit/s) when schedule ``x`` is transmitted. Infeasible schedules are sent as they are (conflicting
        candidates interfere like any other)."""
        on = np.flatnonzero(np.asarray(x) > 0.5)
        if on.size == 0:
            return {"ber": float("nan"), "se": 0.0, "sum_rate_bps": 0.0, "streams": 0}
        g = self.amplitude[np.ix_(on, on)][None]
        se = float(np.log2(1 + sinr(g)).sum())
        ber = float(monte_carlo_ber(rng, g, mod, symbols).mean())
        return {"ber": ber, "se": se, "sum_rate_bps": se * bandwidth_hz, "streams": int(on.size)}


def draw_instance(
    rng: np.random.Generator,
    users: int,
    limit: int,
    beams: int | None = None,
    n_antennas: int = 64,
    snr_db: float = 10.0,
    carrier_hz: float = 28e9,
    k_factor_db: float = 6.0,
    cell_radius_m: float = 100.0,
    clusters: int = 3,
    cluster_spread_deg: float = 3.0,
    margin: float = 0.1,
) -> ScheduleInstance:
    """Draw one slot's instance (see the module docstring); ``beams=None`` means user selection."""
    if users < 1 or n_antennas < 1:
        raise UserInputError("an instance needs at least one user and one antenna")
    centres = rng.uniform(-50.0, 50.0, size=clusters)
    angles = np.deg2rad(np.clip(centres[rng.integers(0, clusters, users)]
                                + cluster_spread_deg * rng.standard_normal(users), -60.0, 60.0))
    distance = rng.uniform(10.0, cell_radius_m, size=users)
    large_scale = 10.0 ** ((path_loss_db(cell_radius_m, carrier_hz) - path_loss_db(distance, carrier_hz)) / 10.0)
    h = rician(rng, 1, angles, n_antennas, k_factor_db)[0] * np.sqrt(large_scale)[:, None]
    if beams is None:
        cand_user = np.arange(users)
        cand_beam = np.arange(users)
        vectors = np.conj(h) / np.linalg.norm(h, axis=1, keepdims=True)  # MRT: w = h^H / |h|
    else:
        sin_grid = np.sin(np.deg2rad(60.0)) * np.linspace(-1.0, 1.0, beams)
        codebook = ula_steering(n_antennas, np.arcsin(sin_grid)) / np.sqrt(n_antennas)
        cand_user = np.repeat(np.arange(users), beams)
        cand_beam = np.tile(np.arange(beams), users)
        vectors = np.conj(codebook)[cand_beam]
    snr = 10.0 ** (snr_db / 10.0)
    amplitude = np.sqrt(snr / (limit * n_antennas)) * (h[cand_user] @ vectors.T)
    problem = problem_from_gains(np.abs(amplitude) ** 2, cand_user, cand_beam, limit, margin)
    return ScheduleInstance(problem=problem, amplitude=amplitude)
