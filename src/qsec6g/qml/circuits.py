"""Victim quantum classifiers on :mod:`qsec6g.quantum.torch_backend`: encodings, variational layers, readout,
optional gate noise (density-matrix path).

Circuit (qubit 0 = most significant bit of a basis index, as in the kernel)::

    encode   amplitude: standardised features (F ≤ 2^n) zero-padded to 2^n and L2-normalised (real amplitudes)
             angle:     RY(π·sigmoid(z_k)) on qubit k, z = x @ proj (fixed PCA projection to n components)
    L times  Rot(φ, θ, ω) on every qubit, then a CNOT ring (0→1, 1→2, …, n−1→0)
    noise    (optional) after every layer, each qubit: depolarising(p) then amplitude damping(γ)
    readout  ⟨Z_k⟩ for every qubit → linear head → one logit (binary task; positive class = 1)

Everything is differentiable w.r.t. the inputs, the encoded state and the parameters; a batch is one matrix
product per circuit (layers fused into one 2^n × 2^n unitary) on the noiseless path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from qsec6g.quantum import torch_backend as tb

DTYPE = torch.float64
#: above this many qubits circuits are applied gate by gate instead of as one fused unitary
FUSE_MAX_QUBITS = 5


@dataclass(frozen=True)
class GateNoise:
    """Per-layer, per-qubit gate noise: depolarising probability ``p`` and amplitude-damping ``gamma``."""

    p: float = 0.0
    gamma: float = 0.0

    def __post_init__(self) -> None:
        if not (0 <= self.p <= 1 and 0 <= self.gamma <= 1):
            raise ValueError(f"noise parameters must lie in [0, 1], got p={self.p}, gamma={self.gamma}")

    @property
    def active(self) -> bool:
        return self.p > 0 or self.gamma > 0

    def kraus(self) -> list[torch.Tensor]:
        """Kraus operators of depolarising then amplitude damping on one qubit (complex (2, 2) each)."""
        eye = torch.eye(2, dtype=torch.complex128)
        x = torch.tensor([[0, 1], [1, 0]], dtype=torch.complex128)
        y = torch.tensor([[0, -1j], [1j, 0]], dtype=torch.complex128)
        z = torch.tensor([[1, 0], [0, -1]], dtype=torch.complex128)
        dep = [math.sqrt(1 - 3 * self.p / 4) * eye] + [math.sqrt(self.p / 4) * m for m in (x, y, z)]
        g = self.gamma
        ad = [torch.tensor([[1, 0], [0, math.sqrt(1 - g)]], dtype=torch.complex128),
              torch.tensor([[0, math.sqrt(g)], [0, 0]], dtype=torch.complex128)]
        return [a @ d for a in ad for d in dep]


def apply_kraus_1q(rho: torch.Tensor, kraus: list[torch.Tensor], wire: int, n: int) -> torch.Tensor:
    """Σ_k K ρ K† on ``wire`` of a density-matrix batch (B, 2^n, 2^n)."""
    b, a, c = rho.shape[0], 2**wire, 2 ** (n - wire - 1)
    r = rho.reshape(b, a, 2, c, a, 2, c)
    out = torch.zeros_like(r)
    for k in kraus:
        t = torch.einsum("ij,bxjyulv->bxiyulv", k, r)
        out = out + torch.einsum("ml,bxiyulv->bxiyumv", k.conj(), t)
    return out.reshape(b, 2**n, 2**n)


class _Permute(torch.autograd.Function):
    """out[:, i] = x[:, perm[i]] with a gather (not a scatter) in the backward pass: grad[:, j] = g[:, inv[j]]."""

    @staticmethod
    def forward(ctx, x, perm, inv):
        ctx.save_for_backward(inv)
        return x[:, perm]

    @staticmethod
    def backward(ctx, g):
        (inv,) = ctx.saved_tensors
        return g[:, inv], None, None


def amplitude_encode(x: torch.Tensor, n: int, eps: float = 1e-12) -> torch.Tensor:
    """Real amplitude encoding: x (B, F ≤ 2^n) zero-padded and L2-normalised; an all-zero row maps to |0…0⟩."""
    if x.shape[1] > 2**n:
        raise ValueError(f"{x.shape[1]} features do not fit in {n} qubits (amplitude encoding holds 2^n)")
    v = torch.nn.functional.pad(x, (0, 2**n - x.shape[1]))
    norm = v.norm(dim=1, keepdim=True)
    basis0 = torch.zeros_like(v)
    basis0[:, 0] = 1
    return torch.where(norm > eps, v / norm.clamp_min(eps), basis0)


def pca_projection(X: np.ndarray, k: int) -> np.ndarray:
    """(F, k) top-k principal directions of standardised data, scaled to unit-variance outputs."""
    _, s, vt = np.linalg.svd(X - X.mean(0), full_matrices=False)
    std = s[:k] / np.sqrt(max(len(X) - 1, 1))
    std[std == 0] = 1.0
    return vt[:k].T / std


class QuantumClassifier(torch.nn.Module):
    """Binary VQC: ``forward(x (B, F)) -> logits (B,)``; ``forward_state(ψ (B, 2^n) real) -> logits``."""

    def __init__(self, n_features: int, n_qubits: int = 4, n_layers: int = 3, encoding: str = "amplitude",
                 proj: np.ndarray | None = None, noise: GateNoise | None = None, seed: int = 0) -> None:
        super().__init__()
        if encoding not in ("amplitude", "angle"):
            raise ValueError(f"encoding must be 'amplitude' or 'angle', got {encoding!r}")
        if encoding == "amplitude" and n_features > 2**n_qubits:
            raise ValueError(f"amplitude encoding of {n_features} features needs ≥ {math.ceil(math.log2(n_features))}"
                             f" qubits, got {n_qubits}")
        if encoding == "angle" and proj is None and n_features != n_qubits:
            raise ValueError("angle encoding needs n_features == n_qubits or a projection (see pca_projection)")
        self.n, self.encoding, self.n_features = n_qubits, encoding, n_features
        self.noise = noise if noise is not None and noise.active else None
        gen = torch.Generator().manual_seed(seed)
        self.weights = torch.nn.Parameter(0.3 * torch.randn(n_layers, n_qubits, 3, generator=gen, dtype=DTYPE))
        self.head = torch.nn.Linear(n_qubits, 1, dtype=DTYPE)
        with torch.no_grad():
            self.head.weight.copy_(0.5 * torch.randn(1, n_qubits, generator=gen, dtype=DTYPE))
            self.head.bias.zero_()
        self.register_buffer("proj", None if proj is None else torch.as_tensor(proj, dtype=DTYPE))
        self.register_buffer("perm", tb.ring_permutation(n_qubits))
        self.register_buffer("inv_perm", torch.argsort(self.perm))
        self.register_buffer("zs", tb.z_signs(n_qubits, DTYPE))

    # ----------------------------------------------------------------------------------------------- pieces
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Encoded states, real (B, 2^n)."""
        if self.encoding == "amplitude":
            return amplitude_encode(x, self.n)
        z = x @ self.proj if self.proj is not None else x
        return tb.product_state(math.pi * torch.sigmoid(z), real=True)

    def layer_gates(self) -> torch.Tensor:
        """Rot matrices of every layer and wire, (L, n, 2, 2), built in one vectorised call."""
        w = self.weights
        return tb.rot(w[..., 0], w[..., 1], w[..., 2])

    def layer_unitaries(self) -> list[torch.Tensor]:
        return [tb.layer_unitary(g, self.perm) for g in self.layer_gates()]

    def unitary(self) -> torch.Tensor:
        u = None
        for m in self.layer_unitaries():
            u = m if u is None else m @ u
        return u

    def evolve(self, state: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Noiseless evolved states: complex (B, 2^n), or an (Re, Im) pair for a real input on the fused path.

        n ≤ FUSE_MAX_QUBITS: one fused 2^n × 2^n unitary (one matrix product per batch). Larger n: per layer,
        the single-qubit layer factorises as A ⊗ B over the two halves of the register, applied to the state viewed
        as (B, 2^{n1}, 2^{n2}) by two plain matrix products (A Ψ Bᵀ), then the CNOT-ring permutation — far cheaper than
        building and applying the 2^n × 2^n product."""
        if self.n <= FUSE_MAX_QUBITS:
            return tb.apply_unitary(state, self.unitary())
        return self._apply_layers(state.to(torch.complex128), self.layer_gates())

    def _apply_layers(self, psi: torch.Tensor, layer_gates: torch.Tensor) -> torch.Tensor:
        """Split-register application of layers (L', n, 2, 2) to a complex batch (see :meth:`evolve`)."""
        n1 = self.n // 2
        d1, d2 = 2**n1, 2 ** (self.n - n1)
        for gates in layer_gates:
            a, b = tb.kron_gates(gates[:n1]), tb.kron_gates(gates[n1:])
            t = psi.reshape(-1, d1, d2).transpose(0, 1).reshape(d1, -1)  # (d1, B·d2): A on the first half
            t = (a @ t).reshape(d1, -1, d2).transpose(0, 1).reshape(-1, d2) @ b.T  # then B on the second
            psi = _Permute.apply(t.reshape(-1, d1 * d2), self.perm, self.inv_perm)
        return psi

    def _evolve_angle_product(self, x: torch.Tensor) -> torch.Tensor:
        """Angle encoding on > FUSE_MAX_QUBITS qubits: the first Rot layer acts on the product state qubit by
        qubit (2-vectors), the 2^n state is formed only before the first CNOT ring."""
        z = x @ self.proj if self.proj is not None else x
        half = 0.5 * math.pi * torch.sigmoid(z)
        q = torch.stack([torch.cos(half), torch.sin(half)], -1).to(torch.complex128)  # (B, n, 2)
        gates = self.layer_gates()
        q = torch.einsum("kij,bkj->bki", gates[0], q)
        psi = q[:, 0]
        for k in range(1, self.n):
            psi = (psi[:, :, None] * q[:, k, None, :]).reshape(x.shape[0], -1)
        psi = _Permute.apply(psi, self.perm, self.inv_perm)
        return self._apply_layers(psi, gates[1:])

    def expvals(self, state: torch.Tensor) -> torch.Tensor:
        """⟨Z_k⟩ (B, n) of the circuit applied to a (real or complex) state batch, noise included."""
        if self.noise is None:
            return tb.probabilities(self.evolve(state)) @ self.zs
        psi = state.to(torch.complex128)
        rho = psi[:, :, None] * psi.conj()[:, None, :]
        kraus = self.noise.kraus()
        for u in self.layer_unitaries():
            rho = u @ rho @ u.conj().T
            for w in range(self.n):
                rho = apply_kraus_1q(rho, kraus, w, self.n)
        return torch.diagonal(rho, dim1=1, dim2=2).real @ self.zs

    def forward_state(self, state: torch.Tensor) -> torch.Tensor:
        return self.head(self.expvals(state))[:, 0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.encoding == "angle" and self.noise is None and self.n > FUSE_MAX_QUBITS:
            return self.head(tb.probabilities(self._evolve_angle_product(x)) @ self.zs)[:, 0]
        return self.forward_state(self.encode(x))

    def gate_list(self) -> list[tuple[str, tuple[int, ...], str]]:
        """The compiled gate sequence as (name, wires, role) with role in {encoding, variational, entangler}."""
        ops: list[tuple[str, tuple[int, ...], str]] = [
            ("AmplitudeEmbedding" if self.encoding == "amplitude" else "RY(x)", tuple(range(self.n)), "encoding")]
        for _ in range(self.weights.shape[0]):
            ops += [("Rot", (w,), "variational") for w in range(self.n)]
            ops += [("CNOT", (w, (w + 1) % self.n), "entangler") for w in range(self.n)]
        return ops


def build_classifier(Xtr: np.ndarray, encoding: str = "amplitude", n_qubits: int = 4, n_layers: int = 3,
                     noise: GateNoise | None = None, seed: int = 0) -> QuantumClassifier:
    """A classifier sized for standardised training features ``Xtr`` (PCA projection fitted for angle encoding)."""
    proj = pca_projection(Xtr, n_qubits) if encoding == "angle" and Xtr.shape[1] != n_qubits else None
    return QuantumClassifier(Xtr.shape[1], n_qubits, n_layers, encoding, proj, noise, seed)
