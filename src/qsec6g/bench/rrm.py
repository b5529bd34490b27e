"""Benchmark suite ``rrm``: QAOA energy + gradient at 16 qubits, p = 4, against Qiskit; the solver comparison.

Targets (docs/rrm.md): energy + gradient ≥ 200× faster than ``qaoa_ansatz`` + ``StatevectorEstimator`` with a
two-energies-per-parameter gradient; the whole solver comparison on one 16-variable instance ≤ 60 s.
"""

from __future__ import annotations

import time

import numpy as np

from qsec6g.bench.records import Record
from qsec6g.timing import median_seconds, time_calls

SUITE = "rrm"
PEER = "qiskit qaoa_ansatz + StatevectorEstimator"


def run(quick: bool, seed: int) -> list[Record]:
    from qsec6g.rrm.config import ScheduleConfig
    from qsec6g.rrm.exact import energy_diagonal
    from qsec6g.rrm.instances import draw_instance
    from qsec6g.rrm.qaoa import QaoaSimulator, single_threaded_blas
    from qsec6g.rrm.qiskit_peer import QiskitQaoa
    from qsec6g.rrm.qubo import to_ising
    from qsec6g.rrm.schedule_study import compare_instance
    from qsec6g.seeding import make_rng

    n, p = 16, 4
    rng = make_rng(seed)
    inst = draw_instance(rng, users=n, limit=4)
    qubo = inst.problem.qubo
    theta = rng.uniform(-0.3, 0.3, size=2 * p)
    case = f"qaoa n={n} p={p}"

    with single_threaded_blas():
        sim = QaoaSimulator(energy_diagonal(qubo))
        ours_e = median_seconds(lambda: sim.energy(theta), repeat=30, min_seconds=1.0)
        ours_eg = median_seconds(lambda: sim.energy_and_gradient(theta), repeat=30, min_seconds=1.0)
        energy, grad = sim.energy_and_gradient(theta)

    peer = QiskitQaoa(to_ising(qubo), p)
    # quick: differentiate one parameter (two shifted energies in one call) and scale to all 2p
    idx = [p] if quick else list(range(2 * p))
    with single_threaded_blas():  # the same thread limit for the peer as for us
        peer_e = float(np.median(time_calls(lambda: peer.energies(theta), repeat=1 if quick else 3, warmup=1)))
        start = time.perf_counter()
        peer_grad = peer.gradient(theta, step=1e-5, indices=idx)
        peer_g = (time.perf_counter() - start) * (2 * p) / len(idx)
    how = (f"quick: timed the gradient of {len(idx)} of {2 * p} parameters and scaled linearly" if quick
           else "timed in full")
    checks = {
        "abs_energy_difference": abs(float(peer.energies(theta)[0]) - energy),
        "max_rel_gradient_difference": float(np.abs(peer_grad - grad[idx]).max() / np.abs(grad).max()),
    }

    records = [
        Record(SUITE, case, "energy_seconds", ours_e, "s", PEER, peer_e / ours_e,
               {"peer_seconds": peer_e, **checks}),
        Record(SUITE, case, "energy_and_gradient_seconds", ours_eg, "s", PEER, (peer_e + peer_g) / ours_eg,
               {"peer_seconds": peer_e + peer_g, "peer_gradient": f"central differences, 2 energies per parameter "
                f"in one batched estimator call ({how})", "ours": "adjoint differentiation", "target_ratio": 200,
                **checks}),
    ]

    # The reference peer: the un-transpiled ansatz (PauliEvolutionGates) in StatevectorEstimator, gradient by
    # a two-term shift per parameter (2 energies each). Full run: one energy and the 4p shifted energies are timed;
    # quick: one energy is timed and the gradient cost counted as 4p such energies.
    plain = QiskitQaoa(to_ising(qubo), p, transpiled=False)
    with single_threaded_blas():
        plain_e = float(np.median(time_calls(lambda: plain.energies(theta), repeat=1, warmup=0)))
        if quick:
            plain_g = plain_e * 4 * p
        else:
            start = time.perf_counter()
            plain.gradient(theta, step=1e-5)
            plain_g = time.perf_counter() - start
    plain_name = "qiskit qaoa_ansatz, un-transpiled, + StatevectorEstimator"
    records.append(Record(SUITE, case, "energy_and_gradient_seconds", ours_eg, "s", plain_name,
                          (plain_e + plain_g) / ours_eg,
                          {"peer_seconds": plain_e + plain_g, "peer_energy_seconds": plain_e,
                           "peer_gradient": "2 shifted energies per parameter, "
                           + ("scaled from one timed energy (quick)" if quick else "timed in full"),
                           "abs_energy_difference": abs(float(plain.energies(theta)[0]) - energy),
                           "target_ratio": 200}))

    # quick: QAOA depths 1-2 only (the full run uses the default depths 1, 2, 4 — the target case)
    cfg = ScheduleConfig(sizes=[n], instances=1, qaoa_depths=[1, 2] if quick else [1, 2, 4])
    start = time.perf_counter()
    rows = compare_instance(inst, cfg, make_rng(seed + 1), slot=0)
    total = time.perf_counter() - start
    per_solver = {r["solver"]: round(float(r["seconds"]), 4) for r in rows if r["solver"] != "exact"}
    records.append(Record(SUITE, f"solver comparison n={n}", "total_seconds", total, "s", None, None,
                          {"target_seconds": 60, "quick": quick, "solvers": per_solver,
                           "qaoa_depths": cfg.qaoa_depths, "approx_ratio": {r["solver"]: round(r["approx_ratio"], 4)
                                                                             for r in rows}}))
    return records
