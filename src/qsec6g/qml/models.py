"""Classical counterparts of the VQC (same standardised inputs, one logit out) and the shared training loop.

Every model is a ``torch.nn.Module`` mapping x (B, F) float64 → logits (B,), so the same attacks and defences
apply to quantum and classical models alike. The RBF-SVM is fitted by scikit-learn and wrapped as a differentiable
decision function Σ_i α_i y_i exp(−γ‖x − s_i‖²) + b (exact gradients for white-box attacks).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from qsec6g.qml.circuits import DTYPE, GateNoise, build_classifier

Attack = Callable[[torch.nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]
MODEL_KINDS = ("vqc", "vqc_angle", "logreg", "mlp", "rbf_svm")


class LogisticRegression(torch.nn.Module):
    def __init__(self, n_features: int, seed: int = 0) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.lin = torch.nn.Linear(n_features, 1, dtype=DTYPE)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x)[:, 0]


class MLP(torch.nn.Module):
    def __init__(self, n_features: int, hidden: int = 32, seed: int = 0) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.net = torch.nn.Sequential(torch.nn.Linear(n_features, hidden, dtype=DTYPE), torch.nn.Tanh(),
                                       torch.nn.Linear(hidden, hidden, dtype=DTYPE), torch.nn.Tanh(),
                                       torch.nn.Linear(hidden, 1, dtype=DTYPE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)[:, 0]


class RBFSVM(torch.nn.Module):
    """Differentiable view of a fitted ``sklearn.svm.SVC(kernel='rbf')`` (decision function as logit)."""

    def __init__(self, svc) -> None:
        super().__init__()
        self.register_buffer("sv", torch.as_tensor(svc.support_vectors_, dtype=DTYPE))
        self.register_buffer("coef", torch.as_tensor(svc.dual_coef_[0], dtype=DTYPE))
        self.b = float(svc.intercept_[0])
        self.gamma = float(svc._gamma)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d2 = (x * x).sum(1, keepdim=True) - 2 * x @ self.sv.T + (self.sv * self.sv).sum(1)[None, :]
        return torch.exp(-self.gamma * d2.clamp_min(0)) @ self.coef + self.b


def fit_rbf_svm(X: np.ndarray, y: np.ndarray, C: float = 1.0, max_train: int = 3000, seed: int = 0) -> RBFSVM:
    from sklearn.svm import SVC

    idx = np.random.default_rng(seed).permutation(len(y))[:max_train]
    return RBFSVM(SVC(C=C, kernel="rbf", gamma="scale").fit(X[idx], y[idx]))


def build_model(kind: str, Xtr: np.ndarray, n_layers: int = 3, noise: GateNoise | None = None,
                seed: int = 0) -> torch.nn.Module:
    """An untrained model of ``kind`` (see :data:`MODEL_KINDS`; ``rbf_svm`` is fitted separately)."""
    f = Xtr.shape[1]
    if kind == "vqc":
        return build_classifier(Xtr, "amplitude", 4, n_layers, noise, seed)
    if kind == "vqc_angle":
        return build_classifier(Xtr, "angle", 4, n_layers, noise, seed)
    if kind == "logreg":
        return LogisticRegression(f, seed)
    if kind == "mlp":
        return MLP(f, seed=seed)
    raise ValueError(f"unknown model kind {kind!r}; choose from {MODEL_KINDS}")


def train(model: torch.nn.Module, X: np.ndarray, y: np.ndarray, epochs: int = 20, lr: float = 0.05,
          batch_size: int = 128, seed: int = 0, adversary: Attack | None = None, adv_fraction: float = 0.5,
          soft_targets: np.ndarray | None = None, temperature: float = 1.0) -> list[float]:
    """Adam on BCE-with-logits; returns the per-epoch mean loss.

    ``adversary(model, xb, yb)`` → adversarial inputs: the first ``adv_fraction`` of each batch is replaced by them
    (adversarial training). ``soft_targets`` (probabilities) with ``temperature`` T train on sigmoid(logit / T)
    (defensive distillation).
    """
    gen = torch.Generator().manual_seed(seed)
    Xt = torch.as_tensor(X, dtype=DTYPE)
    yt = torch.as_tensor(soft_targets if soft_targets is not None else y, dtype=DTYPE)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    curve = []
    for _ in range(epochs):
        order = torch.randperm(len(yt), generator=gen)
        total = 0.0
        for start in range(0, len(yt), batch_size):
            b = order[start:start + batch_size]
            xb, yb = Xt[b], yt[b]
            if adversary is not None:
                k = int(round(adv_fraction * len(b)))
                if k:
                    model.eval()
                    xb = torch.cat([adversary(model, xb[:k], yb[:k]).detach(), xb[k:]])
                    model.train()
            loss = loss_fn(model(xb) / temperature, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(b)
        curve.append(total / len(yt))
    model.eval()
    return curve


def predict(model: torch.nn.Module, X: np.ndarray | torch.Tensor) -> np.ndarray:
    """Hard labels (logit > 0)."""
    with torch.no_grad():
        return (model(torch.as_tensor(X, dtype=DTYPE)) > 0).long().numpy()


def accuracy(model: torch.nn.Module, X: np.ndarray | torch.Tensor, y: np.ndarray) -> float:
    return float((predict(model, X) == np.asarray(y)).mean())
