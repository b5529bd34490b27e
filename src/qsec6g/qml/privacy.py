"""Privacy attacks from model outputs: loss-threshold membership inference (Yeom et al. 2018) and model inversion
by gradient ascent on the input.

Membership: score = −BCE(model(x), y); members are training rows, non-members held-out rows (equal numbers);
the attack's quality is the ROC-AUC of the score (0.5 = no leakage). Inversion: start near the training mean (0 in
standardised units) and ascend the positive-class logit under an ℓ2 penalty; report the cosine similarity of the
result with the true positive-class mean (how much of the class prototype leaks).
"""

from __future__ import annotations

import numpy as np
import torch

from qsec6g.qml.circuits import DTYPE


def membership_auc(model: torch.nn.Module, Xin: np.ndarray, yin: np.ndarray, Xout: np.ndarray, yout: np.ndarray
                   ) -> float:
    from sklearn.metrics import roc_auc_score

    k = min(len(yin), len(yout))
    with torch.no_grad():
        def score(X, y):
            z = model(torch.as_tensor(X[:k], dtype=DTYPE))
            return -torch.nn.functional.binary_cross_entropy_with_logits(
                z, torch.as_tensor(y[:k], dtype=DTYPE), reduction="none").numpy()
        s = np.concatenate([score(Xin, yin), score(Xout, yout)])
    return float(roc_auc_score(np.r_[np.ones(k), np.zeros(k)], s))


def invert(model: torch.nn.Module, n_features: int, steps: int = 200, lr: float = 0.05, l2: float = 0.1,
           seed: int = 0) -> np.ndarray:
    """An input (F,) that maximises the positive-class logit minus l2·‖x‖², from a small seeded random start
    (x = 0 is a fixed point of amplitude encoding)."""
    gen = torch.Generator().manual_seed(seed)
    x = (0.01 * torch.randn(1, n_features, generator=gen, dtype=DTYPE)).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=lr)
    for _ in range(steps):
        loss = -model(x)[0] + l2 * (x * x).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return x.detach().numpy()[0]


def inversion_similarity(model: torch.nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Cosine similarity between the inverted input and the positive-class mean minus the overall mean."""
    proto = X[y == 1].mean(0) - X.mean(0)
    inv = invert(model, X.shape[1])
    return float(inv @ proto / (np.linalg.norm(inv) * np.linalg.norm(proto) + 1e-12))
