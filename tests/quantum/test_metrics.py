"""Observables against ``qiskit.quantum_info`` (fidelity, entropy, purity, concurrence, negativity, Pauli
expectations) and their defining properties (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from qiskit.quantum_info import DensityMatrix, SparsePauliOp, Statevector
from qiskit.quantum_info import concurrence as qk_concurrence
from qiskit.quantum_info import entropy as qk_entropy
from qiskit.quantum_info import negativity as qk_negativity
from qiskit.quantum_info import partial_trace as qk_partial_trace
from qiskit.quantum_info import purity as qk_purity
from qiskit.quantum_info import state_fidelity

from qsec6g.quantum import channels as ch
from qsec6g.quantum import metrics as m
from qsec6g.quantum import states as st
from tests.quantum.reference import ATOL, random_subset, random_unitary


def _trace_distance_reference(a: np.ndarray, b: np.ndarray) -> float:
    return 0.5 * float(np.sum(np.abs(np.linalg.eigvalsh(a - b))))


@pytest.mark.parametrize("n", range(1, 7))
def test_fidelity_matches_qiskit(n: int) -> None:
    rng = np.random.default_rng(400 + n)
    rho, sigma = st.random_density(n, batch=2, rng=rng)[:, None]
    psi, phi = st.random_statevector(n, batch=2, rng=rng)[:, None]
    cases = [(rho, sigma), (psi, rho), (rho, psi), (psi, phi)]
    for a, b in cases:
        qa = DensityMatrix(a[0]) if a.ndim == 3 else Statevector(a[0])
        qb = DensityMatrix(b[0]) if b.ndim == 3 else Statevector(b[0])
        assert m.fidelity(a, b)[0] == pytest.approx(state_fidelity(qa, qb, validate=False), abs=ATOL)


@pytest.mark.parametrize("n", range(1, 7))
def test_fidelity_of_rank_deficient_density_matrices_is_exact(n: int) -> None:
    """A pure state given as a density matrix takes the general (square-root) path; the closed forms are
    ``<ψ|σ|ψ>`` and ``|<ψ|φ>|²``. (Qiskit's ``state_fidelity`` is only ~1e-8 accurate here: sqrt of rounding noise.)"""
    rng = np.random.default_rng(450 + n)
    psi, phi = st.random_statevector(n, batch=2, rng=rng)[:, None]
    sigma = st.random_density(n, rank=max(1, 2 ** (n - 1)), rng=rng)
    exact = float(np.real(psi[0].conj() @ sigma[0] @ psi[0]))
    p_psi, p_phi = st.to_density(psi), st.to_density(phi)
    assert m.fidelity(p_psi, sigma)[0] == pytest.approx(exact, abs=ATOL)
    assert m.fidelity(sigma, p_psi)[0] == pytest.approx(exact, abs=ATOL)
    assert m.fidelity(psi, sigma)[0] == pytest.approx(exact, abs=ATOL)  # fast path
    assert m.fidelity(p_psi, p_phi)[0] == pytest.approx(abs(np.vdot(psi[0], phi[0])) ** 2, abs=ATOL)


@pytest.mark.parametrize("n", range(1, 7))
def test_entropy_and_purity_match_qiskit(n: int) -> None:
    rng = np.random.default_rng(500 + n)
    rhos = st.random_density(n, batch=3, rank=max(1, 2 ** (n - 1)), rng=rng)
    s2, se, pur = m.von_neumann_entropy(rhos), m.von_neumann_entropy(rhos, base=np.e), m.purity(rhos)
    for b in range(3):
        dm = DensityMatrix(rhos[b])
        assert s2[b] == pytest.approx(qk_entropy(dm, base=2), abs=ATOL)
        assert se[b] == pytest.approx(qk_entropy(dm, base=np.e), abs=ATOL)
        assert pur[b] == pytest.approx(float(np.real(qk_purity(dm))), abs=ATOL)


@pytest.mark.parametrize("n", range(2, 7))
def test_entanglement_entropy_matches_qiskit(n: int) -> None:
    rng = np.random.default_rng(600 + n)
    psi = st.random_statevector(n, rng=rng)
    sub = random_subset(rng, n, int(rng.integers(1, n)))
    traced = [n - 1 - q for q in range(n) if q not in sub]
    ref = qk_entropy(qk_partial_trace(Statevector(psi[0]), traced), base=2)
    assert m.entanglement_entropy(psi, sub)[0] == pytest.approx(ref, abs=ATOL)
    # for a pure global state both sides of a cut have the same entropy
    rest = [q for q in range(n) if q not in sub]
    assert m.entanglement_entropy(psi, rest)[0] == pytest.approx(ref, abs=ATOL)


@pytest.mark.parametrize("n", range(2, 7))
def test_concurrence_and_negativity_match_qiskit(n: int) -> None:
    """Full-rank entangled reductions (concurrence takes square roots of eigenvalues, so a rank-deficient state's
    zero eigenvalues would turn rounding into ~1e-9 differences on either side; pure states are checked below)."""
    rng = np.random.default_rng(700 + n)
    psi = st.random_statevector(n, rng=rng)
    if n == 2:  # a locally rotated Bell state, so that the mixture below is entangled
        psi = np.kron(random_unitary(1, rng), random_unitary(1, rng)) @ np.array([1, 0, 0, 1]) / np.sqrt(2)
        psi = psi[None]
    pair = random_subset(rng, n, 2)
    rho = 0.8 * st.to_density(psi) + 0.2 * st.random_density(n, rng=rng)
    dm = DensityMatrix(st.partial_trace(rho, pair)[0])
    assert m.concurrence(rho, pair)[0] == pytest.approx(qk_concurrence(dm), abs=ATOL)
    if n == 2:
        assert m.concurrence(rho)[0] > 0.05  # entangled, so the comparison is not 0 == 0
    for state in (rho, psi):  # negativity has no square roots: any rank
        dm = DensityMatrix(st.partial_trace(state, pair)[0])
        # transposing our qubit 1 (least significant) = Qiskit qubit 0, and vice versa
        assert m.negativity(state, pair, transpose=1)[0] == pytest.approx(qk_negativity(dm, [0]), abs=ATOL)
        assert m.negativity(state, pair, transpose=0)[0] == pytest.approx(qk_negativity(dm, [1]), abs=ATOL)


@pytest.mark.parametrize("seed", range(5))
def test_concurrence_of_pure_two_qubit_states_is_the_closed_form(seed: int) -> None:
    psi = st.random_statevector(2, rng=np.random.default_rng(seed))
    a, b, c, d = psi[0]
    exact = 2 * abs(a * d - b * c)
    assert m.concurrence(psi)[0] == pytest.approx(exact, abs=ATOL)
    assert m.concurrence(st.to_density(psi))[0] == pytest.approx(exact, abs=ATOL)
    assert qk_concurrence(Statevector(psi[0])) == pytest.approx(exact, abs=ATOL)


def test_concurrence_and_negativity_of_bell_and_product_states() -> None:
    bell = np.array([[1, 0, 0, 1]]) / np.sqrt(2)
    prod = np.kron([1, 1], [1, 0])[None] / np.sqrt(2)
    assert m.concurrence(bell.astype(complex))[0] == pytest.approx(1.0, abs=ATOL)
    assert m.negativity(bell.astype(complex))[0] == pytest.approx(0.5, abs=ATOL)
    assert m.concurrence(prod.astype(complex))[0] == pytest.approx(0.0, abs=ATOL)
    assert m.negativity(prod.astype(complex))[0] == pytest.approx(0.0, abs=ATOL)
    with pytest.raises(ValueError, match="two qubits"):
        m.concurrence(st.zero_state(3))
    with pytest.raises(ValueError, match="exactly two"):
        m.negativity(st.zero_state(3), [0, 1, 2])


@pytest.mark.parametrize("n", range(1, 7))
def test_pauli_expectations_match_sparse_pauli_op(n: int) -> None:
    rng = np.random.default_rng(800 + n)
    psi = st.random_statevector(n, rng=rng)
    rho = st.random_density(n, rng=rng)
    for _ in range(6):
        label = "".join(rng.choice(list("IXYZ"), size=n))
        op = SparsePauliOp(label)  # Qiskit writes its qubit n-1 first = our qubit 0: the same string
        assert m.pauli_expectation(psi, label)[0] == pytest.approx(
            float(np.real(Statevector(psi[0]).expectation_value(op))), abs=ATOL)
        assert m.pauli_expectation(rho, label)[0] == pytest.approx(
            float(np.real(DensityMatrix(rho[0]).expectation_value(op))), abs=ATOL)
    with pytest.raises(ValueError, match="letters for"):
        m.pauli_expectation(psi, "X" * (n + 1))
    with pytest.raises(ValueError, match="invalid Pauli letter"):
        m.pauli_expectation(psi, "Q" * n)


@pytest.mark.parametrize("n", range(1, 7))
def test_trace_distance_matches_eigenvalue_definition(n: int) -> None:
    rng = np.random.default_rng(900 + n)
    rho, sigma = st.random_density(n, batch=2, rng=rng)[:, None]
    psi = st.random_statevector(n, rng=rng)
    assert m.trace_distance(rho, sigma)[0] == pytest.approx(_trace_distance_reference(rho[0], sigma[0]), abs=ATOL)
    ref = _trace_distance_reference(rho[0], st.to_density(psi)[0])  # d >= 32 takes the tridiagonal path
    assert m.trace_distance(rho, psi)[0] == pytest.approx(ref, abs=ATOL)
    assert m.trace_distance(psi, rho)[0] == pytest.approx(ref, abs=ATOL)


@pytest.mark.parametrize("n", [5, 6, 7])
@pytest.mark.parametrize("real", [True, False])
@pytest.mark.parametrize("rank", [1, 2, 7, None])
def test_entropy_and_distance_to_pure_tridiagonal_path(n: int, real: bool, rank: int | None) -> None:
    """d >= 32 uses one tridiagonal reduction + Newton on the secular equation; compare with eigvalsh.
    ``rank`` is that of the random part; mixed with the reference it gives states near it, as in the twin."""
    assert 2**n >= m.TRIDIAGONAL_MIN_DIM
    rng = np.random.default_rng(n * 100 + (rank or 0) + real)
    psi = st.random_statevector(n, batch=2, rng=rng)
    if real:
        psi = np.abs(psi).astype(complex) / np.linalg.norm(np.abs(psi), axis=1, keepdims=True)
    rho = st.random_density(n, batch=2, rank=rank, rng=rng)
    if real:
        rho = rho.real.astype(complex)
    if rank is not None:
        rho = 0.5 * rho + 0.5 * st.to_density(psi)
    ent, dist = m.entropy_and_distance_to_pure(rho, psi)
    ent_e, _ = m.entropy_and_distance_to_pure(rho, psi, base=np.e)
    for b in range(2):
        lam = np.linalg.eigvalsh(rho[b])
        lam = lam[lam > 1e-15]
        assert ent[b] == pytest.approx(float(-np.sum(lam * np.log2(lam))), abs=ATOL)
        assert ent_e[b] == pytest.approx(float(-np.sum(lam * np.log(lam))), abs=ATOL)
        assert dist[b] == pytest.approx(_trace_distance_reference(rho[b], np.outer(psi[b], psi[b].conj())), abs=ATOL)


@pytest.mark.parametrize("eps", [0.0, 1e-9, 1e-4])
def test_tridiagonal_path_at_and_near_the_pure_reference(eps: float) -> None:
    psi = st.random_statevector(6, rng=np.random.default_rng(3))
    rho = ch.depolarizing(eps).apply_each(st.to_density(psi))
    ent, dist = m.entropy_and_distance_to_pure(rho, psi)
    assert dist[0] == pytest.approx(_trace_distance_reference(rho[0], st.to_density(psi)[0]), abs=1e-12)
    assert ent[0] == pytest.approx(float(m.von_neumann_entropy(rho)[0]), abs=ATOL)


def test_metrics_broadcast_a_batch_of_one() -> None:
    rng = np.random.default_rng(4)
    one, many = st.random_density(2, rng=rng), st.random_density(2, batch=3, rng=rng)
    f = m.fidelity(one, many)
    assert f.shape == (3,)
    for b in range(3):
        assert f[b] == pytest.approx(m.fidelity(one, many[b : b + 1])[0], abs=ATOL)


# --------------------------------------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(n=hs.integers(1, 4), seed=hs.integers(0, 2**32 - 1), rank_a=hs.integers(1, 16), rank_b=hs.integers(1, 16))
def test_fidelity_is_symmetric_and_in_unit_interval(n: int, seed: int, rank_a: int, rank_b: int) -> None:
    rng = np.random.default_rng(seed)
    a = st.random_density(n, rank=min(rank_a, 2**n), rng=rng)
    b = st.random_density(n, rank=min(rank_b, 2**n), rng=rng)
    fab, fba = m.fidelity(a, b)[0], m.fidelity(b, a)[0]
    assert 0.0 <= fab <= 1.0
    assert fab == pytest.approx(fba, abs=1e-10)
    assert m.fidelity(a, a)[0] == pytest.approx(1.0, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(n=hs.integers(1, 6), seed=hs.integers(0, 2**32 - 1))
def test_entropy_of_pure_states_is_zero_and_of_maximally_mixed_is_n_bits(n: int, seed: int) -> None:
    psi = st.random_statevector(n, rng=np.random.default_rng(seed))
    assert m.von_neumann_entropy(st.to_density(psi))[0] == pytest.approx(0.0, abs=1e-10)
    assert m.von_neumann_entropy(psi)[0] == 0.0
    assert m.von_neumann_entropy(st.maximally_mixed(n))[0] == pytest.approx(n, abs=1e-10)
    assert m.von_neumann_entropy(st.maximally_mixed(n), base=np.e)[0] == pytest.approx(n * np.log(2), abs=1e-10)
    assert m.purity(st.maximally_mixed(n))[0] == pytest.approx(2.0**-n, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=hs.integers(1, 5), seed=hs.integers(0, 2**32 - 1), pure=hs.booleans())
def test_trace_distance_is_a_metric_in_unit_interval(n: int, seed: int, pure: bool) -> None:
    rng = np.random.default_rng(seed)
    a, b, c = st.random_density(n, batch=3, rank=int(rng.integers(1, 2**n + 1)), rng=rng)[:, None]
    psi = st.random_statevector(n, rng=rng) if pure else c
    dab, dba = m.trace_distance(a, b)[0], m.trace_distance(b, a)[0]
    assert 0.0 <= dab <= 1.0 + 1e-12
    assert dab == pytest.approx(dba, abs=1e-12)
    assert m.trace_distance(a, psi)[0] <= dab + m.trace_distance(b, psi)[0] + 1e-10
    assert m.trace_distance(a, a)[0] == pytest.approx(0.0, abs=1e-10)
