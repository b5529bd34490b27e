"""Decision thresholds on anomaly scores: static choice, sensitivity, and adaptive control on a stream.

Conventions: a score s ≥ γ flags a flow; TPR/FPR are fractions in [0, 1]; labels are 0 (normal) / 1 (attack).

- ``youden_threshold``: γ* = argmax_γ (TPR(γ) − FPR(γ)) on validation data (paper Eq. 21's optimum).
- ``two_thresholds``: γ1 < γ2 for normal / suspicious / malicious (γ1 = γ*, γ2 holds a stricter FPR).
- ``sensitivity_curve``: the derivative ∂TPR/∂γ − ∂FPR/∂γ, evaluated by finite differences on a grid.
- ``ThresholdController``: γ_{t+1} = F(γ_t, FPR_t), a bounded integral controller holding an FP budget.
- ``segment_thresholds``: the aggressive mode of Eq. 24 (lower γ by δ for segments whose risk exceeds τ).
- ``GracePeriod``: Eq. 23 — isolate a segment only after its risk stayed above τ for Δt consecutive steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qsec6g.errors import UserInputError


def youden_threshold(y: np.ndarray, scores: np.ndarray) -> float:
    """γ* = argmax (TPR − FPR) over the ROC thresholds (flag when score ≥ γ)."""
    from sklearn.metrics import roc_curve

    fpr, tpr, thr = roc_curve(np.asarray(y).astype(int), np.asarray(scores, dtype=float))
    j = np.argmax(tpr - fpr)
    return float(min(thr[j], 1.0))


def threshold_at_fpr(y: np.ndarray, scores: np.ndarray, fpr_target: float) -> float:
    """Smallest γ whose FPR on the normal rows is ≤ ``fpr_target`` (flag when score ≥ γ)."""
    neg = np.sort(np.asarray(scores, dtype=float)[np.asarray(y) == 0])
    if neg.size == 0:
        raise UserInputError("threshold_at_fpr needs normal rows")
    k = int(np.floor(fpr_target * neg.size))            # number of normals allowed at or above γ
    if k <= 0:
        return float(np.nextafter(neg[-1], np.inf))
    return float(np.nextafter(neg[-k - 1], np.inf)) if k < neg.size else float(neg[0])


def two_thresholds(y: np.ndarray, scores: np.ndarray, strict_fpr: float = 0.01) -> tuple[float, float]:
    """(γ1, γ2): γ1 = Youden's γ*, γ2 = threshold holding FPR ≤ ``strict_fpr``, forced above γ1."""
    g1 = youden_threshold(y, scores)
    g2 = max(threshold_at_fpr(y, scores, strict_fpr), np.nextafter(g1, np.inf))
    return g1, float(g2)


def rates(y: np.ndarray, scores: np.ndarray, gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TPR(γ) and FPR(γ) on a grid of thresholds ``gammas``."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(scores, dtype=float)
    pos, neg = np.sort(s[y]), np.sort(s[~y])
    tpr = 1.0 - np.searchsorted(pos, gammas, side="left") / max(pos.size, 1)
    fpr = 1.0 - np.searchsorted(neg, gammas, side="left") / max(neg.size, 1)
    return tpr, fpr


def sensitivity_curve(
    y: np.ndarray, scores: np.ndarray, n_grid: int = 101, bandwidth: float = 0.02,
) -> tuple[np.ndarray, np.ndarray]:
    """(γ grid, ∂TPR/∂γ − ∂FPR/∂γ): central differences of Gaussian-smoothed TPR − FPR (smoothing in score units).

    The curve is ≥ 0 where raising γ gains more specificity than it loses sensitivity; γ* is near its zero crossing.
    """
    from scipy.ndimage import gaussian_filter1d

    grid = np.linspace(0.0, 1.0, n_grid)
    tpr, fpr = rates(y, scores, grid)
    sigma = bandwidth / (grid[1] - grid[0])
    j = gaussian_filter1d(tpr - fpr, sigma, mode="nearest") if sigma > 0 else tpr - fpr
    return grid, np.gradient(j, grid)


@dataclass
class ThresholdController:
    """Bounded integral controller on logit γ that keeps the stream's FPR at ``fp_budget``.

    Each step receives the FPR measured on the window's reviewed normal flows and updates::

        u_{t+1} = u_t + clip(gain * (FPR_t − budget) / budget, −max_step, +max_step),   u = logit γ
        γ_{t+1} = clip(sigmoid(u_{t+1}), gamma_min, gamma_max)

    Bounded: γ stays in [gamma_min, gamma_max] and moves by at most ``max_step`` in logit units per step, so a
    burst of attacks mislabelled as normal cannot drive γ to 0 or 1 in one window. ``gamma_max`` is close to 1
    because well-separated detectors (gradient boosting) put many scores within 1e-3 of 1.
    """

    gamma: float
    fp_budget: float = 0.05
    gain: float = 0.3
    max_step: float = 1.0
    gamma_min: float = 0.01
    gamma_max: float = 1 - 1e-6
    history: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 0 < self.fp_budget < 1:
            raise UserInputError(f"fp_budget must be in (0, 1), got {self.fp_budget}")
        if not 0 < self.gamma_min < self.gamma_max < 1:
            raise UserInputError("controller needs 0 < gamma_min < gamma_max < 1")
        self.gamma = float(np.clip(self.gamma, self.gamma_min, self.gamma_max))
        self.history.append(self.gamma)

    def update(self, fpr: float) -> float:
        """One control step from the window's measured FPR; returns the new γ."""
        u = np.log(self.gamma / (1 - self.gamma))
        u += float(np.clip(self.gain * (fpr - self.fp_budget) / self.fp_budget, -self.max_step, self.max_step))
        self.gamma = float(np.clip(1 / (1 + np.exp(-u)), self.gamma_min, self.gamma_max))
        self.history.append(self.gamma)
        return self.gamma


def segment_thresholds(
    gamma: float, segment_risk: np.ndarray, tau: float = 0.65, delta: float = 0.1, gamma_floor: float = 0.05,
) -> np.ndarray:
    """Eq. 24, aggressive mode: γ_j = max(γ − δ, floor) for segments whose aggregated risk exceeds τ, else γ."""
    r = np.asarray(segment_risk, dtype=float)
    return np.where(r > tau, max(gamma - delta, gamma_floor), gamma)


@dataclass
class GracePeriod:
    """Eq. 23: a segment is isolated only after its risk exceeded τ for ``steps`` consecutive observations."""

    tau: float = 0.8
    steps: int = 3
    _streak: dict[str, int] = field(default_factory=dict)

    def observe(self, segment: str, risk: float) -> bool:
        """Record one risk value; True when the segment must be isolated now."""
        self._streak[segment] = self._streak.get(segment, 0) + 1 if risk > self.tau else 0
        return self._streak[segment] >= self.steps
