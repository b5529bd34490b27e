"""Classical DNN and hybrid ``Output = f_classical(f_quantum(x; θ_q); θ_c)`` in PyTorch.

``f_quantum`` is a small batched statevector circuit on ``n`` qubits (``n`` = number of input features):
angle encoding ``RY(2 arctan x_i)`` on qubit ``i``, then ``layers`` × [``RY(θ)``, ``RZ(θ)`` on every qubit, CNOT
ring ``0→1→…→n-1→0``], read out as ``⟨Z_i⟩`` for every qubit. Qubit 0 is the most significant bit of a basis
index. Gradients flow by backpropagation through the simulator (``diff_method="backprop"``) or by the exact
two-term parameter-shift rule (``"parameter-shift"``, ``∂⟨Z⟩/∂θ = [⟨Z⟩(θ+π/2) - ⟨Z⟩(θ-π/2)]/2``).

This simulator is private to ``rrm``; it is meant to be replaced by the shared torch kernel later.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from qsec6g.errors import UserInputError


class Circuit:
    """The fixed circuit structure; :meth:`expvals` runs it for a batch of inputs and one parameter vector."""

    def __init__(self, n_qubits: int, layers: int) -> None:
        if not 1 <= n_qubits <= 12:
            raise UserInputError(f"the quantum layer takes 1..12 features (qubits), got {n_qubits}")
        self.n, self.layers = n_qubits, layers
        idx = np.arange(1 << n_qubits)
        bits = (idx[:, None] >> np.arange(n_qubits - 1, -1, -1)) & 1
        self.z = torch.tensor(1.0 - 2.0 * bits, dtype=torch.float64)  # (2^n, n) eigenvalues of Z_i
        perm = idx.copy()
        if n_qubits > 1:
            for c in range(n_qubits):  # compose CNOT(c, c+1 mod n) in order, as gathers on the index
                t = (c + 1) % n_qubits
                cbit, tbit = 1 << (n_qubits - 1 - c), 1 << (n_qubits - 1 - t)
                perm = perm[np.where(idx & cbit, idx ^ tbit, idx)]
        self.ring = torch.tensor(perm)

    @property
    def n_params(self) -> int:
        return 2 * self.n * self.layers

    def _layer_unitary(self, theta_y: torch.Tensor, theta_z: torch.Tensor) -> torch.Tensor:
        """``⊗_q RZ(θ_z,q) RY(θ_y,q)`` as one ``2^n × 2^n`` matrix (qubit 0 leftmost in the Kronecker product)."""
        c, s = torch.cos(theta_y / 2), torch.sin(theta_y / 2)
        ry = torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2).to(torch.complex128)
        phase = torch.exp(-0.5j * theta_z.to(torch.complex128))
        gates = torch.stack([phase, phase.conj()], -1)[:, :, None] * ry  # RZ @ RY, shape (n, 2, 2)
        u = gates[0]
        for q in range(1, self.n):
            u = torch.kron(u, gates[q])
        return u

    def expvals(self, angles: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        """``⟨Z_i⟩`` ``(batch, n)`` for encoding angles ``(batch, n)`` and parameters ``(n_params,)``."""
        half = angles.to(torch.float64) / 2
        amps = torch.stack([torch.cos(half), torch.sin(half)], dim=2).to(torch.complex128)  # (batch, n, 2)
        state = amps[:, 0]
        for q in range(1, self.n):
            state = (state[:, :, None] * amps[:, q, None, :]).reshape(angles.shape[0], -1)
        th = theta.to(torch.float64).reshape(self.layers, 2, self.n)
        for layer in range(self.layers):
            state = (state @ self._layer_unitary(th[layer, 0], th[layer, 1]).T)[:, self.ring]
        probs = state.real**2 + state.imag**2
        return (probs @ self.z).to(torch.float32)


class _ParameterShift(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, angles: torch.Tensor, theta: torch.Tensor, circuit: Circuit) -> torch.Tensor:
        ctx.save_for_backward(angles, theta)
        ctx.circuit = circuit
        with torch.no_grad():
            return circuit.expvals(angles, theta)

    @staticmethod
    def backward(ctx: Any, grad_out: torch.Tensor) -> tuple[None, torch.Tensor, None]:
        angles, theta = ctx.saved_tensors
        grads = torch.empty_like(theta)
        with torch.no_grad():
            for k in range(theta.numel()):
                shift = torch.zeros_like(theta)
                shift[k] = math.pi / 2
                diff = ctx.circuit.expvals(angles, theta + shift) - ctx.circuit.expvals(angles, theta - shift)
                grads[k] = (grad_out * diff / 2).sum()
        return None, grads, None


class QuantumLayer(nn.Module):
    """``f_quantum(x; θ_q)``: features ``(batch, n)`` → ``⟨Z_i⟩`` ``(batch, n)``."""

    def __init__(self, n_qubits: int, layers: int, diff_method: str = "backprop", seed: int = 0) -> None:
        super().__init__()
        if diff_method not in ("backprop", "parameter-shift"):
            raise UserInputError(f"unknown diff_method '{diff_method}' (use 'backprop' or 'parameter-shift')")
        self.circuit = Circuit(n_qubits, layers)
        self.diff_method = diff_method
        g = torch.Generator().manual_seed(seed)
        self.theta = nn.Parameter(0.1 * torch.randn(self.circuit.n_params, generator=g))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        angles = 2 * torch.atan(x)
        if self.diff_method == "backprop":
            return self.circuit.expvals(angles, self.theta)
        return _ParameterShift.apply(angles, self.theta, self.circuit)


def hybrid_net(n_features: int, layers: int, hidden: int, diff_method: str, seed: int) -> nn.Module:
    """``f_classical(f_quantum(x))`` with ``f_classical`` = Linear(n, hidden) → ReLU → Linear(hidden, 2)."""
    torch.manual_seed(seed)
    return nn.Sequential(QuantumLayer(n_features, layers, diff_method, seed), nn.Linear(n_features, hidden),
                         nn.ReLU(), nn.Linear(hidden, 2))


def dnn(n_features: int, hidden: int, seed: int) -> nn.Module:
    """Linear(d, hidden) → ReLU → Linear(hidden, hidden) → ReLU → Linear(hidden, 2)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, 2))


@dataclass
class TrainResult:
    """Per-epoch training loss and test accuracy, wall times (s) and test predictions."""

    loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    train_seconds: float = 0.0
    inference_seconds: float = 0.0
    predictions: np.ndarray | None = None


def train(model: nn.Module, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
          epochs: int, batch_size: int, lr: float, rng: np.random.Generator) -> TrainResult:
    """Adam on cross-entropy, mini-batches shuffled by ``rng``. Training time excludes the per-epoch test pass."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.tensor(x_train, dtype=torch.float32), torch.tensor(y_train, dtype=torch.long)
    xe = torch.tensor(x_test, dtype=torch.float32)
    out = TrainResult()
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        order = rng.permutation(len(xt))
        total = 0.0
        for i in range(0, len(order), batch_size):
            b = torch.as_tensor(order[i:i + batch_size])
            opt.zero_grad()
            loss = loss_fn(model(xt[b]), yt[b])
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        out.train_seconds += time.perf_counter() - start
        out.loss.append(total / len(order))
        out.test_accuracy.append(float((predict(model, xe) == y_test).mean()))
    start = time.perf_counter()
    out.predictions = predict(model, xe)
    out.inference_seconds = time.perf_counter() - start
    return out


def predict(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=1).numpy()


def bootstrap_ci(correct: np.ndarray, rng: np.random.Generator, resamples: int = 1000,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean of a 0/1 vector."""
    idx = rng.integers(0, len(correct), size=(resamples, len(correct)))
    means = correct[idx].mean(axis=1)
    return float(np.quantile(means, (1 - level) / 2)), float(np.quantile(means, (1 + level) / 2))
