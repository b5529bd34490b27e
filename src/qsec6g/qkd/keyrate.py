"""Secret-key rates: the asymptotic GLLP / decoy formulas and the finite-key length used for privacy amplification.

GLLP (Gottesman, Lo, Lutkenhaus, Preskill 2004) with decoy states (Lo, Ma, Chen 2005; Ma et al. 2005, Eq. 1):

    R = q { -Q_mu f H2(E_mu) + Q1 [1 - H2(e1)] }   [bits per pulse], q = 1/2 for BB84 sifting.

Finite key (Tomamichel, Lim, Gisin, Renner, Nat. Commun. 3, 634 (2012), Eq. 2, applied to the single-photon part):

    l = floor( n1 [1 - H2(e1 + mu)] - leak_EC - log2( 2 / (eps_sec^2 eps_cor) ) ),

with n1 the single-photon share of the key bits (all of them for single photons), e1 the (bound on the) error
rate, mu the sampling deviation and leak_EC the bits disclosed by error correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, floor, log2

import numpy as np

from qsec6g.qkd.estimation import decoy_bounds
from qsec6g.qkd.params import DeviceParams, SourceParams


def binary_entropy(x: float | np.ndarray) -> float | np.ndarray:
    """H2(x) in bits; 0 at x = 0 and x = 1; values outside [0, 1] are clipped."""
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -x * np.log2(x) - (1 - x) * np.log2(1 - x)
    h = np.nan_to_num(h, nan=0.0)
    return float(h) if h.ndim == 0 else h


def gllp_rate(q_mu: float, e_mu: float, q1: float, e1: float, f_ec: float = 1.22, q: float = 0.5) -> float:
    """GLLP secret-key rate per pulse (may be negative: no key)."""
    return q * (-q_mu * f_ec * binary_entropy(e_mu) + q1 * (1.0 - binary_entropy(e1)))


@dataclass(frozen=True)
class ExpectedStats:
    """Closed-form gain and error rate of a coherent pulse of mean mu (Ma et al. 2005, Sec. II)."""

    gain: float
    qber: float


def expected_stats(mu: float, eta: float, y0: float, e_det: float) -> ExpectedStats:
    """Q_mu = Y0 + 1 - exp(-eta mu); E_mu Q_mu = e0 Y0 + e_det (1 - exp(-eta mu)), e0 = 1/2."""
    gain = y0 + 1.0 - exp(-eta * mu)
    return ExpectedStats(gain, (0.5 * y0 + e_det * (1.0 - exp(-eta * mu))) / gain)


def analytic_decoy_rate(
    device: DeviceParams, source: SourceParams, distance_km: float, f_ec: float = 1.22, decoys: str = "vacuum+weak"
) -> float:
    """Asymptotic key rate per pulse at ``distance_km``: 'vacuum+weak' (two decoys) or 'infinite' (exact Y1, e1)."""
    eta = device.transmittance(distance_km)
    y0, e_det, mu = device.dark_count_prob, device.misalignment, source.mu
    sig = expected_stats(mu, eta, y0, e_det)
    if decoys == "infinite":
        y1 = y0 + eta - y0 * eta
        q1, e1 = y1 * mu * exp(-mu), (0.5 * y0 + e_det * eta) / y1
    else:
        weak = expected_stats(source.nu, eta, y0, e_det)
        b = decoy_bounds(sig.gain, sig.qber, weak.gain, weak.qber, y0, mu, source.nu)
        q1, e1 = b.q1_lower, b.e1_upper
    return gllp_rate(sig.gain, sig.qber, q1, e1, f_ec)


def finite_key_length(
    n_single: float, e_single: float, deviation: float, leak_ec: int, eps_sec: float, eps_cor: float
) -> int:
    """Secret bits that privacy amplification may output (>= 0); see the module docstring."""
    e = min(0.5, e_single + deviation)
    raw = n_single * (1.0 - binary_entropy(e)) - leak_ec - log2(2.0 / (eps_sec**2 * eps_cor))
    return max(0, floor(raw))


def cutoff_distance(rate_at, lo: float = 0.0, hi: float = 400.0, tol: float = 0.01) -> float:
    """Largest distance (km) with a positive rate, by bisection on ``rate_at(distance)``; lo must be positive."""
    if rate_at(lo) <= 0:
        return lo
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if rate_at(mid) > 0 else (lo, mid)
    return lo


def optimal_mu(device: DeviceParams, source: SourceParams, distance_km: float, decoys: str = "infinite") -> float:
    """Signal intensity in (0.01, 1.5) that maximises :func:`analytic_decoy_rate` at ``distance_km``."""
    from scipy.optimize import minimize_scalar

    def neg_rate(mu: float) -> float:
        src = source.model_copy(update={"mu": mu, "nu": min(source.nu, mu / 2)})
        return -analytic_decoy_rate(device, src, distance_km, decoys=decoys)

    return float(minimize_scalar(neg_rate, bounds=(0.01, 1.5), method="bounded", options={"xatol": 1e-4}).x)
