"""Cascade information reconciliation (Brassard & Salvail 1993), vectorised over blocks and frames.

Alice and Bob split their keys into frames of N bits and reconcile many frames at once. In pass i each frame is
shuffled with a public permutation and cut into blocks of k_i bits (k_1 = ceil(0.73 / QBER), k_{i+1} = 2 k_i);
Alice discloses every block parity, and each block whose parities differ holds an odd number of errors that a
binary search (one disclosed parity per halving) locates and Bob flips. Flipping a bit changes the parity of the
blocks holding it in earlier passes, which are searched again (the cascade), smallest blocks first, until every
block of every pass so far agrees.

Vectorisation: all blocks of one pass whose parities differ are searched together (they are disjoint): their
bits are gathered into an (M, k) array, prefix parities give the parity of any left half in O(1), and each
halving is one numpy step over all M blocks. Block parities at the start of a pass use ``np.add.reduceat``.
Leakage = every parity Alice discloses (block parities + one per binary-search step), counted per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import numpy as np

from qsec6g.qkd.keyrate import binary_entropy


def first_block_size(qber: float, frame_bits: int) -> int:
    """k_1 = ceil(0.73 / QBER) (Brassard & Salvail), at least 2 and at most the frame."""
    if qber <= 0:
        return frame_bits
    return int(min(max(1, frame_bits // 2), max(2, ceil(0.73 / qber))))


@dataclass
class CascadeResult:
    """Bob's corrected frames, parities disclosed per frame, and how many search rounds were run."""

    corrected: np.ndarray  # (F, N) uint8
    leaked_bits: np.ndarray  # (F,) int64
    rounds: int

    def efficiency(self, qber: np.ndarray | float) -> np.ndarray:
        """f_EC = leaked bits / (N H2(QBER)) per frame (1 = Shannon limit)."""
        n = self.corrected.shape[1]
        return self.leaked_bits / (n * np.asarray(binary_entropy(qber)))


@dataclass
class _Pass:
    perm: np.ndarray  # (N,) position in shuffled order -> frame position
    inv: np.ndarray  # (N,) frame position -> position in shuffled order
    k: int  # block length (the last block of a frame may be shorter)
    starts: np.ndarray  # (nb,) block starts in shuffled order
    mismatch: np.ndarray  # (F, nb) bool: Alice's and Bob's block parities differ


def _block_parities(bits: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(F, N) bits (shuffled order) -> (F, nb) parities of the blocks starting at ``starts``.

    Sums wrap modulo 256 in uint8, which keeps the lowest bit: the parity.
    """
    return np.add.reduceat(bits, starts, axis=1, dtype=np.uint8) & 1


def cascade(
    alice: np.ndarray, bob: np.ndarray, qber: float, rng: np.random.Generator, passes: int = 8
) -> CascadeResult:
    """Reconcile Bob's frames to Alice's. ``alice``/``bob``: (F, N) or (N,) uint8; ``qber`` sets the block size.

    The permutations come from ``rng`` (public randomness agreed by both sides). Alice's bits are only used
    through the parities she discloses (computed as parities of a XOR b, which equal parity(a) XOR parity(b)).
    """
    alice = np.atleast_2d(np.asarray(alice, dtype=np.uint8))
    bob = np.atleast_2d(np.asarray(bob, dtype=np.uint8)).copy()
    if alice.shape != bob.shape:
        raise ValueError(f"Alice's and Bob's frames differ in shape: {alice.shape} vs {bob.shape}")
    n_frames, n = alice.shape
    leaked = np.zeros(n_frames, dtype=np.int64)
    levels: list[_Pass] = []
    rounds = 0
    k = first_block_size(qber, n)
    for _ in range(passes):
        perm = rng.permutation(n)
        inv = np.empty(n, dtype=np.intp)
        inv[perm] = np.arange(n)
        starts = np.arange(0, n, k)
        # Alice's parity differs from Bob's exactly where the block holds an odd number of differing bits
        mismatch = _block_parities((alice ^ bob)[:, perm], starts).astype(bool)
        leaked += starts.size
        levels.append(_Pass(perm, inv, k, starts, mismatch))
        while (j := next((i for i, lv in enumerate(levels) if lv.mismatch.any()), None)) is not None:
            rounds += 1
            rows, x = _search(levels[j], alice, bob, leaked)
            bob[rows, x] ^= 1
            for lv in levels:
                nb = lv.starts.size
                hits = np.bincount(rows * nb + lv.inv[x] // lv.k, minlength=n_frames * nb)
                lv.mismatch ^= (hits & 1).astype(bool).reshape(n_frames, nb)
        k = min(max(1, n // 2), 2 * k)  # cap at half a frame: later passes keep splitting it in two
    return CascadeResult(bob, leaked, rounds)


def _prefix_xor(bits: np.ndarray) -> np.ndarray:
    """(M, k) bits -> (M, k + 1) prefix parities with a leading 0 column."""
    out = np.zeros((bits.shape[0], bits.shape[1] + 1), dtype=np.uint8)
    np.bitwise_xor.accumulate(bits, axis=1, out=out[:, 1:])
    return out


def _search(lv: _Pass, alice: np.ndarray, bob: np.ndarray, leaked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binary-search every mismatched block of one pass at once; return (frame, frame position) of the errors.

    Only the bits of the mismatched blocks are gathered (padded to k with zeros, which changes no parity); each
    halving compares Alice's disclosed parity of the left half with Bob's, from prefix parities of the blocks.
    """
    n_frames, n = bob.shape
    rows, blocks = np.nonzero(lv.mismatch)
    shuffled = lv.starts[blocks][:, None] + np.arange(lv.k)  # (M, k) positions in shuffled order
    inside = shuffled < n
    where = lv.perm[np.minimum(shuffled, n - 1)]  # frame positions
    a_pref = _prefix_xor(alice[rows[:, None], where] & inside)
    b_pref = _prefix_xor(bob[rows[:, None], where] & inside)
    m = np.arange(rows.size)
    lo = np.zeros(rows.size, dtype=np.intp)
    hi = np.minimum(lv.k, n - lv.starts[blocks])
    active = np.flatnonzero(hi - lo > 1)
    while active.size:
        r, l, h = m[active], lo[active], hi[active]
        mid = (l + h) // 2
        left = (a_pref[r, mid] ^ a_pref[r, l]) != (b_pref[r, mid] ^ b_pref[r, l])
        leaked += np.bincount(rows[active], minlength=n_frames)
        hi[active] = np.where(left, mid, h)
        lo[active] = np.where(left, l, mid)
        active = active[hi[active] - lo[active] > 1]
    return rows, where[m, lo]
