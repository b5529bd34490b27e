"""Cascade reliability and efficiency; Toeplitz hashing against a dense GF(2) product; PA length."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import toeplitz

from qsec6g.errors import UserInputError
from qsec6g.qkd.cascade import cascade
from qsec6g.qkd.hashing import privacy_amplify, toeplitz_hash, toeplitz_seed, verify_keys
from qsec6g.qkd.keyrate import binary_entropy
from qsec6g.seeding import make_rng

RUNS, FRAME = 3000, 4096  # 3000 independent frames: >= 99.9 % agreement allows at most 3 failures


@pytest.mark.parametrize("qber", [0.01, 0.03, 0.05])
def test_cascade_agrees_in_999_per_mille_of_runs(qber: float) -> None:
    rng = make_rng(int(qber * 1000))
    alice = rng.integers(0, 2, (RUNS, FRAME), dtype=np.uint8)
    errors = (rng.random(alice.shape) < qber).astype(np.uint8)
    result = cascade(alice, alice ^ errors, qber, rng)
    failed = int((result.corrected != alice).any(axis=1).sum())
    assert failed <= RUNS // 1000, failed
    # leakage counts every disclosed parity, so it can never beat the Shannon bound of the frame's true errors
    true_q = errors.mean(axis=1)
    assert (result.leaked_bits >= FRAME * binary_entropy(true_q)).all()


@pytest.mark.parametrize("qber", [0.03, 0.05])
def test_cascade_efficiency_at_most_1_25(qber: float) -> None:
    rng = make_rng(5)
    alice = rng.integers(0, 2, (32, 16384), dtype=np.uint8)
    errors = (rng.random(alice.shape) < qber).astype(np.uint8)
    result = cascade(alice, alice ^ errors, qber, rng)
    f_ec = result.leaked_bits.sum() / (alice.shape[1] * binary_entropy(errors.mean(axis=1))).sum()
    assert 1.0 < f_ec <= 1.25
    assert np.array_equal(result.corrected, alice)


def test_cascade_on_identical_keys_only_discloses_block_parities() -> None:
    rng = make_rng(1)
    key = rng.integers(0, 2, (2, 1000), dtype=np.uint8)
    result = cascade(key, key, 0.05, rng, passes=2)
    assert np.array_equal(result.corrected, key)
    assert (result.leaked_bits == 1000 // 15 + 1 + 1000 // 30 + 1).all()  # k1 = ceil(0.73/0.05) = 15, k2 = 30


@pytest.mark.parametrize("n,m", [(1, 1), (37, 5), (200, 64), (513, 300)])
def test_toeplitz_hash_equals_dense_gf2_product(n: int, m: int) -> None:
    rng = make_rng(n)
    x = rng.integers(0, 2, n, dtype=np.uint8)
    seed = toeplitz_seed(rng, n, m)
    dense = toeplitz(c=seed[n - 1 :], r=seed[n - 1 :: -1]).astype(np.int64)  # T[i, j] = seed[i - j + n - 1]
    assert dense.shape == (m, n)
    np.testing.assert_array_equal(toeplitz_hash(x, seed, m), (dense @ x) % 2)


def test_privacy_amplification_length_and_bad_lengths() -> None:
    rng = make_rng(2)
    key = rng.integers(0, 2, 1000, dtype=np.uint8)
    assert privacy_amplify(key, 321, toeplitz_seed(rng, 1000, 321)).size == 321
    with pytest.raises(UserInputError):
        privacy_amplify(key, 1001, toeplitz_seed(rng, 1000, 1001))
    with pytest.raises(UserInputError):
        toeplitz_hash(key, np.zeros(10, np.uint8), 5)


def test_verification_catches_a_single_bit_difference() -> None:
    rng = make_rng(3)
    a = rng.integers(0, 2, 5000, dtype=np.uint8)
    b = a.copy()
    b[1234] ^= 1
    assert verify_keys(a, a.copy(), 1e-15, rng) == (True, 50)
    assert verify_keys(a, b, 1e-15, rng)[0] is False
