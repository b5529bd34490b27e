"""Qubit variational quantum classifier (VQC) on the batched PyTorch statevector simulator.

Circuit (qubit 0 = most significant bit)::

    encode:  angle — RY(θ_k) on qubit k with θ_k = π·sigmoid(z_k)  (z: standardised feature, or its top-n PCA
             component when there are more features than qubits);
             amplitude — z zero-padded to 2^n (n = ⌈log₂ F⌉) and L2-normalised
    L times: Rot(φ, θ, ω) on every qubit, then a CNOT ring (0→1, 1→2, …, n−1→0)
    readout: ⟨Z_k⟩ for every qubit → linear head → class logits (1 logit for binary, C for C classes)

All samples of a batch go through the circuit at once. For n ≤ 10 qubits the L layers are fused into one
(2^n, 2^n) unitary per step, so a batch costs one matrix product (``QubitCircuit.forward``).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from qsec6g.quantum import torch_backend as tb
from qsec6g.zerotrust.torch_estimator import TorchClassifier

FUSE_MAX_QUBITS = 10


class QubitCircuit(torch.nn.Module):
    """L layers of Rot + CNOT ring on n qubits; ``forward(state (B, 2^n)) -> ⟨Z_k⟩ (B, n)``."""

    def __init__(self, n_qubits: int, n_layers: int, weights: torch.Tensor | None = None) -> None:
        super().__init__()
        self.n = n_qubits
        init = weights if weights is not None else 0.1 * torch.randn(n_layers, n_qubits, 3)
        self.weights = torch.nn.Parameter(init)
        self.register_buffer("perm", tb.ring_permutation(n_qubits))
        self.register_buffer("zs", tb.z_signs(n_qubits, init.dtype))

    def gates(self, layer: int) -> torch.Tensor:
        w = self.weights[layer]
        return tb.rot(w[:, 0], w[:, 1], w[:, 2])

    def unitary(self) -> torch.Tensor:
        """The whole circuit as a (2^n, 2^n) matrix (column-vector convention)."""
        u = None
        for layer in range(self.weights.shape[0]):
            m = tb.layer_unitary(self.gates(layer), self.perm)
            u = m if u is None else m @ u
        return u

    def evolve(self, state: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """The evolved batch: complex, or an (Re, Im) pair when ``state`` is real (see ``apply_unitary``)."""
        if self.n <= FUSE_MAX_QUBITS:
            return tb.apply_unitary(state, self.unitary())
        if not state.is_complex():
            state = state.to(torch.complex128 if state.dtype == torch.float64 else torch.complex64)
        for layer in range(self.weights.shape[0]):
            state = tb.apply_permutation(tb.apply_layer(state, self.gates(layer), self.n), self.perm)
        return state

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        return tb.probabilities(self.evolve(state)) @ self.zs


class VQCModule(torch.nn.Module):
    """Encoding → :class:`QubitCircuit` → linear head."""

    def __init__(self, n_qubits: int, n_layers: int, n_out: int, encoding: str, proj: np.ndarray | None) -> None:
        super().__init__()
        self.encoding = encoding
        self.n = n_qubits
        self.register_buffer("proj", None if proj is None else torch.as_tensor(proj, dtype=torch.float32))
        self.circuit = QubitCircuit(n_qubits, n_layers)
        self.head = torch.nn.Linear(n_qubits, n_out)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        if self.proj is not None:
            x = x @ self.proj
        if self.encoding == "angle":
            return tb.product_state(math.pi * torch.sigmoid(x), real=True)
        return tb.amplitude_state(x, self.n)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.circuit(self.encode(x)))


def pca_projection(Xs: np.ndarray, k: int) -> np.ndarray:
    """(F, k) matrix of the top-k principal directions of standardised data, columns scaled to unit output std."""
    _, s, vt = np.linalg.svd(Xs - Xs.mean(axis=0), full_matrices=False)
    std = s[:k] / np.sqrt(max(len(Xs) - 1, 1))
    std[std == 0] = 1.0
    return (vt[:k].T / std).astype(np.float32)


class VQCClassifier(TorchClassifier):
    """scikit-learn VQC detector. ``n_qubits=None``: min(F, 8) for angle encoding, ⌈log₂ F⌉ for amplitude."""

    def __init__(
        self, n_qubits: int | None = None, n_layers: int = 3, encoding: str = "angle", epochs: int = 30,
        batch_size: int = 256, lr: float = 0.05, seed: int = 0,
    ) -> None:
        super().__init__(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
        self.n_qubits = n_qubits
        self.n_layers = n_layers
        self.encoding = encoding

    def _build_module(self, Xs: np.ndarray, n_out: int) -> VQCModule:
        f = Xs.shape[1]
        if self.encoding == "angle":
            n = self.n_qubits or min(f, 8)
            proj = pca_projection(Xs, n) if f > n else None
            n = min(n, f)
        elif self.encoding == "amplitude":
            n = max(1, math.ceil(math.log2(max(f, 2))))
            if self.n_qubits is not None and self.n_qubits < n:
                raise ValueError(f"amplitude encoding of {f} features needs {n} qubits, got n_qubits={self.n_qubits}")
            n = self.n_qubits or n
            proj = None
        else:
            raise ValueError(f"encoding must be 'angle' or 'amplitude', got {self.encoding!r}")
        return VQCModule(n, self.n_layers, n_out, self.encoding, proj)
