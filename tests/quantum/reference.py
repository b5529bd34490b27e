"""Independent references for the kernel tests: Qiskit conversions and random channels / subsets.

qsec6g qubit ``q`` is Qiskit qubit ``n - 1 - q`` (basis indices then coincide). A matrix on our qubits
``[a, b, ...]`` (first = most significant) goes to Qiskit with ``qargs = [n-1-q for q in reversed(qubits)]``.
These helpers are written from that convention alone and do not use :mod:`qsec6g.quantum.qiskit_interop`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit.quantum_info import DensityMatrix, Kraus

ATOL = 1e-10


def qargs(qubits: Sequence[int], n: int) -> list[int]:
    """Qiskit qargs for a matrix that acts on our ``qubits`` (first listed = most significant)."""
    return [n - 1 - q for q in reversed(qubits)]


def random_subset(rng: np.random.Generator, n: int, k: int) -> list[int]:
    """``k`` distinct qubits of ``n`` in random (not sorted) order."""
    return [int(q) for q in rng.permutation(n)[:k]]


def random_kraus(k: int, rng: np.random.Generator, rank: int = 3) -> list[np.ndarray]:
    """A random CPTP map on ``k`` qubits: ``rank`` Kraus blocks of a Haar-ish random isometry (QR of a Ginibre)."""
    d = 2**k
    g = rng.normal(size=(d * rank, d)) + 1j * rng.normal(size=(d * rank, d))
    v, _ = np.linalg.qr(g)
    return [v[i * d : (i + 1) * d, :] for i in range(rank)]


def random_unitary(k: int, rng: np.random.Generator) -> np.ndarray:
    d = 2**k
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def qiskit_evolve(rho: np.ndarray, channel: object, qubits: Sequence[int]) -> np.ndarray:
    """``DensityMatrix(rho).evolve(channel, qargs)`` for one ``(d, d)`` matrix, in our basis order."""
    n = int(np.log2(rho.shape[-1]))
    return DensityMatrix(rho).evolve(channel, qargs(qubits, n)).data


def qiskit_kraus_evolve(rho: np.ndarray, kraus: Sequence[np.ndarray], qubits: Sequence[int]) -> np.ndarray:
    return qiskit_evolve(rho, Kraus([np.asarray(k) for k in kraus]), qubits)
