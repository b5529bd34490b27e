"""States: construction, validation and partial trace, cross-checked with ``qiskit.quantum_info``."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.quantum_info import DensityMatrix, Statevector, partial_trace as qk_partial_trace

from qsec6g.quantum import states as st
from tests.quantum.reference import ATOL, random_subset


@pytest.mark.parametrize("n", range(1, 7))
def test_partial_trace_matches_qiskit(n: int) -> None:
    rng = np.random.default_rng(100 + n)
    rho = st.random_density(n, batch=2, rank=max(1, 2 ** (n - 1)), rng=rng)
    psi = st.random_statevector(n, batch=2, rng=rng)
    for k in range(n + 1):
        keep = sorted(random_subset(rng, n, k))
        traced = [n - 1 - q for q in range(n) if q not in keep]  # Qiskit qubits traced out
        for b in range(2):
            ours_rho = st.partial_trace(rho, keep)[b]
            ours_psi = st.partial_trace(psi, keep)[b]
            ref_rho = qk_partial_trace(DensityMatrix(rho[b]), traced).data if traced else rho[b]
            ref_psi = qk_partial_trace(Statevector(psi[b]), traced).data if traced else np.outer(psi[b], psi[b].conj())
            np.testing.assert_allclose(ours_rho, ref_rho, atol=ATOL)
            np.testing.assert_allclose(ours_psi, ref_psi, atol=ATOL)


def test_partial_trace_keeps_the_given_qubit_order() -> None:
    rng = np.random.default_rng(1)
    rho = st.random_density(4, rng=rng)
    a = st.partial_trace(rho, [0, 2])[0].reshape(2, 2, 2, 2)
    b = st.partial_trace(rho, [2, 0])[0].reshape(2, 2, 2, 2)
    np.testing.assert_allclose(b, a.transpose(1, 0, 3, 2), atol=ATOL)
    np.testing.assert_allclose(st.trace_out(rho, [1, 3]), st.partial_trace(rho, [0, 2]), atol=ATOL)


def test_product_state_partial_trace_recovers_factors() -> None:
    rng = np.random.default_rng(2)
    a, b = st.random_density(1, rng=rng)[0], st.random_density(2, rng=rng)[0]
    rho = np.kron(a, b)[None]
    np.testing.assert_allclose(st.partial_trace(rho, [0])[0], a, atol=ATOL)
    np.testing.assert_allclose(st.partial_trace(rho, [1, 2])[0], b, atol=ATOL)


def test_basis_index_convention_qubit0_is_most_significant() -> None:
    psi = st.basis_state(3, 0b100)  # |1 0 0>: qubit 0 in |1>
    np.testing.assert_allclose(st.partial_trace(psi, [0])[0], np.diag([0, 1]), atol=ATOL)
    np.testing.assert_allclose(st.partial_trace(psi, [2])[0], np.diag([1, 0]), atol=ATOL)
    # Qiskit reads the same index with its qubit n-1-0 = 2 in |1>
    assert Statevector(psi[0]).probabilities_dict() == {"100": 1.0}


def test_random_states_are_valid_and_to_density_matches_outer_product() -> None:
    rng = np.random.default_rng(3)
    st.validate_density(st.random_density(3, batch=4, rank=2, rng=rng))
    psi = st.random_statevector(3, batch=4, rng=rng)
    st.validate_statevector(psi)
    rho = st.to_density(psi)
    for b in range(4):
        np.testing.assert_allclose(rho[b], np.outer(psi[b], psi[b].conj()), atol=ATOL)
    st.validate_density(rho)
    assert st.to_density(rho) is rho
    np.testing.assert_allclose(st.maximally_mixed(2)[0], np.eye(4) / 4)
    np.testing.assert_allclose(st.zero_state(2, density=True)[0], np.diag([1, 0, 0, 0]))


@pytest.mark.parametrize(
    ("matrix", "words"),
    [
        (np.diag([0.6, 0.6]), "unit trace"),
        (np.array([[0.5, 0.3], [0.1, 0.5]]), "not Hermitian"),
        (np.array([[1.2, 0.0], [0.0, -0.2]]), "not positive semidefinite"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "NaN or infinite"),
    ],
)
def test_invalid_density_matrices_raise_naming_the_problem(matrix: np.ndarray, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        st.density_matrix(matrix)
    st.density_matrix(matrix, validate=False)  # the escape hatch does not validate


@pytest.mark.parametrize(
    ("vector", "words"),
    [([1.0, 1.0], "not normalised"), ([np.inf, 0.0], "NaN or infinite"), ([0.0, 0.0], "not normalised")],
)
def test_invalid_statevectors_raise_naming_the_problem(vector: list[float], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        st.statevector(vector)


def test_shape_errors() -> None:
    with pytest.raises(ValueError, match="power of two"):
        st.statevector(np.ones(3) / np.sqrt(3))
    with pytest.raises(ValueError, match="shape"):
        st.density_matrix(np.eye(2)[:, :1])
    with pytest.raises(ValueError, match="out of range"):
        st.basis_state(2, 4)


@pytest.mark.parametrize("keep", [[3], [0, 0], [-1]])
def test_partial_trace_rejects_bad_qubits(keep: list[int]) -> None:
    with pytest.raises(ValueError, match="out of range|repeated"):
        st.partial_trace(st.zero_state(3), keep)
