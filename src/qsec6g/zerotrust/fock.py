"""Batched, differentiable continuous-variable (photonic) simulation in a truncated Fock space (PyTorch).

Conventions
- M modes, cutoff c: a state batch is complex (B, c**M); mode 0 is the most significant digit of the basis index,
  index = Σ_k n_k c^{M-1-k}. Operators on the whole register are (c**M, c**M) matrices (column-vector convention).
- a is the annihilation operator, n = a†a, x = a + a† (ħ = 2 convention, so vacuum Var(x) = 1).
- Displacement D(α) = exp(α a† − α* a), squeezing S(r) = exp(r (a² − a†²) / 2), rotation R(φ) = exp(iφ n),
  Kerr K(κ) = exp(iκ n²), beamsplitter BS(θ, φ) = exp(θ (e^{iφ} a_i a_j† − e^{−iφ} a_i† a_j)).
- D and S do not conserve photon number: they are computed exactly by a matrix exponential in a padded space of
  dimension c + ``pad`` and then truncated to c, so their low-photon matrix elements are exact to float precision;
  truncation shows up as norm leaking out of the kept space (reported by ``norm``, never silently renormalised).
  R, K are diagonal and BS conserves total photon number, so they are exact on the kept space.
"""

from __future__ import annotations

import math

import torch

Tensor = torch.Tensor
DEFAULT_PAD = 12


def _ladder(c: int, dtype: torch.dtype = torch.complex128) -> Tensor:
    """Annihilation operator a (c, c): a|n⟩ = √n |n−1⟩."""
    return torch.diag(torch.sqrt(torch.arange(1, c, dtype=torch.float64)), 1).to(dtype)


def displacement(alpha: Tensor, cutoff: int, pad: int = DEFAULT_PAD) -> Tensor:
    """D(α) for real α of any shape → alpha.shape + (c, c)."""
    d = cutoff + pad
    a = _ladder(d, torch.complex64 if alpha.dtype == torch.float32 else torch.complex128)
    gen = alpha.to(a.dtype)[..., None, None] * (a.mT - a)
    return torch.linalg.matrix_exp(gen)[..., :cutoff, :cutoff]


def squeezing(r: Tensor, cutoff: int, pad: int = DEFAULT_PAD) -> Tensor:
    """S(r) for real r of any shape → r.shape + (c, c)."""
    d = cutoff + pad
    a = _ladder(d, torch.complex64 if r.dtype == torch.float32 else torch.complex128)
    gen = 0.5 * r.to(a.dtype)[..., None, None] * (a @ a - a.mT @ a.mT)
    return torch.linalg.matrix_exp(gen)[..., :cutoff, :cutoff]


def phase_diag(phi: Tensor, cutoff: int, power: int = 1) -> Tensor:
    """Diagonal of exp(iφ n^power): rotation (power 1) or Kerr (power 2); shape phi.shape + (c,)."""
    n = torch.arange(cutoff, dtype=phi.dtype) ** power
    return torch.exp(1j * phi[..., None] * n)


def beamsplitter(theta: Tensor, phi: Tensor, cutoff: int) -> Tensor:
    """BS(θ, φ) on two modes, a (c², c²) matrix (index n_i·c + n_j); exact on states with n_i + n_j < c."""
    dt = torch.complex64 if theta.dtype == torch.float32 else torch.complex128
    a = _ladder(cutoff, dt)
    eye = torch.eye(cutoff, dtype=dt)
    ai, aj = torch.kron(a, eye), torch.kron(eye, a)
    e = torch.exp(1j * phi.to(dt))
    gen = theta.to(dt) * (e * ai @ aj.mT - e.conj() * ai.mT @ aj)
    return torch.linalg.matrix_exp(gen)


def embed(op: Tensor, first_mode: int, n_modes: int, cutoff: int) -> Tensor:
    """An operator on modes [first_mode, first_mode + k) embedded in the M-mode register (identity elsewhere)."""
    k = round(math.log(op.shape[-1], cutoff))
    left = torch.eye(cutoff**first_mode, dtype=op.dtype)
    right = torch.eye(cutoff ** (n_modes - first_mode - k), dtype=op.dtype)
    return torch.kron(torch.kron(left, op), right)


def coherent_state(alpha: Tensor, cutoff: int) -> Tensor:
    """Truncated coherent states |α⟩ for real α (B,) → (B, c): e^{−α²/2} αⁿ / √n! (closed form)."""
    n = torch.arange(cutoff, dtype=alpha.dtype)
    logfact = torch.lgamma(n + 1)
    mag = torch.exp(-0.5 * alpha[:, None] ** 2 - 0.5 * logfact) * alpha[:, None] ** n
    return mag.to(torch.complex64 if alpha.dtype == torch.float32 else torch.complex128)


def product(states: Tensor) -> Tensor:
    """⊗_k states[:, k] for per-mode states (B, M, c) → (B, c**M)."""
    out = states[:, 0]
    for k in range(1, states.shape[1]):
        out = (out[:, :, None] * states[:, k, None, :]).reshape(states.shape[0], -1)
    return out


def interferometer(thetas: Tensor, phis: Tensor, rotations: Tensor, cutoff: int) -> Tensor:
    """A rectangular mesh of nearest-neighbour beamsplitters (M rounds) followed by a rotation on each mode.

    ``thetas``, ``phis``: (n_bs,) with n_bs = M(M−1)/2; ``rotations``: (M,). Returns a (c**M, c**M) matrix.
    """
    m = rotations.shape[0]
    u = torch.eye(cutoff**m, dtype=torch.complex64 if thetas.dtype == torch.float32 else torch.complex128)
    k = 0
    for rnd in range(m):
        for i in range(rnd % 2, m - 1, 2):
            if k < thetas.shape[0]:
                u = embed(beamsplitter(thetas[k], phis[k], cutoff), i, m, cutoff) @ u
                k += 1
    diag = product(phase_diag(rotations, cutoff)[None])[0]
    return diag[:, None] * u


def mode_observables(state: Tensor, n_modes: int, cutoff: int) -> Tensor:
    """(B, 2M) real: ⟨n_k⟩ for each mode, then ⟨x_k⟩ = 2 Re⟨a_k⟩ for each mode (on the unnormalised state)."""
    b = state.shape[0]
    out_n, out_x = [], []
    nvec = torch.arange(cutoff, dtype=state.real.dtype)
    sq = torch.sqrt(torch.arange(1, cutoff, dtype=state.real.dtype))
    for k in range(n_modes):
        v = state.reshape(b, cutoff**k, cutoff, cutoff ** (n_modes - k - 1))
        p = (v.real**2 + v.imag**2).sum(dim=(1, 3))
        out_n.append(p @ nvec)
        amp = (v[:, :, :-1].conj() * v[:, :, 1:]).sum(dim=(1, 3))  # ⟨n|a|n+1⟩ = √(n+1)
        out_x.append(2 * (amp * sq).sum(dim=1).real)
    return torch.stack(out_n + out_x, dim=1)


def norm(state: Tensor) -> Tensor:
    """Squared norm of each state (B,): 1 minus the probability lost to truncation."""
    return (state.real**2 + state.imag**2).sum(dim=1)
