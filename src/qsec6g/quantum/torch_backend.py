"""Differentiable batched statevector simulation in PyTorch.

Conventions
- A state batch is a complex tensor of shape (B, 2**n); single states are batches of one.
- Qubit 0 is the most significant bit of the basis index: |q0 q1 … q_{n-1}⟩ ↔ index Σ q_k 2^{n-1-k}.
- Gate matrices are (2, 2) (one gate for the whole batch) or (B, 2, 2) (one per batch item, e.g. data encoding).
- Rotations follow the usual (and PennyLane's) conventions: RX(θ) = exp(−iθX/2), RY, RZ likewise,
  Rot(φ, θ, ω) = RZ(ω) RY(θ) RZ(φ).
- Everything is built from reshapes, tensordots, index permutations and matrix products, so autograd gives exact
  gradients and a batch costs one kernel call per gate (or per layer when fused), never a Python loop over samples.

Speed paths
- ``apply_1q`` applies a gate to one wire through a (B, 2^k, 2, 2^{n-k-1}) view.
- ``layer_unitary`` fuses one layer of single-qubit gates with a permutation entangler (e.g. a CNOT ring) into one
  (2^n, 2^n) matrix; for n ≤ 10 applying a whole circuit to a batch is then a single matrix product.
- ``product_state`` builds angle-encoded product states directly (no gates).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

Tensor = torch.Tensor


def _cplx(t: Tensor) -> torch.dtype:
    return torch.complex128 if t.dtype in (torch.float64, torch.complex128) else torch.complex64


def zero_state(batch: int, n: int, dtype: torch.dtype = torch.complex64) -> Tensor:
    """|0…0⟩ repeated ``batch`` times, shape (batch, 2**n)."""
    s = torch.zeros(batch, 2**n, dtype=dtype)
    s[:, 0] = 1
    return s


# ---------------------------------------------------------------------------------------------------------- gates
def rx(theta: Tensor) -> Tensor:
    """RX(θ) matrices, shape theta.shape + (2, 2)."""
    c, s = torch.cos(theta / 2).to(_cplx(theta)), torch.sin(theta / 2).to(_cplx(theta))
    return torch.stack([torch.stack([c, -1j * s], -1), torch.stack([-1j * s, c], -1)], -2)


def ry(theta: Tensor) -> Tensor:
    """RY(θ) matrices, shape theta.shape + (2, 2)."""
    c, s = torch.cos(theta / 2).to(_cplx(theta)), torch.sin(theta / 2).to(_cplx(theta))
    return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)


def rz(theta: Tensor) -> Tensor:
    """RZ(θ) matrices, shape theta.shape + (2, 2)."""
    e = torch.exp(-0.5j * theta.to(_cplx(theta)))
    z = torch.zeros_like(e)
    return torch.stack([torch.stack([e, z], -1), torch.stack([z, e.conj()], -1)], -2)


def rot(phi: Tensor, theta: Tensor, omega: Tensor) -> Tensor:
    """Rot(φ, θ, ω) = RZ(ω) RY(θ) RZ(φ), shape phi.shape + (2, 2)."""
    return rz(omega) @ ry(theta) @ rz(phi)


# ------------------------------------------------------------------------------------------------- applying gates
def apply_1q(state: Tensor, gate: Tensor, wire: int, n: int) -> Tensor:
    """Apply a single-qubit ``gate`` ((2, 2) or (B, 2, 2)) to ``wire`` of a (B, 2**n) state batch."""
    b = state.shape[0]
    view = state.reshape(b, 2**wire, 2, 2 ** (n - wire - 1))
    if gate.dim() == 2:
        out = torch.einsum("ij,bajc->baic", gate, view)
    else:
        out = torch.einsum("bij,bajc->baic", gate, view)
    return out.reshape(b, 2**n)


def apply_layer(state: Tensor, gates: Tensor, n: int) -> Tensor:
    """Apply one single-qubit gate per wire; ``gates`` has shape (n, 2, 2) (wire k gets gates[k])."""
    for k in range(n):
        state = apply_1q(state, gates[k], k, n)
    return state


def kron_gates(gates: Tensor) -> Tensor:
    """⊗_k gates[k] for gates of shape (n, 2, 2): the (2^n, 2^n) matrix of one layer of single-qubit gates."""
    out = gates[0]
    for k in range(1, gates.shape[0]):
        out = torch.kron(out, gates[k])
    return out


def cnot_permutation(control: int, target: int, n: int) -> Tensor:
    """Index permutation p with (CNOT|ψ⟩)[i] = ψ[p[i]] (CNOT is its own inverse)."""
    idx = torch.arange(2**n)
    cbit, tbit = 1 << (n - 1 - control), 1 << (n - 1 - target)
    return torch.where(idx & cbit != 0, idx ^ tbit, idx)


def ring_permutation(n: int, pairs: Sequence[tuple[int, int]] | None = None) -> Tensor:
    """Permutation of a sequence of CNOTs (default the ring (0,1), (1,2), …, (n−1,0)), applied in order."""
    if pairs is None:
        pairs = [(k, (k + 1) % n) for k in range(n)] if n > 2 else ([(0, 1)] if n == 2 else [])
    perm = torch.arange(2**n)
    for c, t in pairs:
        perm = perm[cnot_permutation(c, t, n)]
    return perm


def apply_permutation(state: Tensor, perm: Tensor) -> Tensor:
    """Apply a basis permutation (e.g. CNOTs): out[:, i] = state[:, perm[i]]."""
    return state[:, perm]


def apply_unitary(state: Tensor, unitary: Tensor) -> Tensor:
    """U|ψ⟩ for a (2^n, 2^n) matrix and a (B, 2^n) batch. A real batch (e.g. RY product states) returns the pair
    (Re, Im) as a tuple of real tensors, which costs two real matrix products instead of one complex one."""
    if state.is_complex():
        return state @ unitary.T
    return state @ unitary.real.T, state @ unitary.imag.T


def apply_cnot(state: Tensor, control: int, target: int, n: int) -> Tensor:
    return apply_permutation(state, cnot_permutation(control, target, n))


def cz_signs(control: int, target: int, n: int) -> Tensor:
    """Diagonal of CZ as ±1 (real); apply with ``state * signs``."""
    idx = torch.arange(2**n)
    both = (idx >> (n - 1 - control)) & (idx >> (n - 1 - target)) & 1
    return 1.0 - 2.0 * both.to(torch.float64)


def apply_cz(state: Tensor, control: int, target: int, n: int) -> Tensor:
    return state * cz_signs(control, target, n).to(state.dtype)


def layer_unitary(gates: Tensor, perm: Tensor | None = None) -> Tensor:
    """Matrix of one layer: single-qubit ``gates`` (n, 2, 2) then the basis permutation ``perm`` (if any).

    For a row-vector batch ψ (B, 2^n) the layer acts as ψ ↦ ψ @ layer_unitary(...).T .
    """
    u = kron_gates(gates)
    return u if perm is None else u[perm]


# ------------------------------------------------------------------------------------------------------ encodings
def product_state(angles: Tensor, rotation: str = "Y", real: bool = False) -> Tensor:
    """⊗_k R(angles[:, k])|0⟩ for angles (B, n): the angle-encoded product state, shape (B, 2**n).

    With ``rotation="Y"`` the amplitudes are real; ``real=True`` then returns them as a real tensor (half the
    memory and arithmetic; :func:`apply_unitary` applies a complex unitary to such a batch).
    """
    if rotation not in ("X", "Y"):
        raise ValueError(f"rotation must be 'X' or 'Y', got {rotation!r}")
    if real and rotation != "Y":
        raise ValueError("real=True needs rotation='Y' (RX gives complex amplitudes)")
    c, s = torch.cos(angles / 2), torch.sin(angles / 2)
    if not real:
        c, s = c.to(_cplx(angles)), s.to(_cplx(angles))
    qubits = torch.stack([c, s if rotation == "Y" else -1j * s], -1)
    out = qubits[:, 0]
    for k in range(1, angles.shape[1]):
        out = (out[:, :, None] * qubits[:, k, None, :]).reshape(angles.shape[0], -1)
    return out


def amplitude_state(x: Tensor, n: int, eps: float = 1e-12) -> Tensor:
    """Amplitude encoding: x (B, F ≤ 2**n) zero-padded to 2**n and L2-normalised (all-zero rows → |0…0⟩)."""
    if x.shape[1] > 2**n:
        raise ValueError(f"{x.shape[1]} features do not fit in {n} qubits")
    pad = torch.zeros(x.shape[0], 2**n - x.shape[1], dtype=x.dtype)
    v = torch.cat([x, pad], 1)
    norm = v.norm(dim=1, keepdim=True)
    v = torch.where(norm > eps, v / norm.clamp_min(eps), torch.nn.functional.one_hot(
        torch.zeros(x.shape[0], dtype=torch.long), 2**n).to(x.dtype))
    return v.to(_cplx(x))


# --------------------------------------------------------------------------------------------------- measurements
def probabilities(state: Tensor | tuple[Tensor, Tensor]) -> Tensor:
    """|ψ_i|², shape (B, 2**n), real; ``state`` may be complex or a (Re, Im) pair from :func:`apply_unitary`."""
    re, im = state if isinstance(state, tuple) else (state.real, state.imag)
    return re * re + im * im


def z_signs(n: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """(2**n, n) matrix of Pauli-Z eigenvalues: entry [i, k] = +1 if qubit k of basis index i is 0 else −1."""
    idx = torch.arange(2**n)[:, None]
    bits = (idx >> (n - 1 - torch.arange(n))[None, :]) & 1
    return (1 - 2 * bits).to(dtype)


def expval_z(state: Tensor | tuple[Tensor, Tensor], n: int, wires: Sequence[int] | None = None) -> Tensor:
    """⟨Z_k⟩ for each wire k (default all), shape (B, len(wires)), real."""
    p = probabilities(state)
    zs = z_signs(n, p.dtype)
    return p @ (zs if wires is None else zs[:, list(wires)])
