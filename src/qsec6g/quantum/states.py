"""Batched quantum states: statevectors ``(B, 2**n)`` and density matrices ``(B, 2**n, 2**n)``.

Conventions (used everywhere in :mod:`qsec6g.quantum`):

* The leading axis is the batch axis; a single state is a batch of one.
* Qubit 0 is the **most significant** bit of a basis index: ``|q0 q1 ... q_{n-1}>`` has index
  ``sum(q_i * 2**(n-1-i))``. (Qiskit orders qubits the other way round; :mod:`qsec6g.quantum.qiskit_interop`
  converts.)
* Arrays are ``complex128``. A 2-D array is a batch of statevectors, a 3-D array a batch of density matrices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qsec6g.quantum._tensor import check_qubits

#: default numerical tolerance for validation (normalisation, Hermiticity, trace, positivity)
ATOL = 1e-8


def num_qubits_of(dim: int) -> int:
    """Number of qubits of a Hilbert-space dimension ``dim``; ``ValueError`` unless ``dim`` is a power of two."""
    if dim < 1 or dim & (dim - 1):
        raise ValueError(f"dimension {dim} is not a power of two")
    return dim.bit_length() - 1


def is_density(state: np.ndarray) -> bool:
    """True for a batch of density matrices (3-D), False for a batch of statevectors (2-D)."""
    if state.ndim == 3:
        return True
    if state.ndim == 2:
        return False
    raise ValueError(f"expected a batch of statevectors (B, d) or density matrices (B, d, d), got shape {state.shape}")


def n_qubits(state: np.ndarray) -> int:
    """Number of qubits of a batched state."""
    is_density(state)
    return num_qubits_of(state.shape[-1])


def statevector(psi: np.ndarray | Sequence[complex], *, validate: bool = True, atol: float = ATOL) -> np.ndarray:
    """A batch of statevectors ``(B, 2**n)`` from a 1-D vector or a 2-D batch; validated unless ``validate=False``."""
    arr = np.asarray(psi, dtype=np.complex128)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"a statevector batch must be 1-D or 2-D, got shape {arr.shape}")
    num_qubits_of(arr.shape[1])
    if validate:
        validate_statevector(arr, atol=atol)
    return arr


def density_matrix(rho: np.ndarray | Sequence[Sequence[complex]], *, validate: bool = True, atol: float = ATOL) -> np.ndarray:
    """A batch of density matrices ``(B, d, d)`` from a 2-D matrix or a 3-D batch; validated unless asked not to."""
    arr = np.asarray(rho, dtype=np.complex128)
    if arr.ndim == 2:
        arr = arr[None, :, :]
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise ValueError(f"a density-matrix batch must be (d, d) or (B, d, d), got shape {arr.shape}")
    num_qubits_of(arr.shape[1])
    if validate:
        validate_density(arr, atol=atol)
    return arr


def validate_statevector(psi: np.ndarray, atol: float = ATOL) -> None:
    """Raise ``ValueError`` naming the first problem: non-finite entries or a norm away from 1."""
    if not np.all(np.isfinite(psi)):
        raise ValueError("statevector has NaN or infinite amplitudes")
    norms = np.linalg.norm(psi, axis=-1)
    bad = np.flatnonzero(np.abs(norms - 1.0) > atol)
    if bad.size:
        raise ValueError(f"statevector {int(bad[0])} is not normalised: norm {norms[bad[0]]:.12g}")


def validate_density(rho: np.ndarray, atol: float = ATOL) -> None:
    """Raise ``ValueError`` naming the first problem: non-finite, not Hermitian, trace != 1, or not PSD."""
    if not np.all(np.isfinite(rho)):
        raise ValueError("density matrix has NaN or infinite entries")
    herm = np.max(np.abs(rho - np.conj(np.swapaxes(rho, -1, -2))), axis=(-1, -2))
    bad = np.flatnonzero(herm > atol)
    if bad.size:
        raise ValueError(f"density matrix {int(bad[0])} is not Hermitian: max |rho - rho^dag| = {herm[bad[0]]:.3g}")
    tr = np.real(np.trace(rho, axis1=-2, axis2=-1))
    bad = np.flatnonzero(np.abs(tr - 1.0) > atol)
    if bad.size:
        raise ValueError(f"density matrix {int(bad[0])} does not have unit trace: trace {tr[bad[0]]:.12g}")
    mins = np.linalg.eigvalsh(rho)[..., 0]
    bad = np.flatnonzero(mins < -atol)
    if bad.size:
        raise ValueError(f"density matrix {int(bad[0])} is not positive semidefinite: min eigenvalue {mins[bad[0]]:.3g}")


def to_density(state: np.ndarray) -> np.ndarray:
    """Density matrices of a batch: ``|psi><psi|`` for statevectors, unchanged for density matrices."""
    if is_density(state):
        return state
    return state[:, :, None] * np.conj(state[:, None, :])


def zero_state(n: int, batch: int = 1, density: bool = False) -> np.ndarray:
    """``|0...0>`` on ``n`` qubits, as ``(batch, 2**n)`` statevectors or ``(batch, 2**n, 2**n)`` density matrices."""
    return basis_state(n, 0, batch=batch, density=density)


def basis_state(n: int, index: int, batch: int = 1, density: bool = False) -> np.ndarray:
    """Computational basis state ``|index>`` (qubit 0 = most significant bit)."""
    d = 2**n
    if not 0 <= index < d:
        raise ValueError(f"basis index {index} out of range for {n} qubits")
    if density:
        out = np.zeros((batch, d, d), dtype=np.complex128)
        out[:, index, index] = 1.0
    else:
        out = np.zeros((batch, d), dtype=np.complex128)
        out[:, index] = 1.0
    return out


def maximally_mixed(n: int, batch: int = 1) -> np.ndarray:
    """The maximally mixed state ``I / 2**n`` as a density-matrix batch."""
    d = 2**n
    return np.broadcast_to(np.eye(d, dtype=np.complex128) / d, (batch, d, d)).copy()


def random_statevector(n: int, batch: int = 1, rng: np.random.Generator | None = None) -> np.ndarray:
    """Haar-random pure states (normalised complex Gaussian vectors)."""
    rng = np.random.default_rng(rng)
    v = rng.normal(size=(batch, 2**n)) + 1j * rng.normal(size=(batch, 2**n))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def random_density(n: int, batch: int = 1, rank: int | None = None, rng: np.random.Generator | None = None) -> np.ndarray:
    """Random mixed states from the induced (Ginibre) measure: ``G G^dag / tr``, ``G`` of shape ``(d, rank)``."""
    rng = np.random.default_rng(rng)
    d = 2**n
    r = d if rank is None else rank
    g = rng.normal(size=(batch, d, r)) + 1j * rng.normal(size=(batch, d, r))
    rho = g @ np.conj(np.swapaxes(g, -1, -2))
    return rho / np.real(np.trace(rho, axis1=-2, axis2=-1))[:, None, None]


def partial_trace(state: np.ndarray, keep: Sequence[int]) -> np.ndarray:
    """Reduced density matrices ``(B, 2**k, 2**k)`` of the qubits ``keep`` (in the order given).

    Works on statevector and density-matrix batches; the traced-out qubits are all the others.
    """
    n = n_qubits(state)
    kept = check_qubits(tuple(keep), n)
    traced = tuple(q for q in range(n) if q not in kept)
    b = state.shape[0]
    dk, dt = 2 ** len(kept), 2 ** len(traced)
    if not is_density(state):
        t = state.reshape((b,) + (2,) * n).transpose((0,) + tuple(1 + q for q in kept + traced))
        m = t.reshape(b, dk, dt)
        return np.einsum("bit,bjt->bij", m, np.conj(m))
    t = state.reshape((b,) + (2,) * (2 * n))
    perm = (0,) + tuple(1 + q for q in kept + traced) + tuple(1 + n + q for q in kept + traced)
    m = t.transpose(perm).reshape(b, dk, dt, dk, dt)
    return np.einsum("bitjt->bij", m)


def trace_out(state: np.ndarray, qubits: Sequence[int]) -> np.ndarray:
    """Reduced density matrices after tracing out ``qubits`` (the remaining qubits keep their order)."""
    n = n_qubits(state)
    drop = set(check_qubits(tuple(qubits), n))
    return partial_trace(state, [q for q in range(n) if q not in drop])
