"""Measurement: Born probabilities, seeded sampling (goodness of fit), marginals, and classical-shadow estimators."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector
from scipy.stats import chisquare

from qsec6g.quantum import channels as ch
from qsec6g.quantum import metrics as m
from qsec6g.quantum import states as st
from qsec6g.quantum.entanglers import ghz, linear_cluster, prepare
from qsec6g.quantum.measurement import (
    PauliShadow,
    fuchs_van_de_graaf_bounds,
    marginal_counts,
    probabilities,
    sample_counts,
    sample_outcomes,
)
from tests.quantum.reference import ATOL


def _chi_square_p(counts: np.ndarray, probs: np.ndarray) -> float:
    keep = probs > 0
    assert counts[~keep].sum() == 0  # nothing sampled where the Born probability is zero
    return float(chisquare(counts[keep], counts.sum() * probs[keep] / probs[keep].sum()).pvalue)


def test_born_probabilities_of_statevectors_and_density_matrices() -> None:
    rng = np.random.default_rng(0)
    psi = st.random_statevector(3, batch=2, rng=rng)
    rho = st.random_density(3, rng=rng)
    np.testing.assert_allclose(probabilities(psi), np.abs(psi) ** 2, atol=ATOL)
    np.testing.assert_allclose(probabilities(rho)[0], np.real(np.diag(rho[0])), atol=ATOL)
    np.testing.assert_allclose(probabilities(psi)[0], Statevector(psi[0]).probabilities(), atol=ATOL)


def test_sample_counts_are_reproducible_for_a_seed() -> None:
    rho = st.random_density(3, batch=2, rng=np.random.default_rng(1))
    a, b = sample_counts(rho, rng=5), sample_counts(rho, rng=5)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (2, 8) and a.dtype.kind == "i"
    np.testing.assert_array_equal(a.sum(axis=1), 10_000)  # default shots
    assert not np.array_equal(a, sample_counts(rho, rng=6))
    with pytest.raises(ValueError, match="shots must be >= 1"):
        sample_counts(rho, shots=0)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_counts_fit_born_probabilities(n: int) -> None:
    rng = np.random.default_rng(10 + n)
    psi = st.random_statevector(n, rng=rng)
    rho = ch.amplitude_damping(0.3).apply_each(st.to_density(prepare(ghz(n))))
    for state in (psi, rho):
        counts = sample_counts(state, 20_000, rng=rng)[0]
        assert _chi_square_p(counts, probabilities(state)[0]) > 1e-3


def test_sample_outcomes_are_the_counts_in_random_order() -> None:
    psi = st.random_statevector(2, rng=np.random.default_rng(2))
    outcomes = sample_outcomes(psi, 500, rng=np.random.default_rng(3))
    counts = sample_counts(psi, 500, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(np.bincount(outcomes[0], minlength=4), counts[0])
    assert not np.all(np.diff(outcomes[0]) >= 0)  # shuffled, not sorted


@pytest.mark.parametrize("keep", [[0], [2], [2, 0], [1, 3, 0]])
def test_marginal_counts_sum_over_the_dropped_qubits(keep: list[int]) -> None:
    n = 4
    counts = sample_counts(st.random_statevector(n, batch=2, rng=np.random.default_rng(4)), 3000, rng=4)
    expected = np.zeros((2, 2 ** len(keep)), dtype=np.int64)
    for idx in range(2**n):
        bits = [(idx >> (n - 1 - q)) & 1 for q in keep]
        expected[:, int("".join(map(str, bits)), 2)] += counts[:, idx]
    np.testing.assert_array_equal(marginal_counts(counts, keep), expected)


@pytest.mark.parametrize(("keep", "words"), [([4], "out of range"), ([-1], "out of range"), ([1, 1], "repeated")])
def test_marginal_counts_reject_bad_qubits(keep: list[int], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        marginal_counts(np.ones((1, 16), dtype=np.int64), keep)


# ------------------------------------------------------------------------------------------- classical shadows
def _noisy(circuit_state: np.ndarray) -> np.ndarray:
    rho = ch.depolarizing(0.1).apply_each(st.to_density(circuit_state))
    return ch.amplitude_damping(0.1).apply_each(rho)


STATES = {"ghz3": lambda: prepare(ghz(3)), "cluster3": lambda: prepare(linear_cluster(3)),
          "ghz2": lambda: prepare(ghz(2))}


@pytest.mark.parametrize("name", STATES)
def test_shadow_setting_probabilities_match_qiskit_basis_changes(name: str) -> None:
    psi = STATES[name]()
    n = st.n_qubits(psi)
    probs = PauliShadow(n).setting_probabilities(psi)[0]
    for s in range(3**n):
        digits = [(s // 3 ** (n - 1 - q)) % 3 for q in range(n)]  # qubit 0 is the most significant digit
        qc = QuantumCircuit(n)
        for q, dgt in enumerate(digits):
            if dgt == 1:
                qc.sdg(n - 1 - q)
            if dgt in (0, 1):
                qc.h(n - 1 - q)
        np.testing.assert_allclose(probs[s], Statevector(psi[0]).evolve(qc).probabilities(), atol=ATOL)


@pytest.mark.parametrize("name", STATES)
def test_shadow_estimators_are_exact_in_the_infinite_shot_limit(name: str) -> None:
    """Feeding the exact (setting, outcome) distribution: the snapshot mean is ρ and every estimator is exact."""
    psi = STATES[name]()
    rho = _noisy(psi)
    n = st.n_qubits(psi)
    shadow = PauliShadow(n)
    weights = shadow.setting_probabilities(rho) / 3**n
    np.testing.assert_allclose(shadow.mean_snapshot(weights), rho, atol=1e-12)
    huge = np.round(weights * 1e12).astype(np.int64)  # 1e12 "shots" with exact frequencies
    assert shadow.fidelity(weights * 1e12, psi).value[0] == pytest.approx(m.fidelity(psi, rho)[0], abs=1e-12)
    assert shadow.purity(huge, resamples=3).value[0] == pytest.approx(m.purity(rho)[0], abs=1e-9)
    assert shadow.trace_distance(huge, psi, resamples=3).value[0] == pytest.approx(
        m.trace_distance(psi, rho)[0], abs=1e-9)
    assert shadow.entropy(huge, resamples=3).value[0] == pytest.approx(m.von_neumann_entropy(rho)[0], abs=1e-8)


@pytest.mark.parametrize("name", STATES)
def test_shadow_estimates_from_shots_are_close_to_exact_values(name: str) -> None:
    psi = STATES[name]()
    rho = _noisy(psi)
    shadow = PauliShadow(st.n_qubits(psi))
    counts = shadow.sample(rho, 100_000, rng=7)
    assert counts.sum() == 100_000
    f, p = shadow.fidelity(counts, psi), shadow.purity(counts, resamples=100)
    d, s = shadow.trace_distance(counts, psi, resamples=100), shadow.entropy(counts, resamples=100)
    f_true, d_true = m.fidelity(psi, rho)[0], m.trace_distance(psi, rho)[0]
    assert abs(f.value[0] - f_true) < 4 * f.stderr[0]  # unbiased, normal CI
    assert abs(p.value[0] - m.purity(rho)[0]) < 4 * p.stderr[0]  # unbiased U-statistic
    assert f.low[0] <= f.value[0] <= f.high[0] and p.low[0] < p.high[0]
    # plug-in values on the projected estimate carry an O(1/N) bias (entropy: ~0.1 bit at 2e4 shots for n = 3,
    # from eigenvalues near zero), hence 1e5 shots and fixed tolerances
    assert abs(d.value[0] - d_true) < 0.03
    assert abs(s.value[0] - m.von_neumann_entropy(rho)[0]) < 0.1
    lo, hi = fuchs_van_de_graaf_bounds(np.array([f_true]))
    assert lo[0] <= d_true <= hi[0]


def test_fidelity_confidence_intervals_cover_the_truth() -> None:
    """40 independent seeded runs (one batch of 40 copies): >= 85 % of the 95 % CIs contain the exact fidelity."""
    psi = prepare(ghz(3))
    rho = np.broadcast_to(_noisy(psi), (40, 8, 8))
    est = PauliShadow(3).fidelity(PauliShadow(3).sample(rho, 2000, rng=11), psi)
    truth = m.fidelity(psi, rho[:1])[0]
    assert np.mean((est.low <= truth) & (truth <= est.high)) >= 0.85
    assert est.confidence == 0.95 and est.shots == 2000


def test_mean_snapshot_error_matches_the_shadow_variance() -> None:
    """E ||ρ̄ - ρ||_F² = (5^n - tr ρ²) / N for N single-qubit-Pauli snapshots; checked as a mean over 40 runs."""
    psi = prepare(linear_cluster(3))
    rho = _noisy(psi)
    shadow = PauliShadow(3)
    for shots in (500, 8000):  # and the error shrinks like 1/N
        counts = shadow.sample(np.broadcast_to(rho, (40, 8, 8)), shots, rng=shots)
        err = np.sum(np.abs(shadow.mean_snapshot(counts) - rho) ** 2, axis=(1, 2))
        expected = (5**3 - m.purity(rho)[0]) / shots
        assert 0.7 < err.mean() / expected < 1.3


def test_shadow_input_errors() -> None:
    with pytest.raises(ValueError, match="1..8 qubits"):
        PauliShadow(9)
    with pytest.raises(ValueError, match="set up for 2 qubits"):
        PauliShadow(2).sample(st.zero_state(3), 100)
    with pytest.raises(ValueError, match="at least 2 shots"):
        PauliShadow(2).sample(st.zero_state(2), 1)
