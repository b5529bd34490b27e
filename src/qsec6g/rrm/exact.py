"""Exact QUBO solvers: vectorised enumeration of all ``2**n`` bitstrings, and a MILP (HiGHS) beyond that.

Bitstring convention: variable (qubit) 0 is the most significant bit of a basis index, so index ``k`` of an
energy diagonal is the bitstring ``x_i = (k >> (n - 1 - i)) & 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qsec6g.errors import UserInputError
from qsec6g.rrm.qubo import Qubo

MAX_DIAGONAL_QUBITS = 26
"""Largest ``n`` whose full energy diagonal we build (``2**26`` float64 = 512 MiB)."""


def bits_of(indices: np.ndarray | int, n: int) -> np.ndarray:
    """Bitstrings ``(..., n)`` of basis indices (qubit 0 = most significant bit)."""
    idx = np.asarray(indices, dtype=np.int64)
    return ((idx[..., None] >> np.arange(n - 1, -1, -1)) & 1).astype(np.int8)


def index_of(bits: np.ndarray) -> np.ndarray:
    """Basis indices of bitstrings ``(..., n)`` (inverse of :func:`bits_of`)."""
    b = np.asarray(bits, dtype=np.int64)
    return b @ (1 << np.arange(b.shape[-1] - 1, -1, -1))


def _diagonal(Q: np.ndarray, linear: np.ndarray, const: float = 0.0) -> np.ndarray:
    """``xᵀQx + linear·x + const`` for every bitstring of ``len(Q)`` bits, in O(n 2^n) without a bit matrix."""
    n = Q.shape[0]
    d = np.array([const], dtype=float)
    for k in range(n):
        couple = np.zeros(1)  # Σ_{j<k} 2 Q_jk x_j over all prefixes of length k
        for j in range(k):
            couple = (couple[:, None] + np.array([0.0, 2.0 * Q[j, k]])).ravel()
        on = d + Q[k, k] + linear[k] + couple
        d = np.stack([d, on], axis=-1).ravel()
    return d


def energy_diagonal(qubo: Qubo) -> np.ndarray:
    """Energies of all ``2**n`` bitstrings, index order as in :func:`bits_of` (float64, length ``2**n``)."""
    if qubo.n > MAX_DIAGONAL_QUBITS:
        raise UserInputError(f"energy diagonal of {qubo.n} variables is too large (max {MAX_DIAGONAL_QUBITS})")
    return _diagonal(qubo.Q, np.zeros(qubo.n), qubo.offset)


@dataclass(frozen=True)
class ExactResult:
    """Optimum of a QUBO: energy, one optimal bitstring, and all optimal ones (ties within ``atol``)."""

    energy: float
    x: np.ndarray
    optima: np.ndarray
    method: str


def brute_force(qubo: Qubo, chunk_bits: int = 18, atol: float = 1e-9) -> ExactResult:
    """Exact minimum by enumeration, ``2**chunk_bits`` bitstrings at a time (fixing the leading bits per chunk)."""
    n = qubo.n
    if n > 30:
        raise UserInputError(f"brute force over {n} variables is not sensible; use the MILP solver")
    lo = min(n, chunk_bits)
    hi = n - lo
    Q = qubo.Q
    best = np.inf
    optima: list[np.ndarray] = []
    for prefix in range(1 << hi):
        xh = bits_of(prefix, hi).astype(float) if hi else np.zeros(0)
        const = float(xh @ Q[:hi, :hi] @ xh) + qubo.offset
        linear = 2.0 * xh @ Q[:hi, hi:]
        e = _diagonal(Q[hi:, hi:], linear, const)
        m = float(e.min())
        if m < best - atol:
            best, optima = m, []
        if m <= best + atol:
            low = np.flatnonzero(e <= best + atol)
            optima.append((prefix << lo) + low)
    idx = np.concatenate(optima)
    bits = bits_of(idx, n)
    keep = qubo.energy(bits) <= best + atol
    bits = bits[keep]
    return ExactResult(energy=best, x=bits[0], optima=bits, method="brute-force")


def milp(qubo: Qubo, time_limit_s: float = 120.0) -> ExactResult:
    """Exact minimum by a MILP (HiGHS): each product ``x_i x_j`` with ``Q_ij != 0`` becomes ``y_ij`` with
    ``y ≥ x_i + x_j - 1`` (needed when ``Q_ij > 0``) and ``y ≤ x_i, y ≤ x_j`` (when ``Q_ij < 0``)."""
    import highspy

    n = qubo.n
    Q = qubo.Q
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if Q[i, j] != 0.0]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    cost = list(np.diag(Q)) + [2.0 * Q[i, j] for i, j in pairs]
    nv = len(cost)
    h.addVars(nv, np.zeros(nv), np.ones(nv))
    h.changeColsCost(nv, np.arange(nv, dtype=np.int32), np.asarray(cost, dtype=float))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    for k, (i, j) in enumerate(pairs):
        y = n + k
        if Q[i, j] > 0:  # y >= x_i + x_j - 1
            h.addRow(-1.0, inf, 3, np.array([y, i, j], dtype=np.int32), np.array([1.0, -1.0, -1.0]))
        else:  # y <= x_i, y <= x_j
            h.addRow(-inf, 0.0, 2, np.array([y, i], dtype=np.int32), np.array([1.0, -1.0]))
            h.addRow(-inf, 0.0, 2, np.array([y, j], dtype=np.int32), np.array([1.0, -1.0]))
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS did not prove optimality: {h.modelStatusToString(status)}")
    x = np.round(np.asarray(h.getSolution().col_value[:n])).astype(np.int8)
    e = float(qubo.energy(x))
    return ExactResult(energy=e, x=x, optima=x[None, :], method="milp")


def solve_exact(qubo: Qubo, max_brute_force: int = 22) -> ExactResult:
    """Brute force up to ``max_brute_force`` variables (all optima), the MILP beyond (one optimum)."""
    return brute_force(qubo) if qubo.n <= max_brute_force else milp(qubo)
