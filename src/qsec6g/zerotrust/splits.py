"""Train / validation / test splits without leakage; every split returns three disjoint index arrays.

- ``stratified_split``: random, keeping the label proportions (tables of independent flows).
- ``time_split``: by time — train on the earliest windows, validate on the next, test on the latest.
- ``entity_split``: by entity (host / IP) — no entity appears in two parts.
"""

from __future__ import annotations

import numpy as np

from qsec6g.errors import UserInputError
from qsec6g.seeding import SeedLike, make_rng

Split = tuple[np.ndarray, np.ndarray, np.ndarray]


def _check(fractions: tuple[float, float, float]) -> None:
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-9:
        raise UserInputError(f"split fractions must be three positive numbers summing to 1, got {fractions}")


def stratified_split(y: np.ndarray, fractions=(0.6, 0.2, 0.2), seed: SeedLike = 0) -> Split:
    """Stratified random split of row indices by label ``y``."""
    _check(fractions)
    rng = make_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for cls in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == cls))
        a = round(fractions[0] * len(idx))
        b = a + round(fractions[1] * len(idx))
        for p, chunk in zip(parts, (idx[:a], idx[a:b], idx[b:])):
            p.append(chunk)
    return tuple(np.sort(np.concatenate(p)) for p in parts)  # type: ignore[return-value]


def time_split(times: np.ndarray, fractions=(0.6, 0.2, 0.2)) -> Split:
    """Split by time: cut points at the fraction quantiles of the distinct time values."""
    _check(fractions)
    t = np.asarray(times)
    u = np.unique(t)
    c1, c2 = u[int(fractions[0] * len(u))], u[int((fractions[0] + fractions[1]) * len(u))]
    return np.flatnonzero(t < c1), np.flatnonzero((t >= c1) & (t < c2)), np.flatnonzero(t >= c2)


def entity_split(entities: np.ndarray, fractions=(0.6, 0.2, 0.2), seed: SeedLike = 0) -> Split:
    """Split by entity: each entity's rows go to exactly one part."""
    _check(fractions)
    rng = make_rng(seed)
    e = np.asarray(entities)
    u = rng.permutation(np.unique(e))
    a = round(fractions[0] * len(u))
    b = a + round(fractions[1] * len(u))
    groups = (set(u[:a]), set(u[a:b]), set(u[b:]))
    return tuple(np.flatnonzero([x in g for x in e]) for g in groups)  # type: ignore[return-value]
