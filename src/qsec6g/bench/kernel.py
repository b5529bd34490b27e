"""Benchmark suite ``kernel``: one CQDT "twin step" on the qsec6g kernel vs the same step on ``qiskit.quantum_info``.

A twin step = amplitude-encode a random vector → GHZ entangle → bit flip, phase flip and amplitude damping on every
qubit → fidelity, entropy (bits) and trace distance against the noiseless state → a ``10**4``-shot sample.

Both implementations build their channel objects once per benchmark case (outside the timed step) and then do the
whole step per call. Ours applies the three channels as one composed i.i.d. layer (a kernel feature); the peer uses
``DensityMatrix.evolve`` with one ``Kraus`` per channel and qubit, ``state_fidelity``, ``entropy`` and
``DensityMatrix.sample_counts``, and numpy for the trace distance (Qiskit has no trace-distance function).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qsec6g.bench.records import Record
from qsec6g.quantum import channels as ch
from qsec6g.quantum.encoding import amplitude_encode
from qsec6g.quantum.entanglers import ghz
from qsec6g.quantum.measurement import sample_counts
from qsec6g.quantum.metrics import entropy_and_distance_to_pure, fidelity
from qsec6g.quantum.states import to_density
from qsec6g.timing import median_seconds, peak_memory_bytes, time_interleaved

SUITE = "kernel"
PEER = "qiskit.quantum_info"
SHOTS = 10_000
P_BF, P_PF, GAMMA = 0.05, 0.05, 0.1


@dataclass(frozen=True)
class StepResult:
    fidelity: np.ndarray
    entropy: np.ndarray
    trace_distance: np.ndarray
    counts: np.ndarray


def our_step_factory(n: int) -> Callable[[np.ndarray, np.random.Generator], StepResult]:
    """The twin step on the qsec6g kernel for feature batches ``x`` of shape ``(B, 2**n)``."""
    entangle = ghz(n)
    entangle.unitary()  # fuse once, as a long-running twin would
    noise = ch.amplitude_damping(GAMMA) @ ch.phase_flip(P_PF) @ ch.bit_flip(P_BF)

    def step(x: np.ndarray, rng: np.random.Generator) -> StepResult:
        psi = entangle.apply(amplitude_encode(x))
        rho = noise.apply_each(to_density(psi))
        ent, dist = entropy_and_distance_to_pure(rho, psi)
        return StepResult(fidelity(psi, rho), ent, dist, sample_counts(rho, SHOTS, rng))

    return step


def peer_step_factory(n: int) -> Callable[[np.ndarray, np.random.Generator], StepResult]:
    """The same step with ``qiskit.quantum_info`` objects (one state per call; ``x`` of shape ``(1, 2**n)``)."""
    import qiskit
    from qiskit.quantum_info import DensityMatrix, Kraus, Statevector, entropy, state_fidelity

    from qsec6g.quantum.qiskit_interop import to_qiskit

    circ = to_qiskit(ghz(n))
    kraus = [Kraus(list(c.kraus)) for c in (ch.bit_flip(P_BF), ch.phase_flip(P_PF), ch.amplitude_damping(GAMMA))]
    assert isinstance(circ, qiskit.QuantumCircuit)

    def step(x: np.ndarray, rng: np.random.Generator) -> StepResult:
        v = x[0] / np.linalg.norm(x[0])
        sv = Statevector(v.astype(complex)).evolve(circ)
        rho = DensityMatrix(sv)
        for q in range(n):
            for k in kraus:
                rho = rho.evolve(k, [q])
        f = state_fidelity(sv, rho)
        s = entropy(rho, base=2)
        d = 0.5 * np.sum(np.abs(np.linalg.eigvalsh(rho.data - DensityMatrix(sv).data)))
        rho.seed(int(rng.integers(2**31)))
        counts = rho.sample_counts(SHOTS)
        arr = np.zeros((1, 2**n), dtype=np.int64)
        for key, val in counts.items():
            arr[0, int(key, 2)] = val
        return StepResult(np.array([f]), np.array([s]), np.array([d]), arr)

    return step


def _time_step(step: Callable, n: int, batch: int, rng: np.random.Generator, repeat: int) -> float:
    x = rng.random((batch, 2**n)) + 0.01
    return median_seconds(lambda: step(x, rng), repeat=repeat, warmup=2)


def run(quick: bool = False, seed: int = 7) -> list[Record]:
    """Run the suite; ``quick`` uses fewer repetitions (finishes well under a minute).

    BLAS/LAPACK run single-threaded for both sides: on this 2-core machine multi-threaded OpenBLAS makes the
    small eigenvalue problems of a twin step 5-20x slower for everyone under load.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        records = _run(quick, seed)
    return [Record(r.suite, r.case, r.metric, r.value, r.unit, r.peer, r.ratio, {**r.extra, "blas_threads": 1})
            for r in records]


def _run(quick: bool, seed: int) -> list[Record]:
    rng = np.random.default_rng(seed)
    records: list[Record] = []
    for n in (3, 7):  # ours and the peer timed in alternation, medians of each
        x = rng.random((1, 2**n)) + 0.01
        ours_fn, peer_fn = our_step_factory(n), peer_step_factory(n)
        rounds = (8 if quick else 30) if n == 3 else (4 if quick else 12)
        t_ours, t_peer = time_interleaved(lambda: ours_fn(x, rng), lambda: peer_fn(x, rng), rounds, 10)
        ours, peer = float(np.median(t_ours)), float(np.median(t_peer))
        records.append(Record(SUITE, f"n={n} single step", "step_seconds", ours, "s", PEER, peer / ours,
                              {"peer_seconds": peer, "ours_calls": len(t_ours), "peer_calls": len(t_peer)}))

    n, batch = 3, 1024
    ours_b = _time_step(our_step_factory(n), n, batch, rng, 10 if quick else 50)
    peer_1 = next(r for r in records if r.case == "n=3 single step").extra["peer_seconds"]
    rate = batch / ours_b
    records.append(Record(SUITE, f"n=3 batched B={batch}", "episode_steps_per_second", rate, "1/s", PEER,
                          rate * peer_1, {"batch_seconds": ours_b, "peer_steps_per_second": 1 / peer_1}))

    n = 10
    step10 = our_step_factory(n)
    x10 = rng.random((1, 2**n)) + 0.01
    t10 = median_seconds(lambda: step10(x10, rng), repeat=3 if quick else 10, warmup=1)
    mem10 = peak_memory_bytes(lambda: step10(x10, rng))
    extra: dict[str, float] = {"peak_memory_bytes": mem10}
    ratio = None
    peer_name = None
    if not quick:
        p10 = _time_step(peer_step_factory(n), n, 1, rng, 3)
        extra["peer_seconds"] = p10
        ratio, peer_name = p10 / t10, PEER
    records.append(Record(SUITE, "n=10 single step", "step_seconds", t10, "s", peer_name, ratio, extra))
    records.append(Record(SUITE, "n=10 single step", "peak_memory_bytes", float(mem10), "B"))
    return records
