"""Downlink channels ``H`` (users × BS antennas): Rayleigh, Rician with a ULA line-of-sight part, 3GPP path loss,
and channel ageing between CSI acquisition and transmission (Jakes correlation, Gauss–Markov model).

Conventions: ``H`` has shape ``(draws, users, antennas)``, complex; row ``k`` is user ``k``'s channel ``h_k`` and
user ``k`` receives ``y_k = h_k x + n_k``. Small-scale fading has unit average power per entry. Frequencies in Hz,
distances in m, speeds in km/h, powers in dB / dBm as named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import j0

from qsec6g.errors import UserInputError

SPEED_OF_LIGHT = 299_792_458.0  # m/s


def rayleigh(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """I.i.d. CN(0, 1) entries."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2.0)


def ula_steering(n_antennas: int, angles_rad: np.ndarray) -> np.ndarray:
    """Half-wavelength ULA steering vectors ``a(θ)_m = e^{jπ m sin θ}``, shape ``angles.shape + (n_antennas,)``."""
    m = np.arange(n_antennas)
    return np.exp(1j * np.pi * np.sin(np.asarray(angles_rad))[..., None] * m)


def rician(rng: np.random.Generator, draws: int, angles_rad: np.ndarray, n_antennas: int,
           k_factor_db: float) -> np.ndarray:
    """``h = sqrt(K/(K+1)) a(θ) + sqrt(1/(K+1)) h_NLoS`` per user, ``angles_rad`` of shape ``(users,)``."""
    k = 10.0 ** (k_factor_db / 10.0)
    los = ula_steering(n_antennas, angles_rad)[None]
    nlos = rayleigh(rng, (draws, len(angles_rad), n_antennas))
    return np.sqrt(k / (k + 1)) * los + np.sqrt(1 / (k + 1)) * nlos


def path_loss_db(distance_m: np.ndarray, carrier_hz: float, los: bool = True, ue_height_m: float = 1.5) -> np.ndarray:
    """3GPP TR 38.901 UMi street canyon path loss (dB), 3D distance ``distance_m`` (valid 10 m – 5 km).

    LOS: ``32.4 + 21 log10 d + 20 log10 f_GHz``; NLOS: ``max(LOS, 22.4 + 35.3 log10 d + 21.3 log10 f_GHz
    - 0.3 (h_UT - 1.5))``. Shadowing is not included.
    """
    d = np.asarray(distance_m, dtype=float)
    if np.any(d <= 0):
        raise UserInputError("distances must be positive (m)")
    f_ghz = carrier_hz / 1e9
    pl_los = 32.4 + 21.0 * np.log10(d) + 20.0 * np.log10(f_ghz)
    if los:
        return pl_los
    return np.maximum(pl_los, 22.4 + 35.3 * np.log10(d) + 21.3 * np.log10(f_ghz) - 0.3 * (ue_height_m - 1.5))


def noise_power_dbm(bandwidth_hz: float, noise_figure_db: float = 7.0) -> float:
    """Thermal noise ``-174 dBm/Hz + 10 log10(B) + NF``."""
    return -174.0 + 10.0 * np.log10(bandwidth_hz) + noise_figure_db


def doppler_hz(speed_kmh: float, carrier_hz: float) -> float:
    """Maximum Doppler shift ``f_D = v f_c / c``."""
    return speed_kmh / 3.6 * carrier_hz / SPEED_OF_LIGHT


def jakes_correlation(speed_kmh: float, carrier_hz: float, delay_s: float) -> float:
    """Correlation of a Jakes (Clarke) channel over ``delay_s``: ``ρ = J0(2π f_D τ)``."""
    return float(j0(2.0 * np.pi * doppler_hz(speed_kmh, carrier_hz) * delay_s))


def age(rng: np.random.Generator, h: np.ndarray, rho: float) -> np.ndarray:
    """Gauss–Markov ageing ``h' = ρ h + sqrt(1 - ρ²) e`` with fresh CN(0, 1) ``e`` (keeps the average power)."""
    return rho * h + np.sqrt(max(0.0, 1.0 - rho**2)) * rayleigh(rng, h.shape)


@dataclass(frozen=True)
class ChannelModel:
    """Multi-user MISO downlink channel with outdated CSI.

    The base station precodes with ``H_est`` (measured ``csi_delay_s`` earlier); symbols go through ``H_true``,
    the estimate aged by the Jakes correlation of ``speed_kmh`` at ``carrier_hz``. ``kind`` is ``"rayleigh"`` or
    ``"rician"`` (LoS angles uniform in ±60°, factor ``k_factor_db``).
    """

    n_antennas: int = 64
    n_users: int = 8
    kind: str = "rayleigh"
    k_factor_db: float = 6.0
    carrier_hz: float = 28e9
    speed_kmh: float = 0.0
    csi_delay_s: float = 1e-5

    @property
    def rho(self) -> float:
        return jakes_correlation(self.speed_kmh, self.carrier_hz, self.csi_delay_s)

    def draw(self, rng: np.random.Generator, draws: int) -> tuple[np.ndarray, np.ndarray]:
        """``(H_est, H_true)``, each ``(draws, users, antennas)``."""
        if self.kind == "rayleigh":
            h_est = rayleigh(rng, (draws, self.n_users, self.n_antennas))
        elif self.kind == "rician":
            angles = rng.uniform(-np.pi / 3, np.pi / 3, size=self.n_users)
            h_est = rician(rng, draws, angles, self.n_antennas, self.k_factor_db)
        else:
            raise UserInputError(f"unknown channel kind '{self.kind}' (use 'rayleigh' or 'rician')")
        return h_est, age(rng, h_est, self.rho)
