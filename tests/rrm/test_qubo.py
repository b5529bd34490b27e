"""QUBO construction, Ising conversion, exact solvers, penalty derivation and input validation."""

from __future__ import annotations

import numpy as np
import pytest

from qsec6g.errors import UserInputError
from qsec6g.rrm.exact import bits_of, brute_force, energy_diagonal, index_of, milp, solve_exact
from qsec6g.rrm.instances import draw_instance
from qsec6g.rrm.qubo import Qubo, problem_from_gains, to_ising


def random_qubo(n: int, seed: int) -> Qubo:
    a = np.random.default_rng(seed).normal(size=(n, n))
    return Qubo((a + a.T) / 2, offset=0.7)


def test_ising_energies_agree_on_all_bitstrings() -> None:
    q = random_qubo(9, 1)
    x = bits_of(np.arange(2**9), 9)
    ising = to_ising(q)
    assert np.allclose(ising.energy(1 - 2 * x), q.energy(x), atol=1e-12)
    assert np.allclose(np.tril(ising.J), 0.0)


def test_energy_diagonal_order_is_qubit0_msb() -> None:
    q = random_qubo(7, 2)
    d = energy_diagonal(q)
    x = bits_of(np.arange(2**7), 7)
    assert np.allclose(d, q.energy(x))
    assert list(bits_of(4, 3)) == [1, 0, 0]
    assert index_of(np.array([1, 0, 1])) == 5


def test_brute_force_chunks_and_milp_agree_with_enumeration() -> None:
    q = random_qubo(12, 3)
    d = energy_diagonal(q)
    for chunk in (4, 12):
        r = brute_force(q, chunk_bits=chunk)
        assert r.energy == pytest.approx(d.min())
        assert set(index_of(r.optima)) == set(np.flatnonzero(d <= d.min() + 1e-9))
    m = milp(q)
    assert m.energy == pytest.approx(d.min(), abs=1e-7)


def test_brute_force_reports_all_degenerate_optima() -> None:
    q = Qubo(np.diag([-1.0, -1.0, 0.0]))  # x0 = x1 = 1, x2 free: two optima
    r = brute_force(q, chunk_bits=1)
    assert sorted(index_of(r.optima).tolist()) == [0b110, 0b111]


@pytest.mark.parametrize("seed", range(6))
def test_penalty_weights_make_every_minimiser_feasible(seed: int) -> None:
    rng = np.random.default_rng(seed)
    beams = None if seed % 2 == 0 else 3
    users = 10 if beams is None else 4
    inst = draw_instance(rng, users=users, limit=int(rng.integers(2, 4)), beams=beams, snr_db=10.0)
    p = inst.problem
    r = brute_force(p.qubo)
    assert np.all(p.feasible(r.optima))
    # the optimum of the QUBO is the best feasible schedule by the pairwise objective
    x = bits_of(np.arange(2**p.n), p.n)
    feas = p.feasible(x)
    assert p.utility(r.x) == pytest.approx(p.utility(x[feas]).max())
    # on feasible points the QUBO energy is exactly minus the utility
    assert np.allclose(p.qubo.energy(x[feas]), -p.utility(x[feas]))


def test_pairwise_objective_is_exact_for_two_streams() -> None:
    inst = draw_instance(np.random.default_rng(4), users=6, limit=2)
    p = inst.problem
    x = np.zeros(6)
    x[[1, 4]] = 1
    assert p.utility(x) == pytest.approx(p.sum_rate(x))


def test_solve_exact_switches_to_milp_beyond_threshold() -> None:
    q = random_qubo(10, 5)
    assert solve_exact(q, max_brute_force=8).method == "milp"
    assert solve_exact(q).method == "brute-force"
    assert solve_exact(q, max_brute_force=8).energy == pytest.approx(solve_exact(q).energy, abs=1e-7)


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(UserInputError, match="not symmetric"):
        Qubo(np.array([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(UserInputError, match="square and non-empty"):
        Qubo(np.zeros((0, 0)))
    with pytest.raises(UserInputError, match="NaN"):
        Qubo(np.array([[np.nan]]))
    gains = np.ones((4, 4))
    users, beams = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    with pytest.raises(UserInputError, match="K=3 is infeasible"):
        problem_from_gains(gains, users, beams, limit=3)
    with pytest.raises(UserInputError, match="K=0 is infeasible"):
        problem_from_gains(gains, users, beams, limit=0)
    with pytest.raises(UserInputError, match="non-negative"):
        problem_from_gains(-gains, users, beams, limit=1)
