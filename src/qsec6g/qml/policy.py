"""PRB allocation from ColO-RAN KPIs: a KPI-driven environment, a PQC policy and a classical policy trained with
REINFORCE, and observation attacks (Q-FGSM / Q-PGD) measured as reward and throughput loss.

Environment (one step = one ~250 ms reporting interval t, aligned by row index across the 6 UEs):
- demand_u = the downlink rate UE u actually carried at t (``dl_brate``, bit/s) — what it requests;
- spectral efficiency se_u = log2(1 + 10^(dl_snr_u / 10)) bit/s/Hz (Shannon, from the logged SNR);
- the cell has ``n_prb`` PRBs of 180 kHz; an allocation gives PRB share a_u, rate_u = a_u·n_prb·180 kHz·se_u;
- served_u = rate_u ≥ demand_u; reward = (#served) × Σ_u min(rate_u, demand_u) / 1 Mbit/s.
Observation: standardised (demand_u, se_u) for the 6 UEs (12 features); the PQC amplitude-encodes them into 4 qubits.
Policy: softmax over UEs; PRB chunks are drawn from it during training (REINFORCE with a mean baseline) and the
deployed allocation is the expected share a = π(·|s). Attacks perturb the observation (ℓ∞, standardised units)
to push the policy away from its own clean allocation (Huang et al. 2017's FGSM on policies).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from qsec6g.qml.circuits import DTYPE, QuantumClassifier

PRB_HZ = 180e3


@dataclass
class PRBEnv:
    """Per-step demand (T, U) in bit/s and spectral efficiency (T, U) in bit/s/Hz; ``n_prb`` PRBs."""

    demand: np.ndarray
    se: np.ndarray
    n_prb: int = 2

    @classmethod
    def from_kpis(cls, df: pd.DataFrame, n_prb: int = 2) -> PRBEnv:
        ues = sorted(df["ue"].unique())
        t = min(int((df["ue"] == u).sum()) for u in ues)
        dem = np.stack([df.loc[df["ue"] == u, "dl_brate"].to_numpy()[:t] for u in ues], 1)
        snr = np.stack([df.loc[df["ue"] == u, "dl_snr"].to_numpy()[:t] for u in ues], 1)
        return cls(dem.astype(float), np.log2(1 + 10 ** (snr / 10)), n_prb)

    def observations(self) -> np.ndarray:
        obs = np.concatenate([self.demand, self.se], 1)
        return (obs - obs.mean(0)) / np.where(obs.std(0) > 0, obs.std(0), 1.0)

    def outcome(self, share: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reward and throughput (bit/s) of PRB shares (B, U) at steps ``idx``."""
        rate = share * self.n_prb * PRB_HZ * self.se[idx]
        carried = np.minimum(rate, self.demand[idx])
        served = (rate >= self.demand[idx]).sum(1)
        return served * carried.sum(1) / 1e6, carried.sum(1)


class PQCPolicy(torch.nn.Module):
    """Amplitude-encoded 4-qubit circuit → ⟨Z_k⟩ → linear layer → logits over the U users."""

    def __init__(self, n_obs: int, n_users: int, n_layers: int = 3, seed: int = 0) -> None:
        super().__init__()
        self.circuit = QuantumClassifier(n_obs, 4, n_layers, "amplitude", seed=seed)
        self.out = torch.nn.Linear(4, n_users, dtype=DTYPE)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.circuit
        return self.out(c.expvals(c.encode(x)))


class MLPPolicy(torch.nn.Module):
    def __init__(self, n_obs: int, n_users: int, hidden: int = 32, seed: int = 0) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.net = torch.nn.Sequential(torch.nn.Linear(n_obs, hidden, dtype=DTYPE), torch.nn.Tanh(),
                                       torch.nn.Linear(hidden, n_users, dtype=DTYPE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def train_policy(policy: torch.nn.Module, env: PRBEnv, steps: int = 300, batch: int = 64, chunks: int = 10,
                 lr: float = 0.05, seed: int = 0) -> list[float]:
    """REINFORCE: per update, ``batch`` random steps, ``chunks`` PRB chunks drawn per step from π."""
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    obs = torch.as_tensor(env.observations(), dtype=DTYPE)
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    curve = []
    for _ in range(steps):
        idx = rng.integers(0, len(obs), batch)
        logp = torch.log_softmax(policy(obs[idx]), 1)
        draws = torch.multinomial(logp.exp().detach(), chunks, replacement=True, generator=gen)
        share = torch.zeros_like(logp).scatter_add_(1, draws, torch.ones_like(draws, dtype=DTYPE)) / chunks
        reward, _ = env.outcome(share.numpy(), idx)
        adv = torch.as_tensor(reward - reward.mean(), dtype=DTYPE)
        loss = -(adv * logp.gather(1, draws).sum(1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        curve.append(float(reward.mean()))
    return curve


def attack_observations(policy: torch.nn.Module, obs: torch.Tensor, eps: float, steps: int = 1) -> torch.Tensor:
    """Q-FGSM (steps = 1) / Q-PGD: maximise the cross-entropy against the policy's own clean top user inside the
    ℓ∞ ball (the KL to the clean policy has zero gradient at δ = 0, so FGSM on it would be a no-op)."""
    if eps < 0:
        raise ValueError(f"eps must be ≥ 0, got {eps}")
    if eps == 0:
        return obs.clone()
    with torch.no_grad():
        top = policy(obs).argmax(1)
    delta = torch.zeros_like(obs)
    alpha = eps if steps == 1 else 2.5 * eps / steps
    for _ in range(steps):
        d = delta.clone().requires_grad_(True)
        ce = torch.nn.functional.cross_entropy(policy(obs + d), top, reduction="sum")
        (g,) = torch.autograd.grad(ce, d)
        delta = (delta + alpha * g.sign()).clamp(-eps, eps)
    return (obs + delta).detach()


def evaluate_policy(policy: torch.nn.Module, env: PRBEnv, idx: np.ndarray, eps: float, steps: int
                    ) -> dict[str, np.ndarray]:
    """Per-step reward and throughput with clean and attacked observations (deployed share = π(·|s))."""
    obs = torch.as_tensor(env.observations()[idx], dtype=DTYPE)
    adv = attack_observations(policy, obs, eps, steps)
    with torch.no_grad():
        r0, t0 = env.outcome(torch.softmax(policy(obs), 1).numpy(), idx)
        r1, t1 = env.outcome(torch.softmax(policy(adv), 1).numpy(), idx)
    return {"reward_clean": r0, "reward_attacked": r1, "throughput_clean": t0, "throughput_attacked": t1}
