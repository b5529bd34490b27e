"""Defences: adversarial training, defensive distillation, gradient masking (input quantisation, input
randomisation) with the adaptive attacks that see through them (BPDA, EOT), and training-data sanitisation.

Masking defences are wrappers around a trained model. ``Quantised.forward`` rounds inputs to a grid (zero gradient
almost everywhere: plain gradient attacks stall); :meth:`Quantised.bpda` is the same model with a straight-through
backward pass (the BPDA attacker's view). ``Randomised`` adds Gaussian noise to the input at every call; EOT attacks
average gradients over many calls (``eot`` in :mod:`qsec6g.qml.attacks`).
"""

from __future__ import annotations

import numpy as np
import torch

from qsec6g.qml.attacks import fgsm, pgd
from qsec6g.qml.models import train


def adversarial_training(model: torch.nn.Module, X: np.ndarray, y: np.ndarray, eps: float, method: str = "pgd",
                         steps: int = 7, norm: str = "linf", **train_kw) -> list[float]:
    """Train ``model`` in place with FGSM or PGD examples (radius ``eps``) mixed into every batch."""
    if method == "fgsm":
        adv = lambda m, xb, yb: fgsm(m, xb, yb, eps, norm)
    elif method == "pgd":
        adv = lambda m, xb, yb: pgd(m, xb, yb, eps, steps, norm)
    else:
        raise ValueError(f"method must be 'fgsm' or 'pgd', got {method!r}")
    return train(model, X, y, adversary=adv, **train_kw)


def distill(teacher: torch.nn.Module, student: torch.nn.Module, X: np.ndarray, y: np.ndarray,
            temperature: float = 20.0, **train_kw) -> torch.nn.Module:
    """Defensive distillation: (re)train ``teacher`` at temperature T, then ``student`` on its soft labels at T.

    Both are deployed at T = 1, i.e. with logits T times larger — saturated sigmoids and tiny input gradients."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    train(teacher, X, y, temperature=temperature, **train_kw)
    with torch.no_grad():
        soft = torch.sigmoid(teacher(torch.as_tensor(X, dtype=torch.float64)) / temperature).numpy()
    train(student, X, y, soft_targets=soft, temperature=temperature, **train_kw)
    return student


class _RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, step):
        return torch.round(x / step) * step

    @staticmethod
    def backward(ctx, g):
        return g, None


class Quantised(torch.nn.Module):
    """Input quantisation to a grid of ``step`` (standardised units) — a gradient-masking defence."""

    def __init__(self, model: torch.nn.Module, step: float = 0.5, straight_through: bool = False) -> None:
        super().__init__()
        self.model, self.step, self.straight_through = model, step, straight_through

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xq = _RoundSTE.apply(x, self.step) if self.straight_through else torch.round(x / self.step) * self.step
        return self.model(xq)

    def bpda(self) -> Quantised:
        """The BPDA attacker's surrogate: identical forward pass, identity backward through the rounding."""
        return Quantised(self.model, self.step, straight_through=True)


class Randomised(torch.nn.Module):
    """Gaussian input noise of std ``sigma`` at every call (randomisation defence); draws from ``gen``."""

    def __init__(self, model: torch.nn.Module, sigma: float = 0.3, seed: int = 0) -> None:
        super().__init__()
        self.model, self.sigma = model, sigma
        self.gen = torch.Generator().manual_seed(seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x + self.sigma * torch.randn(x.shape, generator=self.gen, dtype=x.dtype))


def sanitise(X: np.ndarray, y: np.ndarray, outlier_z: float = 6.0, spectral_fraction: float = 0.15
             ) -> np.ndarray:
    """Boolean mask of training rows to keep.

    1. outlier filter: drop rows whose max |feature| exceeds ``outlier_z`` robust z-scores (median / MAD · 1.4826);
    2. spectral signatures (Tran et al. 2018): per class, project the centred rows on the top singular vector and
       drop the ``spectral_fraction`` with the largest squared projection.
    """
    med = np.median(X, 0)
    mad = 1.4826 * np.median(np.abs(X - med), 0)
    mad[mad == 0] = X.std(0)[mad == 0] + 1e-12
    keep = np.abs((X - med) / mad).max(1) <= outlier_z
    for c in np.unique(y):
        idx = np.flatnonzero((y == c) & keep)
        if len(idx) < 3:
            continue
        r = X[idx] - X[idx].mean(0)
        v = np.linalg.svd(r, full_matrices=False)[2][0]
        score = (r @ v) ** 2
        n_drop = int(spectral_fraction * len(idx))
        if n_drop:
            keep[idx[np.argsort(score)[-n_drop:]]] = False
    return keep
