"""A2C, PPO and DQN from Stable-Baselines3 on the CQDT twin (same env, budget and seed for all three).

Each agent trains on :class:`BatchedTwinVecEnv`, an SB3 ``VecEnv`` over the batched simulator (the same dynamics as
``qsec6g/CQDT-v0``, ``num_envs`` episodes per kernel call) whose scenario is redrawn from ``scenarios`` at every
reset, so one agent covers S1–S9. Trained models are wrapped as batch
:class:`~qsec6g.twin.agents.heuristic.Policy` objects (deterministic ``predict``). Torch is seeded from the run
seed (SB3's ``seed``) and limited to one thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from qsec6g.twin.adversary import SCENARIOS
from qsec6g.twin.simulator import TwinConfig, TwinSimulator

ALGORITHMS = ("a2c", "ppo", "dqn")


class BatchedTwinVecEnv:
    """Stable-Baselines3 ``VecEnv`` over one :class:`TwinSimulator` batch (created lazily, needs SB3)."""

    def __new__(cls, scenarios: Sequence[str], config: TwinConfig, num_envs: int, seed: int):
        from gymnasium import spaces
        from stable_baselines3.common.vec_env import VecEnv

        from qsec6g.twin.defence import NUM_ACTIONS

        class _Vec(VecEnv):
            def __init__(self) -> None:
                self.sims = {s: TwinSimulator(SCENARIOS[s], None, num_envs, config) for s in scenarios}
                self.names = list(scenarios)
                self.rng = np.random.default_rng(seed)
                n = next(iter(self.sims.values())).n
                obs_space = spaces.Box(np.zeros(3, np.float32), np.array([1, n, 1], np.float32), dtype=np.float32)
                self.render_mode = None
                super().__init__(num_envs, obs_space, spaces.Discrete(NUM_ACTIONS))
                self.high = obs_space.high

            def reset(self):
                self.sim = self.sims[self.names[int(self.rng.integers(len(self.names)))]]
                return np.clip(self.sim.reset(self.rng), 0, self.high)

            def step_async(self, actions) -> None:
                self._actions = np.asarray(actions).reshape(self.num_envs)

            def step_wait(self):
                r = self.sim.step(self._actions)
                obs = np.clip(r.obs, 0, self.high).astype(np.float32)
                done = self.sim.done
                infos = [{} for _ in range(self.num_envs)]
                if done:
                    for i in range(self.num_envs):
                        infos[i] = {"terminal_observation": obs[i], "TimeLimit.truncated": True}
                    obs = self.reset()
                return obs, r.reward.astype(np.float32), np.full(self.num_envs, done), infos

            def close(self) -> None:
                return None

            def get_attr(self, attr_name, indices=None):
                return [getattr(self, attr_name)] * self.num_envs

            def set_attr(self, attr_name, value, indices=None) -> None:
                setattr(self, attr_name, value)

            def env_method(self, method_name, *args, indices=None, **kwargs):
                return [None] * self.num_envs

            def env_is_wrapped(self, wrapper_class, indices=None):
                return [False] * self.num_envs

        return _Vec()


class SB3Policy:
    """A trained SB3 model as a batch policy."""

    def __init__(self, model: Any, name: str) -> None:
        self.model, self.name = model, name

    def act(self, obs: np.ndarray) -> np.ndarray:
        actions, _ = self.model.predict(np.asarray(obs, dtype=np.float32), deterministic=True)
        return np.asarray(actions, dtype=np.int64).reshape(len(obs))


def train_sb3(algo: str, scenarios: Sequence[str], config: TwinConfig, timesteps: int, seed: int,
              num_envs: int = 16) -> SB3Policy:
    """Train one SB3 agent for ``timesteps`` env steps (summed over ``num_envs`` parallel episodes)."""
    import torch
    from stable_baselines3 import A2C, DQN, PPO

    torch.set_num_threads(1)
    env = BatchedTwinVecEnv(scenarios, config, num_envs, seed)
    common = {"seed": seed, "verbose": 0, "device": "cpu", "gamma": 0.99}
    if algo == "a2c":
        model = A2C("MlpPolicy", env, n_steps=16, ent_coef=0.01, **common)
    elif algo == "ppo":
        model = PPO("MlpPolicy", env, n_steps=32, batch_size=128, n_epochs=4, ent_coef=0.01, **common)
    elif algo == "dqn":
        model = DQN("MlpPolicy", env, learning_starts=min(1000, timesteps // 5), buffer_size=50_000,
                    exploration_fraction=0.3, target_update_interval=500, train_freq=1, gradient_steps=1, **common)
    else:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {algo!r}")
    model.learn(total_timesteps=timesteps)
    return SB3Policy(model, algo)
