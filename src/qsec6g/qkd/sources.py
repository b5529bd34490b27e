"""Photon sources: intensity classes of a weak coherent (decoy-state) source, ideal single photons, pair sources.

A weak coherent pulse of mean photon number mu holds n photons with Poisson probability e^-mu mu^n / n!. The
simulator never needs n for honest pulses: by Poisson thinning a pulse sent through transmittance eta clicks
with probability 1 - exp(-eta mu), so photon numbers are marginalised exactly per intensity class; attacks that
act on n (photon-number splitting) sum over n with :func:`poisson_pmf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, factorial

import numpy as np

from qsec6g.qkd.params import SourceParams


@dataclass(frozen=True)
class IntensityClasses:
    """Pulse classes sent by Alice: names, mean photon numbers (None = exactly one photon), probabilities."""

    names: tuple[str, ...]
    mus: tuple[float | None, ...]
    probs: tuple[float, ...]

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Class index (int8) of each pulse from uniforms ``u`` in [0, 1) (inverse CDF, few classes)."""
        cls = np.zeros(u.shape, dtype=np.int8)
        for edge in np.cumsum(self.probs)[:-1]:
            cls += u >= np.float32(edge)
        return cls


def single_photon() -> IntensityClasses:
    """The ideal BB84 source: every pulse holds exactly one photon."""
    return IntensityClasses(names=("single",), mus=(None,), probs=(1.0,))


def decoy_source(p: SourceParams) -> IntensityClasses:
    """Weak coherent source with signal mu, weak decoy nu and vacuum (Ma et al. 2005 'vacuum + weak decoy')."""
    return IntensityClasses(
        names=("signal", "decoy", "vacuum"), mus=(p.mu, p.nu, 0.0), probs=(p.p_signal, p.p_decoy, p.p_vacuum)
    )


def poisson_pmf(n: int, mu: float) -> float:
    """P(n photons) in a coherent pulse of mean photon number ``mu``."""
    return exp(-mu) * mu**n / factorial(n)
