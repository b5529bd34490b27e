"""Evaluation protocol: rollouts of every policy on every scenario, secure-region time, paired statistics, latency.

Units: F and D in [0, 1], S in bits, returns are sums of per-step rewards, latencies in milliseconds.

* :func:`rollout` runs ``episodes`` episodes of one scenario under one policy on the batched simulator and keeps
  every step; the same ``seed`` gives the same telemetry, parameters and attacked flags for every policy, so
  policies are compared on paired episodes.
* :func:`time_in_region`: share of steps inside the secure operating region ``F ≥ τ_F, S ≤ τ_S, D ≤ τ_D``
  (default (0.90, 0.40, 0.20)) on the measured observables.
* :func:`paired_tests`: per-episode differences of a metric between each policy and a reference policy; normality
  of the differences checked with Shapiro–Wilk (α = 0.05) → paired t-test, else Wilcoxon signed-rank;
  Holm–Bonferroni over the comparisons; Cohen's d_z = mean(diff) / sd(diff).
* :func:`bootstrap_ci`: percentile CI over resampled episodes (1000 resamples by default).
* :func:`latency_breakdown`: per-module timing of one defence cycle, p50 / p95 with bootstrap CIs on p50.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qsec6g.seeding import SeedLike, make_rng
from qsec6g.twin.adversary import Attack
from qsec6g.twin.adversary import scenario as get_scenario
from qsec6g.twin.agents.heuristic import Policy
from qsec6g.twin.simulator import TwinConfig, TwinSimulator

REGION = (0.90, 0.40, 0.20)


@dataclass
class Rollout:
    """Every step of ``B`` episodes: arrays ``(B, T, ...)`` plus per-episode labels."""

    scenario: str
    policy: str
    obs: np.ndarray
    exact: np.ndarray
    measured: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    active: np.ndarray
    telemetry: np.ndarray
    attacked: np.ndarray
    labels: np.ndarray


def rollout(policy: Policy | Callable[[np.ndarray], np.ndarray], scenario: str, episodes: int, config: TwinConfig,
            seed: SeedLike, attack: Attack | None = None, attacked: np.ndarray | None = None,
            name: str | None = None) -> Rollout:
    """Run ``episodes`` episodes of ``scenario`` under ``policy`` (its ``act`` or a plain callable)."""
    sim = TwinSimulator(get_scenario(scenario), attack, episodes, config)
    obs = sim.reset(seed, attacked)
    act = policy.act if hasattr(policy, "act") else policy
    keys = ("obs", "exact", "measured", "actions", "rewards", "active", "telemetry")
    out: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    for _ in range(config.steps):
        a = act(obs)
        r = sim.step(a)
        obs = r.obs
        for k, v in zip(keys, (r.obs, r.exact, r.measured, r.executed, r.reward, r.active, r.telemetry)):
            out[k].append(v)
    arrays = {k: np.stack(v, axis=1) for k, v in out.items()}
    return Rollout(scenario, name or getattr(policy, "name", "policy"), attacked=sim.attacked.copy(),
                   labels=sim.labels(), **arrays)


def time_in_region(obs: np.ndarray, region: tuple[float, float, float] = REGION) -> np.ndarray:
    """Share of steps with ``F ≥ τ_F``, ``S ≤ τ_S`` and ``D ≤ τ_D``, per episode, from ``(B, T, 3)``."""
    inside = (obs[..., 0] >= region[0]) & (obs[..., 1] <= region[1]) & (obs[..., 2] <= region[2])
    return inside.mean(axis=-1)


def episode_rows(r: Rollout, seed: int, region: tuple[float, float, float] = REGION) -> pd.DataFrame:
    """One row per episode: means of the exact and measured observables, return, time in the secure region."""
    rows = {
        "seed": seed, "scenario": r.scenario, "policy": r.policy, "episode": np.arange(len(r.attacked)),
        "attacked": r.attacked, "label": r.labels, "return": r.rewards.sum(axis=1),
        "time_in_region": time_in_region(r.measured, region),
    }
    for j, key in enumerate(("F", "S", "D")):
        rows[key] = r.exact[..., j].mean(axis=1)
        rows[f"{key}_measured"] = r.measured[..., j].mean(axis=1)
    for a in range(4):
        rows[f"share_action_{a}"] = (r.actions == a).mean(axis=1)
    return pd.DataFrame(rows)


def bootstrap_ci(values: np.ndarray, stat: Callable[[np.ndarray], float] = np.mean, resamples: int = 1000,
                 confidence: float = 0.95, rng: SeedLike = 0) -> tuple[float, float]:
    """Percentile bootstrap CI of ``stat`` over the first axis (the episode is the resampling unit)."""
    v = np.asarray(values)
    if len(v) == 0:
        return float("nan"), float("nan")
    gen = make_rng(rng)
    idx = gen.integers(0, len(v), size=(resamples, len(v)))
    boot = np.array([stat(v[i]) for i in idx])
    a = (1 - confidence) / 2
    return float(np.quantile(boot, a)), float(np.quantile(boot, 1 - a))


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (monotone, capped at 1)."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        adj[i] = min(1.0, running)
    return adj


def paired_tests(df: pd.DataFrame, metric: str, reference: str, unit: Sequence[str] = ("seed", "scenario", "episode"),
                 alpha: float = 0.05) -> pd.DataFrame:
    """Each policy vs ``reference`` on per-episode ``metric`` (paired on ``unit``), Holm-corrected."""
    from scipy import stats

    wide = df.pivot_table(index=list(unit), columns="policy", values=metric)
    rows = []
    for pol in wide.columns:
        if pol == reference:
            continue
        diff = (wide[pol] - wide[reference]).dropna().to_numpy()
        if len(diff) < 3 or np.allclose(diff, diff[0]):
            rows.append({"policy": pol, "reference": reference, "metric": metric, "n": len(diff),
                         "mean_diff": float(diff.mean()) if len(diff) else np.nan, "test": "none", "p": 1.0,
                         "cohens_d": 0.0})
            continue
        normal = stats.shapiro(diff).pvalue > alpha if len(diff) <= 5000 else True
        if normal:
            test, p = "paired t", stats.ttest_rel(wide[pol].loc[wide[pol].notna()], wide[reference].loc[wide[pol].notna()]).pvalue
        else:
            test, p = "wilcoxon", stats.wilcoxon(diff).pvalue
        sd = diff.std(ddof=1)
        rows.append({"policy": pol, "reference": reference, "metric": metric, "n": len(diff),
                     "mean_diff": float(diff.mean()), "test": test, "p": float(p),
                     "cohens_d": float(diff.mean() / sd) if sd > 0 else 0.0})
    out = pd.DataFrame(rows)
    if not out.empty:
        out["p_holm"] = holm(out["p"].to_numpy())
        out["significant"] = out["p_holm"] < alpha
    return out


def summarise(df: pd.DataFrame, resamples: int = 1000, rng: SeedLike = 0) -> pd.DataFrame:
    """Per (scenario, policy): means of F, S, D, return and region time over attacked episodes, with bootstrap CIs."""
    gen = make_rng(rng)
    rows = []
    for (sc, pol), g in df[df["attacked"]].groupby(["scenario", "policy"]):
        row: dict[str, object] = {"scenario": sc, "policy": pol, "episodes": len(g)}
        for key in ("F", "S", "D", "return", "time_in_region"):
            v = g[key].to_numpy()
            lo, hi = bootstrap_ci(v, resamples=resamples, rng=gen)
            row.update({key: float(v.mean()), f"{key}_lo": lo, f"{key}_hi": hi})
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------ latency
def latency_breakdown(config: TwinConfig, policy: Callable[[np.ndarray], int], repeat: int = 200,
                      seed: int = 0, scenario: str = "S8") -> pd.DataFrame:
    """Milliseconds per module of one single-episode defence cycle: p50, p95 and a bootstrap CI of p50.

    Modules: ``init`` (telemetry row → Eq. 11 → amplitude encoding), ``entangle`` (U_ent and the follow rotation
    of the register), ``noise`` (the step channel), ``measurement`` (shots and the F / S / D estimators),
    ``inference`` (the policy on one observation), and ``cycle`` (the env step with the policy, end to end).
    """
    from qsec6g.timing import time_calls
    from qsec6g.twin.simulator import follow_rotation

    sim = TwinSimulator(get_scenario(scenario), None, 1, config)
    sim.reset(seed, attacked=np.array([True]))
    x = sim.telemetry.select(config.features)[:, 1]
    amp = sim.pre.encode(x).real
    psi = amp @ sim.u.T
    obs = np.array([0.9, 0.3, 0.1])
    active = np.array([True])

    def cycle() -> None:
        if sim.done:
            sim.reset(seed, attacked=np.array([True]))
        r = sim.step(np.array([policy(sim.last_obs[0])]))
        policy(r.obs[0])

    stages = {
        "init": lambda: sim.pre.encode(x),
        "entangle": lambda: follow_rotation(sim.psi, amp @ sim.u.T),
        "noise": lambda: sim.step_channel(sim.rho, active),
        "measurement": lambda: sim.observe(sim.rho, psi),
        "inference": lambda: policy(obs),
        "cycle": cycle,
    }
    gen = np.random.default_rng(seed)
    rows = []
    for name, fn in stages.items():
        ms = time_calls(fn, repeat=repeat, warmup=5) * 1e3
        lo, hi = bootstrap_ci(ms, np.median, resamples=1000, rng=gen)
        rows.append({"module": name, "p50_ms": float(np.median(ms)), "p95_ms": float(np.quantile(ms, 0.95)),
                     "p50_lo_ms": lo, "p50_hi_ms": hi, "calls": len(ms)})
    return pd.DataFrame(rows)


def scalability_sweep(ns: Sequence[int] = (3, 5, 7, 9), repeat: int = 30, seed: int = 0,
                      shots: int = 10_000) -> pd.DataFrame:
    """Milliseconds per register cycle at ``n`` qubits (p50, p95): ``2**n`` features → amplitude encoding →
    composite ``U_ent`` → follow rotation of the persistent register → the S8 channel on every qubit → exact F, S, D
    → ``shots`` computational-basis samples → softmax-linear inference. (Classical shadows need ``3**n · 2**n``
    cells, so the sweep samples in the computational basis at every ``n`` for a like-for-like curve.)"""
    from qsec6g.quantum.encoding import amplitude_encode
    from qsec6g.quantum.measurement import sample_counts
    from qsec6g.quantum.metrics import entropy_and_distance_to_pure, fidelity
    from qsec6g.quantum.states import to_density
    from qsec6g.timing import time_calls
    from qsec6g.twin.adversary import SCENARIOS as TABLE
    from qsec6g.twin.agents.reinforce import SoftmaxLinearPolicy
    from qsec6g.twin.registers import entangling_unitary
    from qsec6g.twin.simulator import follow_rotation

    gen = make_rng(seed)
    channel = TABLE["S8"].params.channel()
    policy = SoftmaxLinearPolicy()
    rows = []
    for n in ns:
        u = entangling_unitary(n)
        state: dict[str, np.ndarray] = {}
        psi0 = amplitude_encode(gen.random((1, 2**n)) + 0.01).real @ u.T
        state["psi"], state["rho"] = psi0, to_density(psi0).astype(np.complex128)

        def cycle(u: np.ndarray = u, state: dict = state, n: int = n) -> None:
            psi = amplitude_encode(gen.random((1, 2**n)) + 0.01).real @ u.T
            rot = follow_rotation(state["psi"], psi)
            rho = channel.apply_each(rot @ state["rho"] @ np.swapaxes(rot, 1, 2))
            f = fidelity(psi, rho)
            s, d = entropy_and_distance_to_pure(rho, psi.astype(np.complex128))
            sample_counts(rho, shots, gen)
            policy.act_one(np.array([f[0], s[0], d[0]]))
            state["psi"], state["rho"] = psi, rho

        ms = time_calls(cycle, repeat=repeat if n < 9 else max(5, repeat // 3), warmup=2) * 1e3
        rows.append({"n": n, "p50_ms": float(np.median(ms)), "p95_ms": float(np.quantile(ms, 0.95)), "calls": len(ms)})
    return pd.DataFrame(rows)
