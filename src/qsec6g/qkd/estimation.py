"""Parameter estimation: QBER with a finite-size confidence interval, per-class gains, decoy-state bounds.

Decoy bounds follow Ma, Qi, Zhao & Lo, PRA 72, 012326 (2005), 'vacuum + weak decoy' (their Eqs. 34 and 37):

    Y1_L = mu / (mu nu - nu^2) * (Q_nu e^nu - Q_mu e^mu nu^2/mu^2 - (mu^2 - nu^2)/mu^2 * Y0)
    e1_U = (E_nu Q_nu e^nu - e0 Y0) / (Y1_L nu),   e0 = 1/2,   Q1_L = Y1_L mu e^-mu.

Gains Q are detections per pulse sent in a class (before sifting); E is the error rate of the sifted bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, log, sqrt

import numpy as np
from scipy.stats import beta, chi2, norm

from qsec6g.qkd.protocols import Detections


def clopper_pearson(errors: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact two-sided binomial confidence interval for an error rate (errors out of n)."""
    if n == 0:
        return 0.0, 1.0
    a = (1.0 - confidence) / 2.0
    lo = 0.0 if errors == 0 else float(beta.ppf(a, errors, n - errors + 1))
    hi = 1.0 if errors == n else float(beta.ppf(1.0 - a, errors + 1, n - errors))
    return lo, hi


def sampling_deviation(n_key: int, k_sample: int, eps: float) -> float:
    """Finite-size deviation mu between the sampled QBER and the key's error rate (Tomamichel et al. 2012).

    mu = sqrt((n + k)/(n k) * (k + 1)/k * ln(1/eps)); the key's (phase) error rate is below QBER + mu except with
    probability eps (Nat. Commun. 3, 634, Eq. 3).
    """
    if n_key <= 0 or k_sample <= 0:
        return 0.5
    return sqrt((n_key + k_sample) / (n_key * k_sample) * (k_sample + 1) / k_sample * log(1.0 / eps))


@dataclass(frozen=True)
class ClassStats:
    """Observed statistics of one intensity class."""

    name: str
    mu: float | None
    sent: int
    detected: int
    sifted: int
    errors: int

    @property
    def gain(self) -> float:
        return self.detected / self.sent if self.sent else 0.0

    @property
    def qber(self) -> float:
        return self.errors / self.sifted if self.sifted else 0.0


def class_stats(det: Detections) -> list[ClassStats]:
    """Gain and error counts per intensity class (decoy bits are all disclosed, so their errors are public)."""
    out = []
    err = det.alice_bit != det.bob_bit
    for c, (name, mu) in enumerate(zip(det.classes.names, det.classes.mus)):
        in_c = det.cls == c
        sifted = in_c & det.same_basis
        n_err = int((err & sifted).sum())
        out.append(ClassStats(name, mu, int(det.sent[c]), int(in_c.sum()), int(sifted.sum()), n_err))
    return out


@dataclass(frozen=True)
class DecoyBounds:
    """Single-photon yield / gain lower bounds and error upper bound from vacuum + weak decoy statistics."""

    y0: float
    y1_lower: float
    q1_lower: float
    e1_upper: float


def decoy_bounds(q_mu: float, e_mu: float, q_nu: float, e_nu: float, y0: float, mu: float, nu: float) -> DecoyBounds:
    """Ma et al. (2005) Eqs. 34 and 37 from the gains and error rates of signal (mu) and weak decoy (nu)."""
    mu2, nu2 = mu * mu, nu * nu
    y1 = mu / (mu * nu - nu2) * (q_nu * exp(nu) - q_mu * exp(mu) * nu2 / mu2 - (mu2 - nu2) / mu2 * y0)
    y1 = max(y1, 0.0)
    e1 = (e_nu * q_nu * exp(nu) - 0.5 * y0) / (y1 * nu) if y1 > 0 else 0.5
    return DecoyBounds(y0=y0, y1_lower=y1, q1_lower=y1 * mu * exp(-mu), e1_upper=float(np.clip(e1, 0.0, 0.5)))


def gain_limit(stats: ClassStats, sigmas: float) -> float:
    """Confidence limit on a class's gain: upper for ``sigmas`` > 0, lower for < 0, the gain itself for 0.

    Exact Poisson (Garwood) limits on the click count at the one-sided tail of ``|sigmas|`` normal standard
    deviations, so that a handful of clicks (or none) gives an honest, wide interval.
    """
    if sigmas == 0 or stats.sent == 0:
        return stats.gain
    tail, k = float(norm.sf(abs(sigmas))), stats.detected
    if sigmas > 0:
        count = 0.5 * float(chi2.ppf(1.0 - tail, 2 * k + 2))
    else:
        count = 0.5 * float(chi2.ppf(tail, 2 * k)) if k > 0 else 0.0
    return count / stats.sent


def decoy_bounds_from_stats(stats: list[ClassStats], sigmas: float = 0.0) -> DecoyBounds:
    """Decoy bounds from [signal, decoy, vacuum] statistics; ``sigmas`` > 0 moves the gains pessimistically (smaller
    Y1), ``sigmas`` < 0 optimistically (used to ask whether even a generous Y1 is too small)."""
    s, d, v = stats
    y0, q_nu, q_mu = gain_limit(v, sigmas), gain_limit(d, -sigmas), gain_limit(s, sigmas)
    assert s.mu is not None and d.mu is not None
    return decoy_bounds(q_mu, s.qber, q_nu, d.qber, y0, s.mu, d.mu)
