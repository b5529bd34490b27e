"""Gymnasium environments of the CQDT twin: ``qsec6g/CQDT-v0`` and its vectorised form.

Observation: ``[F, S, D]`` (float32; fidelity in [0, 1], entropy in bits in [0, n], trace distance in [0, 1]) after
the step's action, estimated from ``shots`` classical-shadow measurements by default (``shots=None``: exact).
Action: ``Discrete(4)`` — :class:`~qsec6g.twin.defence.Action` (no-op, re-initialise, purify, partial collapse).
Reward: ``R = −(α(1−F) + βS + δD)`` on the post-action measured observables (``weights = (α, β, δ)``), optionally
minus ``λ·cost(a)``. Episodes last ``steps`` steps and end by truncation. Each episode is attacked with
probability ``attack_fraction`` (the scenario's channel and, if given, a Table-3 attack switch on at the onset).

:class:`CQDTVectorEnv` runs ``num_envs`` episodes in lock step on the kernel's batch axis (one
:class:`~qsec6g.twin.simulator.TwinSimulator` with ``batch = num_envs``); all its episodes end together and it
resets them in the same step (``autoreset_mode = SAME_STEP``; the final observation is in ``info["final_obs"]``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv

from qsec6g.twin.adversary import ATTACKS, Attack
from qsec6g.twin.adversary import scenario as get_scenario
from qsec6g.twin.defence import NUM_ACTIONS
from qsec6g.twin.simulator import StepResult, TwinConfig, TwinSimulator

ENV_ID = "qsec6g/CQDT-v0"


def _observation_space(n: int) -> spaces.Box:
    return spaces.Box(low=np.zeros(3, np.float32), high=np.array([1.0, float(n), 1.0], np.float32), dtype=np.float32)


def _make_sim(scenario: str, attack: str | Attack | None, batch: int, config: TwinConfig | None) -> TwinSimulator:
    if isinstance(attack, str):
        if attack not in ATTACKS:
            raise ValueError(f"unknown attack {attack!r}; known: {', '.join(ATTACKS)}")
        attack = ATTACKS[attack]()
    return TwinSimulator(get_scenario(scenario), attack, batch, config or TwinConfig())


def _info(r: StepResult, i: int | slice) -> dict[str, Any]:
    return {"exact": r.exact[i], "measured": r.measured[i], "executed": r.executed[i], "success": r.success[i],
            "dropped": r.dropped[i], "attack_active": r.active[i]}


class CQDTEnv(gym.Env):
    """One CQDT episode at a time (``qsec6g/CQDT-v0``)."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": []}

    def __init__(self, scenario: str = "S7", attack: str | Attack | None = None, config: TwinConfig | None = None):
        self.sim = _make_sim(scenario, attack, 1, config)
        self.observation_space = _observation_space(self.sim.n)
        self.action_space = spaces.Discrete(NUM_ACTIONS)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        attacked = None if not options or "attacked" not in options else np.array([bool(options["attacked"])])
        obs = self.sim.reset(self.np_random, attacked)
        return self._clip(obs[0]), {"label": int(self.sim.labels()[0])}

    def _clip(self, obs: np.ndarray) -> np.ndarray:
        return np.clip(obs, self.observation_space.low, self.observation_space.high).astype(np.float32)

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action {action!r} is not in {self.action_space}")
        r = self.sim.step(np.array([int(action)]))
        return self._clip(r.obs[0]), float(r.reward[0]), False, self.sim.done, _info(r, 0)


class CQDTVectorEnv(VectorEnv):
    """``num_envs`` CQDT episodes batched on the kernel's batch axis."""

    metadata: ClassVar[dict[str, Any]] = {"autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, num_envs: int = 64, scenario: str = "S7", attack: str | Attack | None = None,
                 config: TwinConfig | None = None):
        self.sim = _make_sim(scenario, attack, num_envs, config)
        self.num_envs = num_envs
        self.single_observation_space = _observation_space(self.sim.n)
        self.single_action_space = spaces.Discrete(NUM_ACTIONS)
        self.observation_space = spaces.Box(
            np.tile(self.single_observation_space.low, (num_envs, 1)),
            np.tile(self.single_observation_space.high, (num_envs, 1)), dtype=np.float32)
        self.action_space = spaces.MultiDiscrete(np.full(num_envs, NUM_ACTIONS))
        self._rng = np.random.default_rng()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        obs = self.sim.reset(self._rng)
        return self._clip(obs), {"label": self.sim.labels()}

    def _clip(self, obs: np.ndarray) -> np.ndarray:
        return np.clip(obs, self.single_observation_space.low, self.single_observation_space.high).astype(np.float32)

    def step(self, actions):
        r = self.sim.step(np.asarray(actions))
        obs = self._clip(r.obs)
        trunc = np.full(self.num_envs, self.sim.done)
        info = _info(r, slice(None))
        if self.sim.done:
            info["final_obs"] = obs
            obs, _ = self.reset()
        return obs, r.reward, np.zeros(self.num_envs, bool), trunc, info


if ENV_ID not in gym.registry:
    gym.register(id=ENV_ID, entry_point="qsec6g.twin.env:CQDTEnv")
