"""A small, fast, serialisable anomaly scorer used inside the policy decision engine.

``LinearScorer`` evaluates s(x) = sigmoid(c0 + Σ_i c_i z_i) with z_i = (t_i(x_i) − μ_i) / σ_i, where t_i is log1p for
the heavy-tailed count features named in ``log_features`` and the identity otherwise. It is plain numpy (a single
decision costs microseconds), it is stored as JSON-able numbers (no pickle), and its per-feature terms c_i z_i are
exact additive contributions to logit(s), which the engine uses for explanations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qsec6g.zerotrust.risk import sigmoid


@dataclass
class LinearScorer:
    """Standardise (after optional log1p) then logistic; arrays have one entry per feature."""

    feature_names: tuple[str, ...]
    log_mask: np.ndarray      # bool, True where log1p is applied
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(
        cls, X: np.ndarray, y: np.ndarray, feature_names: Sequence[str], log_features: Sequence[str] = (),
        C: float = 0.1,
    ) -> LinearScorer:
        """Fit standardisation and an L2 logistic regression (scikit-learn, lbfgs) on (X, y)."""
        from sklearn.linear_model import LogisticRegression

        names = tuple(feature_names)
        log_mask = np.array([n in set(log_features) for n in names])
        T = _transform(np.asarray(X, dtype=float), log_mask)
        mean, scale = T.mean(axis=0), T.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=C, max_iter=1000).fit((T - mean) / scale, y)
        return cls(names, log_mask, mean, scale, lr.coef_[0].copy(), float(lr.intercept_[0]))

    def standardise(self, X: np.ndarray) -> np.ndarray:
        """z-scores of raw features X (N, F)."""
        return (_transform(X, self.log_mask) - self.mean) / self.scale

    def terms(self, X: np.ndarray) -> np.ndarray:
        """Per-feature contributions c_i z_i to logit(s), shape (N, F)."""
        return self.standardise(X) * self.coef

    def score(self, X: np.ndarray) -> np.ndarray:
        """Anomaly score in [0, 1] for each row of X (N, F)."""
        return sigmoid(self.intercept + self.standardise(X) @ self.coef)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "log_mask": self.log_mask, "mean": self.mean, "scale": self.scale, "coef": self.coef,
            "intercept": np.array([self.intercept]), "feature_names": np.array(self.feature_names, dtype=str),
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray]) -> LinearScorer:
        return cls(
            tuple(str(n) for n in a["feature_names"]), a["log_mask"].astype(bool), a["mean"].astype(float),
            a["scale"].astype(float), a["coef"].astype(float), float(a["intercept"][0]),
        )


def _transform(X: np.ndarray, log_mask: np.ndarray) -> np.ndarray:
    T = np.array(X, dtype=float, copy=True)
    T[:, log_mask] = np.log1p(np.maximum(T[:, log_mask], 0.0))
    return T
