"""Gate matrices and their application to batched states.

Matrices act on ``|q_a q_b ...>`` in the order of the qubit list they are applied to, the first listed qubit being
the most significant (so ``CNOT`` applied to ``[c, t]`` has control ``c`` and target ``t``). Rotation angles are
in radians; ``RX(θ) = exp(-iθX/2)`` etc., ``U3(θ, φ, λ)`` as in OpenQASM / Qiskit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qsec6g.quantum._tensor import apply_matrix, check_qubits, qubit_axes
from qsec6g.quantum.states import is_density, n_qubits

I2 = np.eye(2, dtype=np.complex128)
X = np.array([[0, 1], [1, 0]], dtype=np.complex128)
Y = np.array([[0, -1j], [1j, 0]], dtype=np.complex128)
Z = np.array([[1, 0], [0, -1]], dtype=np.complex128)
H = np.array([[1, 1], [1, -1]], dtype=np.complex128) / np.sqrt(2)
S = np.array([[1, 0], [0, 1j]], dtype=np.complex128)
SDG = S.conj().T
T = np.array([[1, 0], [0, np.exp(1j * np.pi / 4)]], dtype=np.complex128)
TDG = T.conj().T
CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=np.complex128)
CZ = np.diag([1, 1, 1, -1]).astype(np.complex128)
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=np.complex128)

PAULIS: dict[str, np.ndarray] = {"I": I2, "X": X, "Y": Y, "Z": Z}


def rx(theta: float) -> np.ndarray:
    """``exp(-i θ X / 2)``."""
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -1j * s], [-1j * s, c]], dtype=np.complex128)


def ry(theta: float) -> np.ndarray:
    """``exp(-i θ Y / 2)``."""
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -s], [s, c]], dtype=np.complex128)


def rz(theta: float) -> np.ndarray:
    """``exp(-i θ Z / 2)``."""
    return np.array([[np.exp(-0.5j * theta), 0], [0, np.exp(0.5j * theta)]], dtype=np.complex128)


def u3(theta: float, phi: float, lam: float) -> np.ndarray:
    """The general single-qubit gate ``U(θ, φ, λ)`` of OpenQASM 3 / Qiskit's ``UGate``."""
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array(
        [[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]], dtype=np.complex128
    )


def controlled(u: np.ndarray, num_controls: int = 1) -> np.ndarray:
    """``u`` controlled on ``num_controls`` qubits that come first in the qubit list (all must be |1>)."""
    d = u.shape[0]
    size = d * 2**num_controls
    out = np.eye(size, dtype=np.complex128)
    out[size - d :, size - d :] = u
    return out


def pauli_string(label: str) -> np.ndarray:
    """Dense matrix of a Pauli string such as ``"XZI"`` (first letter on the first qubit)."""
    out = np.ones((1, 1), dtype=np.complex128)
    for ch in label.upper():
        if ch not in PAULIS:
            raise ValueError(f"invalid Pauli letter {ch!r} in {label!r}")
        out = np.kron(out, PAULIS[ch])
    return out


def is_unitary(u: np.ndarray, atol: float = 1e-10) -> bool:
    """True if ``u`` (or every matrix of a batch) is unitary within ``atol``."""
    d = u.shape[-1]
    prod = np.conj(np.swapaxes(u, -1, -2)) @ u
    return bool(np.allclose(prod, np.eye(d), atol=atol))


def apply_unitary(state: np.ndarray, u: np.ndarray, qubits: Sequence[int]) -> np.ndarray:
    """Apply ``u`` (``(2**k, 2**k)`` or per-batch ``(B, 2**k, 2**k)``) to ``qubits`` of a state batch.

    Statevectors map to ``U psi``, density matrices to ``U rho U^dag``. Returns a new array of the same shape.
    """
    n = n_qubits(state)
    qs = check_qubits(tuple(qubits), n)
    k = len(qs)
    if u.shape[-2:] != (2**k, 2**k):
        raise ValueError(f"a {k}-qubit gate must be {2**k}x{2**k}, got {u.shape[-2:]}")
    b = state.shape[0]
    density = is_density(state)
    rows, cols = qubit_axes(qs, n, density)
    if not density:
        t = state.reshape((b,) + (2,) * n)
        return apply_matrix(t, u, rows).reshape(state.shape)
    t = state.reshape((b,) + (2,) * (2 * n))
    t = apply_matrix(t, u, rows)
    t = apply_matrix(t, np.conj(u), cols)
    return t.reshape(state.shape)
