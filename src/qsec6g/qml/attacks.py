"""Evasion attacks on any model mapping x (B, F) → logits (B,): FGSM, PGD (ℓ∞ / ℓ2), encoded-state PGD, and the
adaptive variants (BPDA, EOT) used against gradient-masking defences.

Conventions: features are standardised (ε is in units of one training standard deviation per feature); the loss
is binary cross-entropy with logits, summed over the batch (so each sample's gradient is its own); attacks are
untargeted and white-box; every sample is attacked at once (batched autograd, no per-sample loop).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch

from qsec6g.qml.circuits import DTYPE

NORMS = ("linf", "l2")


def _check(eps: float, norm: str) -> None:
    if eps < 0:
        raise ValueError(f"eps must be ≥ 0, got {eps}")
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")


def input_gradient(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, eot: int = 1) -> torch.Tensor:
    """∂ BCE / ∂x for each sample (B, F); ``eot`` > 1 averages over that many forward passes (EOT for random
    defences)."""
    x = x.detach().clone().requires_grad_(True)
    yf = y.to(DTYPE)
    loss = sum(torch.nn.functional.binary_cross_entropy_with_logits(model(x), yf, reduction="sum")
               for _ in range(eot)) / eot
    (g,) = torch.autograd.grad(loss, x)
    return g


def _step(g: torch.Tensor, size: float, norm: str) -> torch.Tensor:
    if norm == "linf":
        return size * g.sign()
    n = g.norm(dim=1, keepdim=True)
    return size * g / torch.where(n > 0, n, torch.ones_like(n))


def _project(delta: torch.Tensor, eps: float, norm: str) -> torch.Tensor:
    if norm == "linf":
        return delta.clamp(-eps, eps)
    n = delta.norm(dim=1, keepdim=True)
    return delta * torch.clamp(eps / torch.where(n > 0, n, torch.ones_like(n)), max=1.0)


def fgsm(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, norm: str = "linf",
         eot: int = 1) -> torch.Tensor:
    """One gradient-sign (ℓ∞) or normalised-gradient (ℓ2) step of size ``eps``; ε = 0 returns ``x`` unchanged."""
    _check(eps, norm)
    if eps == 0:
        return x.detach().clone()
    return (x + _step(input_gradient(model, x, y, eot), eps, norm)).detach()


def pgd(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int = 20,
        norm: str = "linf", step_size: float | None = None, random_start: bool = False,
        gen: torch.Generator | None = None, eot: int = 1) -> torch.Tensor:
    """Projected gradient ascent on the loss inside the ε-ball (step 2.5 ε / steps by default)."""
    _check(eps, norm)
    if steps < 1:
        raise ValueError(f"steps must be ≥ 1, got {steps}")
    if eps == 0:
        return x.detach().clone()
    alpha = step_size if step_size is not None else 2.5 * eps / steps
    delta = torch.zeros_like(x)
    if random_start:
        delta = _project((2 * torch.rand(x.shape, generator=gen, dtype=x.dtype) - 1) * eps, eps, norm)
    for _ in range(steps):
        g = input_gradient(model, x + delta, y, eot)
        delta = _project(delta + _step(g, alpha, norm), eps, norm)
    return (x + delta).detach()


def pgd_state(model, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int = 20) -> torch.Tensor:
    """PGD on the *encoded state*: ψ' = normalise(ψ + δ), ‖δ‖₂ ≤ ε (real amplitudes), returns ψ' (B, 2^n).

    Models the adversary who tampers with the state after encoding (e.g. in transit); 1 − |⟨ψ|ψ'⟩|² is the
    infidelity it costs. ``model`` must expose ``encode`` and ``forward_state`` (the quantum classifiers)."""
    _check(eps, "l2")
    psi = model.encode(x).detach()
    alpha = 2.5 * eps / steps
    delta = torch.zeros_like(psi)
    yf = y.to(DTYPE)
    for _ in range(steps if eps > 0 else 0):
        d = delta.clone().requires_grad_(True)
        s = psi + d
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            model.forward_state(s / s.norm(dim=1, keepdim=True)), yf, reduction="sum")
        (g,) = torch.autograd.grad(loss, d)
        delta = _project(delta + _step(g, alpha, "l2"), eps, "l2")
    s = psi + delta
    return (s / s.norm(dim=1, keepdim=True)).detach()


AttackFn = Callable[[torch.nn.Module, torch.Tensor, torch.Tensor, float], torch.Tensor]


def make_attack(name: str, steps: int = 20, eot: int = 1) -> AttackFn:
    """``name`` in {fgsm_linf, fgsm_l2, pgd_linf, pgd_l2} → attack(model, x, y, eps)."""
    kind, _, norm = name.partition("_")
    if kind not in ("fgsm", "pgd") or norm not in NORMS:
        raise ValueError(f"unknown attack {name!r}; use fgsm_linf, fgsm_l2, pgd_linf or pgd_l2")
    if kind == "fgsm":
        return lambda m, x, y, e: fgsm(m, x, y, e, norm, eot=eot)
    return lambda m, x, y, e: pgd(m, x, y, e, steps, norm, eot=eot)


def bootstrap_ci(values: np.ndarray, n_boot: int, rng: np.random.Generator, level: float = 0.95
                 ) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean of ``values`` (resampling rows)."""
    if n_boot <= 0 or len(values) == 0:
        return float("nan"), float("nan")
    means = values[rng.integers(0, len(values), (n_boot, len(values)))].mean(1)
    a = (1 - level) / 2
    return float(np.quantile(means, a)), float(np.quantile(means, 1 - a))


def robustness_curve(model: torch.nn.Module, X: np.ndarray, y: np.ndarray, eps_grid: list[float],
                     attack: AttackFn, predict_model: torch.nn.Module | None = None, n_boot: int = 0,
                     rng: np.random.Generator | None = None) -> list[dict]:
    """Robust accuracy and attack success rate for each ε (success = a correctly classified sample flipped).

    ``predict_model`` (default ``model``) is what is evaluated; ``model`` is what the attacker differentiates —
    they differ for adaptive attacks (BPDA surrogate) on masked defences. ``n_boot`` > 0 adds a 95 % bootstrap
    CI of the robust accuracy (``ci_low``, ``ci_high``) drawn with ``rng``."""
    rng = rng if rng is not None else np.random.default_rng(0)
    target = predict_model if predict_model is not None else model
    xt, yt = torch.as_tensor(X, dtype=DTYPE), torch.as_tensor(y)
    with torch.no_grad():
        clean_ok = (target(xt) > 0).long() == yt
    rows = []
    for eps in eps_grid:
        t0 = time.perf_counter()
        xa = attack(model, xt, yt, eps)
        secs = time.perf_counter() - t0
        with torch.no_grad():
            ok = (target(xa) > 0).long() == yt
        flipped = (clean_ok & ~ok).sum().item()
        lo, hi = bootstrap_ci(ok.double().numpy(), n_boot, rng)
        rows.append({"eps": float(eps), "clean_accuracy": clean_ok.double().mean().item(),
                     "robust_accuracy": ok.double().mean().item(), "ci_low": lo, "ci_high": hi,
                     "attack_success_rate": flipped / max(int(clean_ok.sum()), 1), "attack_seconds": secs})
    return rows
