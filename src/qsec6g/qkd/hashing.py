"""Universal hashing over GF(2) with random Toeplitz matrices: error verification and privacy amplification.

A Toeplitz matrix T (m x n) is fixed by m + n - 1 seed bits t: T[i, j] = t[i - j + n - 1]. Random Toeplitz
matrices form a 2-universal family (Krawczyk 1994): two different inputs collide with probability 2^-m, which makes
them fit both for verifying reconciled keys and for the leftover-hash lemma in privacy amplification. y = T x mod 2
is a slice of the convolution t * x, computed with an FFT in O((n + m) log(n + m)).
"""

from __future__ import annotations

from math import ceil, log2

import numpy as np
from scipy.signal import fftconvolve

from qsec6g.errors import UserInputError


def toeplitz_seed(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """Uniform seed bits (uint8, length m + n - 1) of an m x n Toeplitz matrix, drawn from the public shared rng."""
    return rng.integers(0, 2, m + n - 1, dtype=np.uint8)


def toeplitz_hash(bits: np.ndarray, seed: np.ndarray, m: int) -> np.ndarray:
    """T x mod 2 for the m x n Toeplitz matrix with the given seed (uint8 bits in, m uint8 bits out)."""
    bits = np.asarray(bits, dtype=np.uint8)
    n = bits.size
    if m < 0 or seed.size != m + n - 1:
        raise UserInputError(f"Toeplitz seed must have m + n - 1 = {m + n - 1} bits (got {seed.size})")
    if m == 0 or n == 0:
        return np.zeros(m, dtype=np.uint8)
    conv = fftconvolve(seed.astype(np.float64), bits.astype(np.float64))[n - 1 : n - 1 + m]
    counts = np.rint(conv)
    if np.max(np.abs(conv - counts)) > 0.25:  # FFT round-off would flip bits (only for far larger keys)
        raise RuntimeError("Toeplitz FFT lost integer precision; key too long for one block")
    return (counts.astype(np.int64) & 1).astype(np.uint8)


def tag_bits_for(eps_cor: float) -> int:
    """Verification tag length ceil(log2(1/eps_cor)): keys that differ pass with probability <= eps_cor."""
    return int(ceil(log2(1.0 / eps_cor)))


def verify_keys(alice: np.ndarray, bob: np.ndarray, eps_cor: float, rng: np.random.Generator) -> tuple[bool, int]:
    """Compare Toeplitz tags of both keys; returns (tags equal, tag bits disclosed)."""
    m = tag_bits_for(eps_cor)
    seed = toeplitz_seed(rng, alice.size, m)
    return bool(np.array_equal(toeplitz_hash(alice, seed, m), toeplitz_hash(bob, seed, m))), m


def privacy_amplify(key: np.ndarray, length: int, seed: np.ndarray) -> np.ndarray:
    """Compress ``key`` to ``length`` bits with the Toeplitz matrix of ``seed``; length must not exceed the key."""
    if not 0 <= length <= key.size:
        raise UserInputError(f"privacy amplification output length must be in [0, {key.size}] (got {length})")
    return toeplitz_hash(key, seed, length)
