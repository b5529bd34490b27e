"""Quantum-kernel SVM (fidelity kernel) and kernel poisoning.

K(x, x') = |⟨ψ(x)|ψ(x')⟩|² with ψ the amplitude encoding of :mod:`qsec6g.qml.circuits` (for real amplitudes
K = cos² of the angle between the zero-padded feature vectors) or the angle encoding (product of
cos²((θ_k − θ'_k)/2)). States come from :mod:`qsec6g.quantum.torch_backend`; the SVM is
``sklearn.svm.SVC(kernel="precomputed")``. Poisoning: flip the labels of the training rows the clean SVM is least
sure about (smallest |decision|; a margin-targeted flip) or of random rows, with the same budget.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from qsec6g.qml.circuits import DTYPE, amplitude_encode
from qsec6g.quantum import torch_backend as tb


def encode_states(X: np.ndarray, encoding: str = "amplitude", n_qubits: int = 4) -> np.ndarray:
    x = torch.as_tensor(X, dtype=DTYPE)
    if encoding == "amplitude":
        return amplitude_encode(x, n_qubits).numpy()
    if encoding == "angle":
        return tb.product_state(math.pi * torch.sigmoid(x), real=True).numpy()
    raise ValueError(f"encoding must be 'amplitude' or 'angle', got {encoding!r}")


def fidelity_kernel(A: np.ndarray, B: np.ndarray, encoding: str = "amplitude") -> np.ndarray:
    """Gram matrix (len(A), len(B)) of state fidelities."""
    n = max(1, math.ceil(math.log2(max(A.shape[1], 2)))) if encoding == "amplitude" else A.shape[1]
    sa, sb = encode_states(A, encoding, n), encode_states(B, encoding, n)
    return np.abs(sa @ sb.conj().T) ** 2


class QuantumKernelSVM:
    """``fit(X, y)`` / ``predict(X)`` / ``decision_function(X)`` with the fidelity kernel."""

    def __init__(self, C: float = 1.0, encoding: str = "amplitude") -> None:
        self.C, self.encoding = C, encoding

    def fit(self, X: np.ndarray, y: np.ndarray) -> QuantumKernelSVM:
        from sklearn.svm import SVC

        self.Xtr_ = np.asarray(X, float)
        self.svc_ = SVC(C=self.C, kernel="precomputed").fit(fidelity_kernel(self.Xtr_, self.Xtr_, self.encoding), y)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self.svc_.decision_function(fidelity_kernel(np.asarray(X, float), self.Xtr_, self.encoding))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.svc_.predict(fidelity_kernel(np.asarray(X, float), self.Xtr_, self.encoding))


def poison_labels(clean_model, X: np.ndarray, y: np.ndarray, budget: float, targeted: bool,
                  rng: np.random.Generator) -> np.ndarray:
    """Labels with a ``budget`` share flipped: margin-targeted (smallest |decision| of ``clean_model``) or random."""
    k = int(budget * len(y))
    idx = np.argsort(np.abs(clean_model.decision_function(X)))[:k] if targeted else rng.choice(len(y), k, False)
    out = y.copy()
    out[idx] = 1 - out[idx]
    return out
