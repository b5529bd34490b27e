"""The batched CQDT twin: ``B`` independent episodes advanced in lock step on the kernel's batch axis.

Per episode: a telemetry stream (:mod:`~qsec6g.twin.telemetry`) → Eq. 11 preprocessing and amplitude encoding
(:mod:`~qsec6g.twin.preprocess`) → the entangling layout ``U_ent`` (:mod:`~qsec6g.twin.registers`) gives the
reference ``|ψ_t⟩``. The register ``ρ`` persists: each step it follows the new reference coherently (the real
rotation in span{ψ_{t−1}, ψ_t} that takes one onto the other, identity elsewhere, which leaves fidelity to the
reference unchanged) and then suffers the step channel — ambient noise, plus the scenario's channel and any
Table-3 attack while the attack is active — so noise compounds until a defence acts (:mod:`~qsec6g.twin.defence`).

With ``indicator_channels`` the scenario table's levels are replaced by the indicator maps applied to each step's
telemetry (:func:`~qsec6g.twin.adversary.indicator_params`, restricted to the scenario's channel family).

Observables per step, against ``|ψ_t⟩``: fidelity F, von Neumann entropy S (bits) and trace distance D, either
exact or estimated from ``shots`` Pauli classical-shadow measurements (F unbiased; S and D plug-in on the
physical projection of the shadow estimate; :class:`qsec6g.quantum.measurement.PauliShadow`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from qsec6g.quantum.measurement import PauliShadow, project_to_density
from qsec6g.quantum.metrics import entropy_and_distance_to_pure, fidelity
from qsec6g.quantum.states import to_density
from qsec6g.seeding import SeedLike, make_rng
from qsec6g.twin import defence as dfn
from qsec6g.twin.adversary import (
    AMBIENT,
    SCENARIOS,
    Attack,
    AttackType,
    NoiseParams,
    Scenario,
    indicator_params,
)
from qsec6g.twin.defence import Action
from qsec6g.twin.preprocess import Preprocessor
from qsec6g.twin.registers import Layout, entangling_unitary, split_qubits
from qsec6g.twin.telemetry import COMPACT_FEATURES, Telemetry, UseCase, generate


@dataclass
class TwinConfig:
    """Knobs of the twin shared by the env, the evaluation and the benchmark."""

    features: tuple[str, ...] = COMPACT_FEATURES
    layout: Layout = "composite"
    steps: int = 50
    shots: int | None = 10_000  # None: exact observables
    track_exact: bool = True  # also compute the exact F, S, D (for evaluation) when observing from shots
    clip: float = 3.0
    weights: tuple[float, float, float] = (1.0, 0.5, 0.5)  # (α, β, δ) of R = −(α(1−F) + βS + δD)
    action_cost_weight: float = 0.0  # λ of an optional −λ·cost(a) term (0: the paper's reward)
    weak_strength: float = 0.6  # p of the partial-collapse weak measurement
    attack_fraction: float = 0.5  # share of episodes that are attacked
    severity: float = 1.0
    indicator_channels: bool = False  # True: each step's channel from that step's telemetry indicators


@lru_cache(maxsize=8)
def shadow_maps(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense linear maps of the random-Pauli classical shadow on ``n`` qubits (small ``n``), as the kernel's
    :class:`~qsec6g.quantum.measurement.PauliShadow` defines it:

    * ``P`` ``(3**n · 2**n, 4**n)``: ``p[s, o] = tr(Π_{s,o} ρ) = P @ vec(ρ)`` (setting s: base-3 digits X=0, Y=1, Z=2,
      qubit 0 first; outcome o: qubit 0 = most significant bit);
    * ``A`` ``(4**n, 3**n · 2**n)``: ``vec(ρ̄) = A @ (counts / N)``, the mean snapshot ``⊗_q (3 Π_q − I)``.

    One matrix product each replaces the per-qubit tensor contractions in the twin's hot loop.
    """
    from qsec6g.quantum.gates import SDG, H

    bases = (H, H @ SDG, np.eye(2, dtype=np.complex128))
    proj = [[np.outer(u[o].conj(), u[o]) for o in range(2)] for u in bases]  # Π = U† |o><o| U
    ops_p, ops_a = [], []
    for s in range(3**n):
        digits = [(s // 3 ** (n - 1 - q)) % 3 for q in range(n)]
        for o in range(2**n):
            bits = [(o >> (n - 1 - q)) & 1 for q in range(n)]
            pi, a = np.ones((1, 1)), np.ones((1, 1))
            for dgt, bit in zip(digits, bits):
                pi = np.kron(pi, proj[dgt][bit])
                a = np.kron(a, 3.0 * proj[dgt][bit] - np.eye(2))
            ops_p.append(pi.T.reshape(-1))  # tr(Π ρ) = vec(Π^T) · vec(ρ)
            ops_a.append(a.reshape(-1))
    return np.array(ops_p), np.array(ops_a).T


def follow_rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Real orthogonal ``R`` with ``R a = b`` acting as identity outside span{a, b} (unit real rows), ``(B, d, d)``."""
    c = np.clip(np.einsum("bi,bi->b", a, b), -1.0, 1.0)
    w = b - c[:, None] * a
    s = np.linalg.norm(w, axis=1)
    w = np.where(s[:, None] > 1e-12, w / np.where(s > 1e-12, s, 1.0)[:, None], 0.0)
    aa, ww = a[:, :, None] * a[:, None, :], w[:, :, None] * w[:, None, :]
    wa = w[:, :, None] * a[:, None, :]
    d = a.shape[1]
    return np.eye(d)[None] + (c[:, None, None] - 1.0) * (aa + ww) + s[:, None, None] * (wa - np.swapaxes(wa, 1, 2))


#: registers up to this size use the dense shadow maps (``4**n x 6**n`` entries)
SHADOW_DENSE_MAX_QUBITS = 4


@dataclass
class StepResult:
    """What one batched step returns; ``obs`` is what the policy sees (possibly spoofed or stale)."""

    obs: np.ndarray  # (B, 3) float32
    reward: np.ndarray  # (B,)
    exact: np.ndarray  # (B, 3) exact F, S, D
    measured: np.ndarray  # (B, 3) F, S, D as measured (shots or exact)
    executed: np.ndarray  # (B,) action actually executed
    success: np.ndarray  # (B,) bool: a probabilistic action succeeded (True for deterministic ones)
    dropped: np.ndarray  # (B,) bool: DoS dropped the step
    active: np.ndarray  # (B,) bool: the attack is active this step
    telemetry: np.ndarray  # (B, F) raw telemetry row of the step


@dataclass
class TwinSimulator:
    """``batch`` CQDT episodes of one scenario (and optionally one Table-3 attack), advanced together."""

    scenario: Scenario = field(default_factory=lambda: SCENARIOS["S7"])
    attack: Attack | None = None
    batch: int = 1
    config: TwinConfig = field(default_factory=TwinConfig)

    def __post_init__(self) -> None:
        self.pre = Preprocessor(self.config.features, clip=self.config.clip, batch=self.batch)
        self.n = self.pre.num_qubits
        self.u = entangling_unitary(self.n, self.config.layout)
        self.registers = split_qubits(self.n)
        self.shadow = PauliShadow(self.n) if self.config.shots else None
        self.ambient = AMBIENT.channel()
        self.t = 0

    # ------------------------------------------------------------------------------------------ episodes
    def reset(self, rng: SeedLike = None, attacked: np.ndarray | None = None) -> np.ndarray:
        """Start ``batch`` new episodes; ``attacked`` (bool per episode) defaults to a random ``attack_fraction``."""
        self.rng = make_rng(rng)
        cfg, b = self.config, self.batch
        if attacked is None:
            attacked = self.rng.random(b) < cfg.attack_fraction
        self.attacked = np.asarray(attacked, dtype=bool)
        cases = [self.scenario.use_case if a else UseCase.NORMAL for a in self.attacked]
        self.telemetry: Telemetry = generate(cases, b, cfg.steps + 1, self.rng, severity=cfg.severity)
        self.x = np.ascontiguousarray(self.telemetry.select(cfg.features))  # (B, T+1, d) the register's features
        self.params: NoiseParams = self.scenario.draw(b, self.rng)
        self.attack_channel = self.params.channel() @ self.ambient
        self.gamma_hat = np.broadcast_to(np.asarray(self.params.gamma, dtype=float), (b,)) + float(AMBIENT.gamma)
        # the attack window: from the telemetry's onset on (thermal stress S5/S6 shows no telemetry shift: onset 0)
        onset = self.telemetry.attack_active if self.scenario.use_case is not UseCase.NORMAL else None
        self.active_mask = (onset if onset is not None else np.ones((b, cfg.steps + 1), bool)) & self.attacked[:, None]
        if self.attack is not None:
            self.attack.info_bits = 0.0
        self.pre.reset()
        self.t = 0
        self.psi = self._reference(0)
        self.rho = to_density(self.psi).astype(np.complex128)
        self.last_obs = np.tile(np.array([1.0, 0.0, 0.0], dtype=np.float32), (b, 1))
        return self.last_obs.copy()

    def _reference(self, t: int) -> np.ndarray:
        amp = self.pre.encode(self.x[:, t]).real
        return amp @ self.u.T

    def labels(self) -> np.ndarray:
        """Ground-truth attack label per episode (:class:`~qsec6g.twin.adversary.AttackType`)."""
        kind = AttackType.CHANNEL if self.attack is None else self.attack.label
        return np.where(self.attacked, int(kind), int(AttackType.NONE))

    # ------------------------------------------------------------------------------------------ one step
    def step_channel(self, rho: np.ndarray, active: np.ndarray) -> np.ndarray:
        """The step's noise: ambient, or ambient then the scenario channel where ``active``; then the attack."""
        if active.all():
            out = self.attack_channel.apply_each(rho)
        elif not active.any():
            out = self.ambient.apply_each(rho)
        else:
            out = np.where(active[:, None, None], self.attack_channel.apply_each(rho), self.ambient.apply_each(rho))
        if self.attack is not None and self.attack.label is not AttackType.NONE:
            out = self.attack.on_state(out, active & self.attacked, self.rng, self.n, self.registers)
        return out

    def observe(self, rho: np.ndarray, psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(exact, measured) observables ``(B, 3)`` = [F, S, D] of ``rho`` against ``psi``.

        With shots: ``ρ̄`` = mean classical-shadow snapshot; F̂ = ⟨ψ|ρ̄|ψ⟩ (unbiased, the shadow fidelity
        estimator), Ŝ and D̂ plug-in on the physical projection of ρ̄. ``exact`` is NaN when not tracked.
        """
        ref = psi.astype(np.complex128)
        exact = np.full((len(psi), 3), np.nan)
        if self.shadow is None or self.config.track_exact:
            fid = fidelity(psi, rho)
            s, d = entropy_and_distance_to_pure(rho, ref)
            exact = np.stack([np.clip(fid, 0, 1), s, d], axis=1)
        if self.shadow is None:
            return exact, exact
        mean = self._shadow_mean(rho)
        f_hat = np.clip(fidelity(ref, mean), 0.0, 1.0)
        s_hat, d_hat = entropy_and_distance_to_pure(project_to_density(mean), ref)
        return exact, np.stack([f_hat, s_hat, d_hat], axis=1)

    def _shadow_mean(self, rho: np.ndarray) -> np.ndarray:
        """Sample ``shots`` shadow measurements per state and return the mean snapshots ρ̄ ``(B, d, d)``.

        Same law and the same generator calls as ``PauliShadow.sample`` + ``mean_snapshot`` (checked in the tests),
        with the dense maps of :func:`shadow_maps` for small registers.
        """
        n, b, d = self.n, rho.shape[0], rho.shape[-1]
        if n > SHADOW_DENSE_MAX_QUBITS:
            return self.shadow.mean_snapshot(self.shadow.sample(rho, self.config.shots, self.rng))
        p_map, a_map = shadow_maps(n)
        probs = np.clip(np.real(rho.reshape(b, d * d) @ p_map.T), 0.0, None).reshape(b, 3**n, d)
        probs /= probs.sum(axis=-1, keepdims=True)
        per_setting = self.rng.multinomial(self.config.shots, np.full(3**n, 1.0 / 3**n), size=b)
        counts = self.rng.multinomial(per_setting, probs)
        freq = counts.reshape(b, -1) / counts.sum(axis=(1, 2))[:, None]
        return (freq @ a_map.T).reshape(b, d, d)

    def step(self, actions: np.ndarray) -> StepResult:
        """Advance every episode by one step under ``actions`` (one :class:`Action` id per episode)."""
        cfg, b, n = self.config, self.batch, self.n
        self.t += 1
        t = self.t
        active = self.active_mask[:, t]
        if cfg.indicator_channels:  # this step's telemetry sets this step's channel, in every episode
            step_params = indicator_params(self.telemetry.indicators[:, t], self.scenario.family)
            self.attack_channel = step_params.channel() @ self.ambient
            self.gamma_hat = np.asarray(step_params.gamma) + float(AMBIENT.gamma)
            active = np.ones(b, bool)
        psi_new = self._reference(t)
        rot = follow_rotation(self.psi, psi_new)
        rho = rot @ self.rho @ np.swapaxes(rot, 1, 2)
        self.psi = psi_new
        act = np.asarray(actions, dtype=np.int64).reshape(b)
        dropped = np.zeros(b, bool)
        if self.attack is not None:
            act = self.attack.on_action(act, active & self.attacked, self.rng)
            dropped = self.attack.drops_step(active & self.attacked, self.rng)
            act = np.where(dropped, int(Action.NOOP), act)
        pure = to_density(psi_new).astype(np.complex128)
        # pre-actions
        rho = np.where((act == Action.REINIT)[:, None, None], pure, rho)
        pc = act == Action.PARTIAL_COLLAPSE
        p_w = np.where(pc, cfg.weak_strength, 0.0)
        if pc.any():
            rho = dfn.scale(rho, dfn.weak_measurement_diag(p_w, n))
        rho = self.step_channel(rho, active)
        success = np.ones(b, bool)
        if pc.any():
            p_r = np.where(pc, dfn.reversal_strength(p_w, np.where(active, self.gamma_hat, AMBIENT.gamma)), 0.0)
            rho, p_ok = dfn.normalise(dfn.scale(rho, dfn.reversal_diag(p_r, n)))
            success &= ~pc | (self.rng.random(b) < p_ok)
        pu = act == Action.PURIFY
        if pu.any():
            purified, p_ok = dfn.purify(rho, psi_new)
            rho = np.where(pu[:, None, None], purified, rho)
            success &= ~pu | (self.rng.random(b) < p_ok)
        if not success.all():
            rho = np.where(success[:, None, None], rho, self.step_channel(pure, active))
        self.rho = rho
        exact, measured = self.observe(rho, psi_new)
        obs = measured.astype(np.float32)
        if self.attack is not None:
            obs = self.attack.on_observation(obs, active & self.attacked)
        obs = np.where(dropped[:, None], self.last_obs, obs)
        self.last_obs = obs
        a, be, de = cfg.weights
        reward = -(a * (1 - measured[:, 0]) + be * measured[:, 1] + de * measured[:, 2])
        if cfg.action_cost_weight:
            costs = np.array([dfn.action_cost(k, n).units for k in range(dfn.NUM_ACTIONS)])
            reward = reward - cfg.action_cost_weight * costs[act]
        return StepResult(obs.copy(), reward, exact, measured, act, success, dropped, active,
                          self.telemetry.features[:, t])

    @property
    def done(self) -> bool:
        return self.t >= self.config.steps
