"""Benchmark suite ``twin``: the CQDT defence cycle on the qsec6g kernel vs the same cycle on ``qiskit.quantum_info``.

One defence cycle at n = 3 (8 telemetry features, composite layout, scenario S8 active) = Eq. 11 preprocessing and
amplitude encoding of one telemetry row → ``U_ent`` → the register follows the new reference → the action →
ambient + composite channel (AD, BF, PF, depolarising on every qubit) → ``10**4``-shot Pauli classical shadow →
F, S, D estimates → reward → policy inference (softmax-linear, one observation). The exact F, S, D that the
evaluation also tracks are not part of the timed cycle (``track_exact=False``): a deployed twin only has shots.

The peer does the same cycle with ``Statevector`` / ``DensityMatrix.evolve`` (the entangler as a ``QuantumCircuit``,
the follow rotation as an ``Operator``, one ``Kraus`` per channel and qubit) and samples the shadow with
``DensityMatrix.sample_counts`` after each of the 27 basis changes; the classical parts (preprocessing, the
shadow estimators, the policy) are the same numpy code on both sides, so the ratio measures the quantum simulation
and sampling. Targets (issue #3): cycle p50 ≤ 0.2 ms and ≥ 50× the peer; policy inference ≤ 20 µs; vectorised
env ≥ 50,000 env-steps/s at n = 3. BLAS runs single-threaded for both sides (see :mod:`qsec6g.bench.kernel`).
"""

from __future__ import annotations

import numpy as np

from qsec6g.bench.records import Record
from qsec6g.quantum.measurement import PauliShadow, project_to_density
from qsec6g.quantum.metrics import entropy_and_distance_to_pure
from qsec6g.timing import time_calls
from qsec6g.twin.adversary import SCENARIOS
from qsec6g.twin.agents.reinforce import SoftmaxLinearPolicy
from qsec6g.twin.registers import entangler
from qsec6g.twin.simulator import TwinConfig, TwinSimulator, follow_rotation

SUITE = "twin"
PEER = "qiskit.quantum_info"
SHOTS = 10_000


def _policy() -> SoftmaxLinearPolicy:
    theta = np.zeros((4, 4))
    theta[0, 0] = 1.0  # a fixed policy that prefers no-op: the same executed action on both sides
    return SoftmaxLinearPolicy(theta)


def our_cycle(seed: int, steps: int = 10_000):
    """A callable doing one cycle on a single-episode simulator (restarting episodes as they end)."""
    sim = _simulator(seed, steps, track_exact=False)
    pol = _policy()

    def cycle() -> np.ndarray:
        if sim.done:
            sim.reset(seed, attacked=np.array([True]))
            sim.active_mask[:] = True
        sim.step(np.array([pol.act_one(sim.last_obs[0])]))
        return sim.rho[0]

    return cycle


def _simulator(seed: int, steps: int, track_exact: bool) -> TwinSimulator:
    """One attacked S8 episode with the composite channel on from the first step (the heavy path)."""
    sim = TwinSimulator(SCENARIOS["S8"], None, 1, TwinConfig(steps=steps, shots=SHOTS, track_exact=track_exact))
    sim.reset(seed, attacked=np.array([True]))
    sim.active_mask[:] = True
    return sim


def peer_cycle(seed: int, steps: int = 10_000):
    """The same cycle with qiskit.quantum_info objects."""
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import DensityMatrix, Kraus, Operator, Statevector

    from qsec6g.quantum.qiskit_interop import to_qiskit

    sim = _simulator(seed, steps, track_exact=False)
    n = sim.n
    circ = to_qiskit(entangler(n))
    kraus = [Kraus(list(c.kraus)) for c in (sim.ambient, sim.params.channel())]
    shadow = PauliShadow(n)
    bases = []
    for s in range(3**n):  # basis-change circuits (digit X=0, Y=1, Z=2 per qubit, qubit 0 first)
        qc = QuantumCircuit(n)
        digits = [(s // 3 ** (n - 1 - q)) % 3 for q in range(n)]
        for q, dgt in enumerate(digits):
            qk = n - 1 - q  # qiskit is little-endian
            if dgt == 1:
                qc.sdg(qk)
            if dgt in (0, 1):
                qc.h(qk)
        bases.append(Operator(qc))
    rng = np.random.default_rng(seed)
    pol = _policy()
    state = {"t": 0, "psi": None, "rho": None, "obs": np.array([1.0, 0.0, 0.0])}
    feats = sim.telemetry.select(sim.config.features)

    def cycle() -> np.ndarray:
        t = state["t"] % steps + 1
        if state["t"] % steps == 0:
            sim.pre.reset()
            amp0 = sim.pre.encode(feats[:, 0]).real[0]
            sv0 = Statevector(amp0.astype(complex)).evolve(circ)
            state["psi"], state["rho"] = sv0, DensityMatrix(sv0)
        state["t"] += 1
        pol.act_one(state["obs"])
        amp = sim.pre.encode(feats[:, t]).real[0]
        sv = Statevector(amp.astype(complex)).evolve(circ)
        old = np.real(state["psi"].data)[None]
        new = np.real(sv.data)
        # qiskit orders amplitudes little-endian; the rotation acts on whichever order the vectors use
        rot = follow_rotation(old, new[None])[0]
        rho = state["rho"].evolve(Operator(rot))
        for q in range(n):
            for k in kraus:
                rho = rho.evolve(k, [q])
        per = rng.multinomial(SHOTS, np.full(3**n, 1 / 3**n))
        counts = np.zeros((1, 3**n, 2**n), dtype=np.int64)
        for s, (op, m) in enumerate(zip(bases, per)):
            if m == 0:
                continue
            r2 = rho.evolve(op)
            r2.seed(int(rng.integers(2**31)))
            for key, val in r2.sample_counts(int(m)).items():
                counts[0, s, int(key, 2)] = val  # qiskit's key string is our index (qubit 0 first)
        ref = sv.data[None]
        mean = shadow.mean_snapshot(counts)
        f_hat = np.real(np.conj(ref[0]) @ mean[0] @ ref[0])
        s_hat, d_hat = entropy_and_distance_to_pure(project_to_density(mean), ref)
        state["psi"], state["rho"] = sv, rho
        state["obs"] = np.array([f_hat, s_hat[0], d_hat[0]])
        return rho.data

    return cycle


def run(quick: bool = False, seed: int = 7) -> list[Record]:
    """Run the suite single-threaded; ``quick`` uses fewer repetitions (well under a minute)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        records = _run(quick, seed)
    return [Record(r.suite, r.case, r.metric, r.value, r.unit, r.peer, r.ratio, {**r.extra, "blas_threads": 1})
            for r in records]


def _run(quick: bool, seed: int) -> list[Record]:
    reps, peer_reps = (200, 10) if quick else (2000, 60)
    ours = time_calls(our_cycle(seed), repeat=reps, warmup=20)
    peer = time_calls(peer_cycle(seed), repeat=peer_reps, warmup=2)
    o50, p50 = float(np.median(ours)), float(np.median(peer))
    recs = [
        Record(SUITE, "defence cycle n=3, 1e4 shots", "p50_seconds", o50, "s", PEER, p50 / o50,
               {"p95_seconds": float(np.quantile(ours, 0.95)), "peer_p50_seconds": p50, "target_p50_seconds": 2e-4,
                "target_ratio": 50}),
    ]
    pol = _policy()
    obs = np.array([0.9, 0.3, 0.1])
    inf = time_calls(lambda: pol.act_one(obs), repeat=2000 if quick else 20000, warmup=100)
    recs.append(Record(SUITE, "policy inference (softmax-linear)", "p50_seconds", float(np.median(inf)), "s",
                       extra={"target_seconds": 2e-5}))
    from qsec6g.twin.env import CQDTVectorEnv

    for shots, label in ((None, "exact observables"), (SHOTS, "1e4-shot shadows")):
        b = 1024
        env = CQDTVectorEnv(b, "S8", config=TwinConfig(steps=50, shots=shots))  # resets every 50 steps
        env.reset(seed=seed)
        acts = np.random.default_rng(seed).integers(0, 4, size=b)
        secs = time_calls(lambda env=env, acts=acts: env.step(acts), repeat=20 if quick else 60, warmup=1)
        rate = b / float(np.mean(secs))  # mean, so that the episode resets are paid for
        recs.append(Record(SUITE, f"vector env B={b}, n=3, {label}", "env_steps_per_second", rate, "1/s", PEER,
                           rate * p50, {"peer_steps_per_second": 1 / p50, "target_steps_per_second": 50_000}))
    return recs
