"""Reproducible randomness: every random draw in qsec6g goes through a ``numpy.random.Generator``."""

from __future__ import annotations

import numpy as np

SeedLike = int | np.random.Generator | np.random.SeedSequence | None


def make_rng(seed: SeedLike = None) -> np.random.Generator:
    """Return a Generator: pass one through unchanged, else build a PCG64 generator from ``seed``."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def spawn(seed: int, n: int) -> list[np.random.Generator]:
    """``n`` statistically independent generators derived from one integer seed (SeedSequence.spawn)."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]
