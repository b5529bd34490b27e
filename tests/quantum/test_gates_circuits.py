"""Gates and circuits against Qiskit's gate library, ``Operator`` and ``Statevector.evolve``."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import (
    CXGate,
    CZGate,
    HGate,
    RXGate,
    RYGate,
    RZGate,
    SGate,
    SwapGate,
    TGate,
    UGate,
    UnitaryGate,
)
from qiskit.quantum_info import DensityMatrix, Operator, Statevector

from qsec6g.quantum import gates as g
from qsec6g.quantum import states as st
from qsec6g.quantum.circuit import Circuit
from tests.quantum.reference import ATOL, qargs, random_subset, random_unitary

ANGLES = [0.0, 0.3, -1.7, np.pi, 2.9]


def _qiskit_matrix(gate: object, n: int, qubits: list[int]) -> np.ndarray:
    """Matrix in our basis order of a Qiskit gate whose qargs are the Qiskit images of our ``qubits``."""
    qc = QuantumCircuit(n)
    qc.append(gate, [n - 1 - q for q in qubits])
    return Operator(qc).data


@pytest.mark.parametrize("theta", ANGLES)
def test_rotation_gates_match_qiskit(theta: float) -> None:
    np.testing.assert_allclose(g.rx(theta), Operator(RXGate(theta)).data, atol=ATOL)
    np.testing.assert_allclose(g.ry(theta), Operator(RYGate(theta)).data, atol=ATOL)
    np.testing.assert_allclose(g.rz(theta), Operator(RZGate(theta)).data, atol=ATOL)
    for phi, lam in [(0.4, -1.1), (np.pi / 2, 2.0)]:
        np.testing.assert_allclose(g.u3(theta, phi, lam), Operator(UGate(theta, phi, lam)).data, atol=ATOL)


def test_fixed_gates_match_qiskit() -> None:
    for ours, theirs in [(g.H, HGate()), (g.S, SGate()), (g.T, TGate())]:
        np.testing.assert_allclose(ours, Operator(theirs).data, atol=ATOL)
    # two-qubit gates: our [first, second] = Qiskit [1, 0] in a 2-qubit register
    np.testing.assert_allclose(g.CNOT, _qiskit_matrix(CXGate(), 2, [0, 1]), atol=ATOL)
    np.testing.assert_allclose(g.CZ, _qiskit_matrix(CZGate(), 2, [0, 1]), atol=ATOL)
    np.testing.assert_allclose(g.SWAP, _qiskit_matrix(SwapGate(), 2, [0, 1]), atol=ATOL)
    # CNOT flips the target (qubit 1, least significant) when the control (qubit 0) is 1: |10> -> |11>
    assert g.CNOT[0b11, 0b10] == 1


@pytest.mark.parametrize("num_controls", [1, 2])
def test_controlled_matches_qiskit_control(num_controls: int) -> None:
    rng = np.random.default_rng(num_controls)
    u = random_unitary(1, rng)
    n = num_controls + 1
    ref = _qiskit_matrix(UnitaryGate(u).control(num_controls), n, list(range(n)))
    np.testing.assert_allclose(g.controlled(u, num_controls), ref, atol=ATOL)


def test_pauli_string_and_unitarity_check() -> None:
    np.testing.assert_allclose(g.pauli_string("XZ"), np.kron(g.X, g.Z))
    assert g.is_unitary(g.pauli_string("XYZ"))
    assert not g.is_unitary(np.diag([1.0, 0.5]))
    with pytest.raises(ValueError, match="invalid Pauli letter"):
        g.pauli_string("XQ")


@pytest.mark.parametrize("n", range(1, 7))
def test_apply_unitary_matches_statevector_and_density_evolve(n: int) -> None:
    rng = np.random.default_rng(200 + n)
    psi = st.random_statevector(n, rng=rng)
    rho = st.random_density(n, rng=rng)
    for k in range(1, min(n, 3) + 1):
        qs = random_subset(rng, n, k)
        u = random_unitary(k, rng)
        ref_psi = Statevector(psi[0]).evolve(Operator(u), qargs(qs, n)).data
        ref_rho = DensityMatrix(rho[0]).evolve(Operator(u), qargs(qs, n)).data
        np.testing.assert_allclose(g.apply_unitary(psi, u, qs)[0], ref_psi, atol=ATOL)
        np.testing.assert_allclose(g.apply_unitary(rho, u, qs)[0], ref_rho, atol=ATOL)


def test_apply_unitary_with_per_item_matrices() -> None:
    rng = np.random.default_rng(5)
    psi = st.random_statevector(3, batch=3, rng=rng)
    us = np.stack([random_unitary(2, rng) for _ in range(3)])
    batched = g.apply_unitary(psi, us, [2, 0])
    for b in range(3):
        np.testing.assert_allclose(batched[b], g.apply_unitary(psi[b : b + 1], us[b], [2, 0])[0], atol=ATOL)


def _random_circuit(n: int, depth: int, rng: np.random.Generator) -> tuple[Circuit, QuantumCircuit]:
    """The same random circuit built with our builder and, independently, with Qiskit's (qubit q -> n-1-q)."""
    ours, qc = Circuit(n), QuantumCircuit(n)
    m = lambda q: n - 1 - q  # noqa: E731
    for _ in range(depth):
        kind = rng.integers(0, 12 if n > 1 else 8)
        a = int(rng.integers(n))
        th, ph, la = rng.uniform(-np.pi, np.pi, size=3)
        if kind == 0:
            ours.h(a), qc.h(m(a))
        elif kind == 1:
            ours.s(a), qc.s(m(a))
        elif kind == 2:
            ours.t(a), qc.t(m(a))
        elif kind == 3:
            ours.rx(th, a), qc.rx(th, m(a))
        elif kind == 4:
            ours.ry(th, a), qc.ry(th, m(a))
        elif kind == 5:
            ours.rz(th, a), qc.rz(th, m(a))
        elif kind == 6:
            ours.u3(th, ph, la, a), qc.append(UGate(th, ph, la), [m(a)])
        elif kind == 7:
            ours.y(a), qc.y(m(a))
        else:
            a, b = random_subset(rng, n, 2)
            if kind == 8:
                ours.cx(a, b), qc.cx(m(a), m(b))
            elif kind == 9:
                ours.cz(a, b), qc.cz(m(a), m(b))
            elif kind == 10:
                ours.swap(a, b), qc.swap(m(a), m(b))
            else:
                u = random_unitary(1, rng)
                ours.controlled_gate(u, [a], [b]), qc.append(UnitaryGate(u).control(1), [m(a), m(b)])
    return ours, qc


@pytest.mark.parametrize("n", range(1, 7))
def test_circuit_unitary_and_apply_match_qiskit(n: int) -> None:
    rng = np.random.default_rng(300 + n)
    ours, qc = _random_circuit(n, 4 * n + 2, rng)
    ref = Operator(qc).data
    np.testing.assert_allclose(ours.unitary(), ref, atol=ATOL)
    psi = st.random_statevector(n, batch=2, rng=rng)
    rho = st.random_density(n, batch=2, rng=rng)
    out_psi, out_rho = ours.apply(psi), ours.apply(rho)  # fused for small n, gate by gate above the limits
    for b in range(2):
        np.testing.assert_allclose(out_psi[b], ref @ psi[b], atol=ATOL)
        np.testing.assert_allclose(out_rho[b], ref @ rho[b] @ ref.conj().T, atol=ATOL)


def test_fused_and_gate_by_gate_application_agree() -> None:
    rng = np.random.default_rng(7)
    ours, _ = _random_circuit(4, 12, rng)
    rho = st.random_density(4, batch=2, rng=rng)
    step = rho
    for op in ours:
        step = g.apply_unitary(step, op.matrix, op.qubits)
    np.testing.assert_allclose(ours.apply(rho), step, atol=ATOL)


def test_circuit_builder_rejects_bad_input() -> None:
    c = Circuit(2)
    with pytest.raises(ValueError, match="out of range"):
        c.h(2)
    with pytest.raises(ValueError, match="repeated"):
        c.cx(1, 1)
    with pytest.raises(ValueError, match="not unitary"):
        c.unitary_gate(np.diag([1.0, 2.0]), [0])
    with pytest.raises(ValueError, match="matrix shape"):
        c.gate("bad", np.eye(4), [0])
    with pytest.raises(ValueError, match="state has 3"):
        c.h(0).apply(st.zero_state(3))
    with pytest.raises(ValueError, match="different numbers"):
        c.compose(Circuit(3))
    with pytest.raises(ValueError, match="out of range"):
        g.apply_unitary(st.zero_state(2), g.H, [5])
    with pytest.raises(ValueError, match="must be 4x4"):
        g.apply_unitary(st.zero_state(2), g.H, [0, 1])


def test_compose_appends_in_order() -> None:
    a, b = Circuit(2).h(0), Circuit(2).cx(0, 1)
    np.testing.assert_allclose(a.compose(b).unitary(), b.unitary() @ a.unitary(), atol=ATOL)
    assert not np.allclose(a.compose(b).unitary(), a.unitary() @ b.unitary())
