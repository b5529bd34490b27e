"""Hybrid detector: classical encoder → qubit circuit → classical head.

    z (standardised features, F) → Linear(F, n) → angles θ = π·sigmoid(·) → RY product state →
    :class:`~qsec6g.zerotrust.vqc.QubitCircuit` (L layers, CNOT ring) → ⟨Z_k⟩ (n) → MLP head (n → h → classes)

Unlike :class:`~qsec6g.zerotrust.vqc.VQCClassifier` (fixed PCA projection), the encoder is trained jointly with
the circuit, so the circuit sees the n directions that are most useful for the task.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from qsec6g.quantum import torch_backend as tb
from qsec6g.zerotrust.torch_estimator import TorchClassifier
from qsec6g.zerotrust.vqc import QubitCircuit


class HybridModule(torch.nn.Module):
    def __init__(self, n_features: int, n_qubits: int, n_layers: int, hidden: int, n_out: int) -> None:
        super().__init__()
        self.encoder = torch.nn.Linear(n_features, n_qubits)
        self.circuit = QubitCircuit(n_qubits, n_layers)
        self.head = torch.nn.Sequential(torch.nn.Linear(n_qubits, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        state = tb.product_state(math.pi * torch.sigmoid(self.encoder(x)), real=True)
        return self.head(self.circuit(state))


class HybridClassifier(TorchClassifier):
    """scikit-learn hybrid detector (trainable encoder, n-qubit circuit, small MLP head)."""

    def __init__(
        self, n_qubits: int = 6, n_layers: int = 2, hidden: int = 16, epochs: int = 30, batch_size: int = 256,
        lr: float = 0.02, seed: int = 0,
    ) -> None:
        super().__init__(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
        self.n_qubits = n_qubits
        self.n_layers = n_layers
        self.hidden = hidden

    def _build_module(self, Xs: np.ndarray, n_out: int) -> HybridModule:
        return HybridModule(Xs.shape[1], self.n_qubits, self.n_layers, self.hidden, n_out)
