"""Baseline policies: no-op, uniform random, and a rule-based heuristic on the secure operating region."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from qsec6g.seeding import SeedLike, make_rng
from qsec6g.twin.defence import NUM_ACTIONS, Action


class Policy(Protocol):
    """Anything that maps a batch of observations ``(B, 3)`` to actions ``(B,)``."""

    name: str

    def act(self, obs: np.ndarray) -> np.ndarray: ...


class NoopPolicy:
    """Never defends (the undefended twin)."""

    name = "noop"

    def act(self, obs: np.ndarray) -> np.ndarray:
        return np.zeros(len(obs), dtype=np.int64)


class RandomPolicy:
    """Uniformly random actions."""

    name = "random"

    def __init__(self, rng: SeedLike = None) -> None:
        self.rng = make_rng(rng)

    def act(self, obs: np.ndarray) -> np.ndarray:
        return self.rng.integers(0, NUM_ACTIONS, size=len(obs))


class RulePolicy:
    """Secure-region rule: inside (F ≥ τ_F, S ≤ τ_S, D ≤ τ_D) do nothing; outside, purify when the state is
    mixed (S > τ_S: incoherent noise, which purification removes) and re-initialise otherwise (a coherent or
    damping error with little entropy, which purification in the reference frame does not target)."""

    name = "rule"

    def __init__(self, tau: tuple[float, float, float] = (0.90, 0.40, 0.20)) -> None:
        self.tau = tau

    def act(self, obs: np.ndarray) -> np.ndarray:
        f, s, d = obs[:, 0], obs[:, 1], obs[:, 2]
        inside = (f >= self.tau[0]) & (s <= self.tau[1]) & (d <= self.tau[2])
        return np.where(inside, Action.NOOP, np.where(s > self.tau[1], Action.PURIFY, Action.REINIT)).astype(np.int64)
