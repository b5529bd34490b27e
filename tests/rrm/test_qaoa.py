"""QAOA statevector, adjoint gradients (against Qiskit and finite differences), INTERP, optimisation, sampling."""

from __future__ import annotations

import numpy as np
import pytest

from qsec6g.errors import UserInputError
from qsec6g.rrm.exact import energy_diagonal
from qsec6g.rrm.instances import draw_instance
from qsec6g.rrm.qaoa import QaoaSimulator, interpolate, solve_qaoa
from qsec6g.rrm.qubo import Qubo, to_ising


def random_qubo(n: int, seed: int) -> Qubo:
    a = np.random.default_rng(seed).normal(size=(n, n))
    return Qubo((a + a.T) / 4, offset=-0.3)


@pytest.mark.parametrize(("n", "p"), [(3, 1), (5, 2), (8, 3)])
def test_energy_and_gradient_match_qiskit(n: int, p: int) -> None:
    pytest.importorskip("qiskit")
    from qsec6g.rrm.qiskit_peer import QiskitQaoa

    q = random_qubo(n, n)
    sim = QaoaSimulator(energy_diagonal(q))
    peer = QiskitQaoa(to_ising(q), p)
    theta = np.random.default_rng(p).uniform(-1.0, 1.0, size=2 * p)
    e, g = sim.energy_and_gradient(theta)
    assert e == pytest.approx(sim.energy(theta), abs=1e-12)
    assert e == pytest.approx(peer.energies(theta)[0], abs=1e-9)
    assert np.allclose(g, peer.gradient(theta, step=1e-5), atol=1e-6)


def test_state_matches_qiskit_statevector_with_msb_convention() -> None:
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector

    from qsec6g.rrm.qiskit_peer import QiskitQaoa

    q = random_qubo(4, 9)
    theta = np.array([0.4, -0.2, 0.7, 0.3])
    peer = QiskitQaoa(to_ising(q), 2)
    bound = peer.ansatz.assign_parameters(peer._qiskit_order(theta)[0])
    qiskit_amps = Statevector(bound).data  # little-endian: Qiskit's qubit 0 is the LSB
    ours = QaoaSimulator(energy_diagonal(q)).state(theta)
    # our qubit i is Qiskit's qubit n-1-i, so both index orders coincide: the arrays agree up to global phase
    assert abs(np.vdot(qiskit_amps, ours)) == pytest.approx(1.0, abs=1e-10)
    assert np.allclose(np.abs(qiskit_amps), np.abs(ours), atol=1e-12)


def test_adjoint_gradient_matches_finite_differences_at_depth_six() -> None:
    sim = QaoaSimulator(energy_diagonal(random_qubo(7, 4)), block_qubits=3)
    theta = np.random.default_rng(0).uniform(-1, 1, size=12)
    _, g = sim.energy_and_gradient(theta)
    fd = np.array([(sim.energy(theta + 1e-6 * e) - sim.energy(theta - 1e-6 * e)) / 2e-6 for e in np.eye(12)])
    assert np.allclose(g, fd, atol=1e-7)


def test_interp_matches_zhou_formula_and_preserves_the_schedule() -> None:
    # p = 2 -> 3: x_1 = x_1, x_2 = x_1/2 + x_2/2, x_3 = x_2
    out = interpolate(np.array([1.0, 3.0, 0.5, 0.1]))
    assert np.allclose(out, [1.0, 2.0, 3.0, 0.5, 0.3, 0.1])
    assert np.allclose(interpolate(np.array([0.2, 0.7])), [0.2, 0.2, 0.7, 0.7])


def test_solve_qaoa_improves_with_depth_and_samples_reproducibly() -> None:
    inst = draw_instance(np.random.default_rng(1), users=8, limit=3)
    diag = energy_diagonal(inst.problem.qubo)
    levels = solve_qaoa(diag, p_max=3, seed=5, shots=256)
    again = solve_qaoa(diag, p_max=3, seed=5, shots=256)
    assert [lv.best_index for lv in levels] == [lv.best_index for lv in again]
    energies = [lv.expected_energy for lv in levels]
    assert energies[1] <= energies[0] + 1e-9 and energies[2] <= energies[1] + 1e-9
    uniform = diag.mean()
    assert energies[-1] < uniform
    # P(optimum), the mass of the optimal basis states in the final state, beats the uniform superposition
    uniform_mass = np.count_nonzero(diag <= diag.min() + 1e-9) / diag.size
    assert levels[-1].p_optimum > 2 * uniform_mass


def test_transfer_start_is_used_when_better() -> None:
    diag = energy_diagonal(random_qubo(6, 8))
    first = solve_qaoa(diag, p_max=2, seed=0)
    again = solve_qaoa(diag, p_max=2, seed=0, transfer={2: first[1].params})
    assert again[1].expected_energy <= first[1].expected_energy + 1e-9


def test_bad_inputs() -> None:
    with pytest.raises(UserInputError, match="length 2\\*\\*n"):
        QaoaSimulator(np.zeros(6))
    with pytest.raises(UserInputError, match="γ_1..γ_p"):
        QaoaSimulator(np.zeros(4)).energy(np.zeros(3))
    with pytest.raises(UserInputError, match="between 1 and 12"):
        solve_qaoa(np.zeros(4), p_max=0)
