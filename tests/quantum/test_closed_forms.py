"""Closed forms, checked on the qsec6g kernel and on Qiskit (the CQDT appendix A19 erratum lives here)."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import DensityMatrix, Statevector, state_fidelity
from qiskit_aer.noise import amplitude_damping_error, pauli_error

from qsec6g.quantum import channels as ch
from qsec6g.quantum import metrics as m
from qsec6g.quantum import states as st
from qsec6g.quantum.entanglers import ghz, prepare

PROBS = [0.0, 0.01, 0.1, 0.25, 0.5, 0.8, 1.0]


def _qiskit_ghz3_fidelity(letter: str, p: float) -> float:
    qc = QuantumCircuit(3)
    qc.h(0), qc.cx(0, 1), qc.cx(1, 2)
    sv = Statevector(qc)
    rho = DensityMatrix(sv)
    for q in range(3):
        rho = rho.evolve(pauli_error([(letter, p), ("I", 1 - p)]), [q])
    return state_fidelity(sv, rho)


def _kernel_ghz3_fidelity(channel: ch.Channel) -> np.ndarray:
    psi = prepare(ghz(3))
    return m.fidelity(psi, channel.apply_each(st.to_density(psi)))


def test_ghz3_bitflip_fidelity() -> None:
    """F = (1-p)^3 + p^3: no flip, or all three (|000>+|111> maps onto itself), keeps the state."""
    correct = np.array([(1 - p) ** 3 + p**3 for p in PROBS])
    ours = _kernel_ghz3_fidelity(ch.bit_flip(np.array(PROBS)))  # all p at once, batched
    np.testing.assert_allclose(ours, correct, atol=1e-12)
    for p, f in zip(PROBS, correct):
        assert _qiskit_ghz3_fidelity("X", p) == pytest.approx(f, abs=1e-12)
        assert _kernel_ghz3_fidelity(ch.bit_flip(p))[0] == pytest.approx(f, abs=1e-12)
    # the CQDT paper's appendix A19 prints F = 1/2 - (3/2) p^2 (1-p); it is wrong, e.g. at p = 0 (gives 1/2, not 1)
    printed = lambda p: 0.5 - 1.5 * p**2 * (1 - p)  # noqa: E731
    assert printed(0.0) == 0.5
    assert ours[0] == pytest.approx(1.0, abs=1e-12)
    assert abs(printed(0.0) - ours[0]) > 0.4
    assert abs(printed(0.1) - ours[PROBS.index(0.1)]) > 0.2


def test_ghz3_phaseflip_fidelity() -> None:
    """F = [1 + (1-2p)^3] / 2: an odd number of Z flips maps GHZ+ to the orthogonal GHZ-."""
    correct = np.array([(1 + (1 - 2 * p) ** 3) / 2 for p in PROBS])
    np.testing.assert_allclose(_kernel_ghz3_fidelity(ch.phase_flip(np.array(PROBS))), correct, atol=1e-12)
    for p, f in zip(PROBS, correct):
        assert _qiskit_ghz3_fidelity("Z", p) == pytest.approx(f, abs=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_amplitude_damping_of_one_leaves_excited_population(gamma: float) -> None:
    one = st.basis_state(1, 1, density=True)
    out = ch.amplitude_damping(gamma).apply(one)
    assert float(np.real(out[0, 1, 1])) == pytest.approx(1 - gamma, abs=1e-12)
    ref = DensityMatrix.from_label("1").evolve(amplitude_damping_error(gamma))
    assert float(np.real(ref.data[1, 1])) == pytest.approx(1 - gamma, abs=1e-12)
    # coherences of |+> shrink by sqrt(1 - gamma)
    plus = ch.amplitude_damping(gamma).apply(np.array([[1, 1]]) / np.sqrt(2))
    assert abs(plus[0, 0, 1]) == pytest.approx(0.5 * np.sqrt(1 - gamma), abs=1e-12)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.75, 1.0])
def test_single_qubit_depolarizing_fidelity_of_a_pure_state(p: float) -> None:
    """(1-p) ρ + p/3 (XρX + YρY + ZρZ) has F = 1 - 2p/3 with any pure input."""
    psi = st.random_statevector(1, batch=4, rng=np.random.default_rng(0))
    np.testing.assert_allclose(m.fidelity(psi, ch.depolarizing(p).apply(psi)), 1 - 2 * p / 3, atol=1e-12)


@pytest.mark.parametrize("n", range(1, 7))
def test_ghz_is_pure_and_each_qubit_maximally_mixed(n: int) -> None:
    psi = prepare(ghz(n))
    assert m.von_neumann_entropy(st.to_density(psi))[0] == pytest.approx(0.0, abs=1e-12)
    assert m.entanglement_entropy(psi, [n - 1])[0] == pytest.approx(1.0 if n > 1 else 0.0, abs=1e-12)
