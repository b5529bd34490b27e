"""Intercept-resend of encoded states in transit (e.g. from an encoding front-end to a remote QPU).

Eve intercepts a share of the transmitted single copies, measures every qubit in a basis chosen at random from
{Z, X} (the BB84 choice, as in the QKD part), and resends the basis state she observed. Bob's classifier then runs
on the resent state. Built on the numpy kernel (:func:`qsec6g.quantum.gates.apply_unitary`,
:func:`qsec6g.quantum.measurement.sample_counts`). A defender who interleaves k known test states and checks
them by projective measurement detects the attack with probability 1 − F̄^k (F̄: mean fidelity of resent states).
"""

from __future__ import annotations

import numpy as np

from qsec6g.quantum.gates import H, apply_unitary
from qsec6g.quantum.measurement import sample_counts
from qsec6g.seeding import SeedLike, make_rng


def intercept_resend(states: np.ndarray, fraction: float, rng: SeedLike = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Resent states (B, 2^n) complex, the intercepted mask (B,), and per-state fidelity |⟨ψ|ψ'⟩|² (B,)."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must lie in [0, 1], got {fraction}")
    gen = make_rng(rng)
    psi = np.asarray(states, dtype=np.complex128)
    b, d = psi.shape
    n = int(np.log2(d))
    hit = gen.random(b) < fraction
    bases = gen.integers(0, 2, (b, n))  # 1 = X basis
    out = psi.copy()
    for pattern in np.unique(bases[hit], axis=0):
        rows = np.flatnonzero(hit & (bases == pattern).all(1))
        xq = [q for q in range(n) if pattern[q]]
        rot = psi[rows]
        for q in xq:
            rot = apply_unitary(rot, H, [q])
        outcome = sample_counts(rot, 1, gen).argmax(1)
        resent = np.zeros((len(rows), d), np.complex128)
        resent[np.arange(len(rows)), outcome] = 1
        for q in xq:
            resent = apply_unitary(resent, H, [q])
        out[rows] = resent
    fid = np.abs(np.sum(psi.conj() * out, axis=1)) ** 2
    return out, hit, fid


def detection_probability(mean_fidelity: float, k_test_states: int) -> float:
    """Probability that at least one of k interleaved test states fails its projective check."""
    return 1.0 - mean_fidelity ** k_test_states
