"""Risk R(u, d) of one access request from user context, device posture and the detector's anomaly score.

Model (logit units, natural log-odds)::

    logit R = a * logit(s) + b                                  # Platt-calibrated anomaly score, a > 0
            + role[u.role] + w_perm * n_sensitive(u.permissions) # user context
            + w_unmanaged * [not d.managed]
            + w_patch * min(d.patch_age_days / 30, 3)            # device posture, per 30 days, capped at 90 days
            + w_location * [not d.known_location]

``a`` and ``b`` are fitted on validation labels (Platt scaling), so for the reference context (role "employee",
no sensitive permission, managed, patched, known location) R is the calibrated probability that the flow is an
attack. The context weights are documented prior log-odds ratios (they raise the risk of the same flow from a
riskier context). R is in [0, 1] and strictly increasing in the anomaly score s because a > 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from qsec6g.errors import UserInputError

_EPS = 1e-6

#: prior log-odds per role (relative to "employee"); privileged roles raise the impact of a compromise
DEFAULT_ROLE_WEIGHTS: dict[str, float] = {
    "employee": 0.0, "service": -0.2, "operator": 0.3, "admin": 0.6, "guest": 0.8,
}
#: permissions that count as sensitive for ``w_perm``
SENSITIVE_PERMISSIONS: frozenset[str] = frozenset({
    "admin", "write:config", "write:policy", "read:keys", "write:keys", "delete", "exec", "ssh", "root",
})


def logit(p: np.ndarray | float) -> np.ndarray:
    """log(p / (1 - p)) with p clipped to [1e-6, 1 - 1e-6]."""
    q = np.clip(np.asarray(p, dtype=float), _EPS, 1.0 - _EPS)
    return np.log(q) - np.log1p(-q)


def sigmoid(z: np.ndarray | float) -> np.ndarray:
    """Numerically stable logistic function."""
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))


@dataclass
class RiskModel:
    """Calibrated risk from context terms plus the anomaly score (see the module docstring for the formula)."""

    slope: float = 8.0                     # a: Platt slope on logit(s), > 0
    intercept: float = 0.0                 # b: Platt intercept
    role_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_ROLE_WEIGHTS))
    unknown_role_weight: float = 0.8       # roles not in role_weights are treated like guests
    w_perm: float = 0.15                   # per sensitive permission
    w_unmanaged: float = 1.0
    w_patch: float = 0.35                  # per 30 days since the last patch (capped at 90 days)
    w_location: float = 0.7

    def __post_init__(self) -> None:
        if not self.slope > 0:
            raise UserInputError(f"risk slope must be > 0 (monotone in the anomaly score), got {self.slope}")

    def calibrate(self, scores: np.ndarray, labels: np.ndarray) -> RiskModel:
        """Fit (a, b) by Platt scaling: logistic regression of the 0/1 ``labels`` on logit(``scores``)."""
        z = logit(scores)
        y = np.asarray(labels, dtype=float)
        if y.min() == y.max():
            raise UserInputError("risk calibration needs both normal and attack labels")
        a, b = 1.0, 0.0
        for _ in range(100):  # Newton-Raphson on the 2-parameter logistic log-likelihood (tiny ridge for stability)
            p = sigmoid(a * z + b)
            g = np.array([np.sum((p - y) * z) + 1e-3 * a, np.sum(p - y)])
            w = p * (1 - p)
            h = np.array([[np.sum(w * z * z) + 1e-3, np.sum(w * z)], [np.sum(w * z), np.sum(w) + 1e-9]])
            step = np.linalg.solve(h, g)
            a, b = a - step[0], b - step[1]
            if np.max(np.abs(step)) < 1e-10:
                break
        self.slope, self.intercept = max(float(a), 1e-3), float(b)
        return self

    def context_terms(
        self, role: str, permissions: tuple[str, ...], managed: bool, patch_age_days: float, known_location: bool,
    ) -> dict[str, float]:
        """The user and device terms of logit R, by name (zero terms are kept so explanations are complete)."""
        if not np.isfinite(patch_age_days) or patch_age_days < 0:
            raise UserInputError(f"patch_age_days must be a finite number >= 0, got {patch_age_days}")
        n_sensitive = sum(p in SENSITIVE_PERMISSIONS for p in permissions)
        return {
            f"role:{role}": self.role_weights.get(role, self.unknown_role_weight),
            "sensitive_permissions": self.w_perm * n_sensitive,
            "unmanaged_device": self.w_unmanaged * (not managed),
            "patch_age": self.w_patch * min(patch_age_days / 30.0, 3.0),
            "unknown_location": self.w_location * (not known_location),
        }

    def risk_logit(self, score_logit: float, context: Mapping[str, float]) -> float:
        """logit R from an already computed logit(s) and the context terms."""
        return self.slope * score_logit + self.intercept + sum(context.values())

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RiskModel:
        return cls(**data)  # type: ignore[arg-type]
