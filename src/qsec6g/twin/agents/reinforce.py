"""REINFORCE with the softmax-linear policy of the CQDT paper (Eq. 33), in numpy.

Policy: ``π(a|s) = softmax(θ φ(s))_a`` with features ``φ(s) = [1, F, S, D]`` and ``θ`` of shape ``(A, 4)``.
Update per batch of episodes (returns ``G_t = Σ_k γ^k r_{t+k}``, γ = 0.99):
``∇J = mean_t [(G_t − b_t) ∇log π(a_t|s_t)] + c_H ∇H(π(·|s_t))`` with entropy weight ``c_H = 0.01``; the baseline
``b_t`` is either a moving average of returns (``baseline="moving_average"``, rate 0.05) or a learnt linear value
``V(s) = w·φ(s)`` fitted by least squares steps (``baseline="value"``, the paper's Eq. 36). Adam (lr 1e-3),
global gradient-norm clipping at 0.5. Early stopping: every ``eval_every`` updates the policy is scored on
validation episodes by ROC-AUC of the episode's mean defence probability ``1 − π(noop|s)`` against the attack
label; training stops after ``patience`` (5) evaluations without improvement and keeps the best parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from qsec6g.seeding import SeedLike, make_rng
from qsec6g.twin.defence import NUM_ACTIONS

NUM_FEATURES = 4


def features(obs: np.ndarray) -> np.ndarray:
    """``φ(s) = [1, F, S, D]`` for observations ``(..., 3)``."""
    return np.concatenate([np.ones(obs.shape[:-1] + (1,)), obs], axis=-1)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class SoftmaxLinearPolicy:
    """``π(a|s) = softmax(θ φ(s))``; greedy (argmax) actions unless ``sample=True``."""

    theta: np.ndarray = field(default_factory=lambda: np.zeros((NUM_ACTIONS, NUM_FEATURES)))
    name: str = "reinforce"

    def probs(self, obs: np.ndarray) -> np.ndarray:
        return softmax(features(np.asarray(obs, dtype=np.float64)) @ self.theta.T)

    def act(self, obs: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        p = self.probs(obs)
        if rng is None:
            return np.argmax(p, axis=-1)
        u = rng.random((len(p), 1))
        return np.minimum((np.cumsum(p, axis=-1) < u).sum(axis=-1), NUM_ACTIONS - 1)

    def act_one(self, obs: np.ndarray) -> int:
        """Greedy action for one observation ``(3,)``: the inference path timed by the benchmark."""
        z = self.theta[:, 0] + self.theta[:, 1:] @ obs
        return int(z.argmax())


@dataclass
class ReinforceConfig:
    lr: float = 1e-3
    gamma: float = 0.99
    entropy_coef: float = 0.01
    clip_norm: float = 0.5
    baseline: str = "moving_average"  # or "value"
    baseline_rate: float = 0.05
    updates: int = 200
    eval_every: int = 5
    patience: int = 5


class Adam:
    """Adam on one parameter array (β1 0.9, β2 0.999, ε 1e-8); ``step`` *ascends* the given gradient."""

    def __init__(self, shape: tuple[int, ...], lr: float) -> None:
        self.m, self.v, self.t, self.lr = np.zeros(shape), np.zeros(shape), 0, lr

    def step(self, grad: np.ndarray) -> np.ndarray:
        self.t += 1
        self.m = 0.9 * self.m + 0.1 * grad
        self.v = 0.999 * self.v + 0.001 * grad**2
        mhat, vhat = self.m / (1 - 0.9**self.t), self.v / (1 - 0.999**self.t)
        return self.lr * mhat / (np.sqrt(vhat) + 1e-8)


def discounted_returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """``G_t`` for rewards ``(B, T)``."""
    out = np.zeros_like(rewards)
    acc = np.zeros(rewards.shape[0])
    for t in range(rewards.shape[1] - 1, -1, -1):
        acc = rewards[:, t] + gamma * acc
        out[:, t] = acc
    return out


def policy_gradient(theta: np.ndarray, obs: np.ndarray, actions: np.ndarray, adv: np.ndarray,
                    entropy_coef: float) -> np.ndarray:
    """Gradient of ``mean[adv · log π(a|s)] + c_H mean[H(π(·|s))]`` w.r.t. θ for flat batches."""
    phi = features(obs)
    p = softmax(phi @ theta.T)
    onehot = np.eye(theta.shape[0])[actions]
    g_logits = adv[:, None] * (onehot - p)
    logp = np.log(np.clip(p, 1e-12, None))
    ent = -(p * logp).sum(axis=1, keepdims=True)
    g_logits += entropy_coef * (-p * (logp + ent))
    return g_logits.T @ phi / len(obs)


Rollout = Callable[[SoftmaxLinearPolicy, np.random.Generator], tuple[np.ndarray, np.ndarray, np.ndarray]]
Validate = Callable[[SoftmaxLinearPolicy], float]


def train_reinforce(rollout: Rollout, validate: Validate | None, config: ReinforceConfig | None = None,
                    rng: SeedLike = None) -> tuple[SoftmaxLinearPolicy, list[dict[str, float]]]:
    """Train from ``rollout(policy, rng) -> (obs (B,T,3), actions (B,T), rewards (B,T))`` (actions sampled from
    the policy); returns the best policy by validation score (or the last one) and a training log."""
    cfg = config or ReinforceConfig()
    gen = make_rng(rng)
    policy = SoftmaxLinearPolicy()
    opt = Adam(policy.theta.shape, cfg.lr)
    w = np.zeros(NUM_FEATURES)
    w_opt = Adam(w.shape, 1e-2)
    avg: float | None = None
    best, best_theta, bad = -np.inf, policy.theta.copy(), 0
    log: list[dict[str, float]] = []
    for update in range(1, cfg.updates + 1):
        obs, actions, rewards = rollout(policy, gen)
        g = discounted_returns(rewards, cfg.gamma)
        flat_obs, flat_a, flat_g = obs.reshape(-1, 3), actions.reshape(-1), g.reshape(-1)
        if cfg.baseline == "value":
            phi = features(flat_obs)
            adv = flat_g - phi @ w
            w += w_opt.step(phi.T @ adv / len(adv))
        else:
            avg = float(flat_g.mean()) if avg is None else (1 - cfg.baseline_rate) * avg + cfg.baseline_rate * float(flat_g.mean())
            adv = flat_g - avg
        grad = policy_gradient(policy.theta, flat_obs, flat_a, adv, cfg.entropy_coef)
        norm = float(np.linalg.norm(grad))
        if norm > cfg.clip_norm:
            grad *= cfg.clip_norm / norm
        policy.theta = policy.theta + opt.step(grad)
        entry = {"update": update, "mean_return": float(rewards.sum(axis=1).mean()), "grad_norm": norm}
        if validate is not None and update % cfg.eval_every == 0:
            score = validate(policy)
            entry["val_auc"] = score
            if score > best:
                best, best_theta, bad = score, policy.theta.copy(), 0
            else:
                bad += 1
            if bad >= cfg.patience:
                log.append(entry)
                break
        log.append(entry)
    if validate is not None and np.isfinite(best):
        policy.theta = best_theta
    return policy, log


def episode_defence_scores(policy: SoftmaxLinearPolicy, obs: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    """Per-episode attack score: the mean of ``1 − π(noop|s_t)`` over the episode's observations ``(B, T, 3)``."""
    o = np.asarray(obs)
    return 1.0 - policy.probs(o.reshape(-1, 3)).reshape(o.shape[0], o.shape[1], -1)[..., 0].mean(axis=1)
