"""Classical baseline detectors, all scikit-learn estimators trained on the same splits as the quantum ones.

Supervised: logistic regression, histogram gradient boosting, MLP (plain scikit-learn models, see
:func:`make_detector`). Unsupervised (fit on the normal rows only; the first class in sorted order is "normal"):
``IsolationForestDetector`` and ``AutoencoderDetector`` (reconstruction error of an MLP autoencoder). Their raw
anomaly score a(x) is turned into a probability by p = sigmoid((a − q95) / IQR), with q95 and the inter-quartile
range IQR of the training scores (monotone, so ROC-AUC is unchanged).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data


class _UnsupervisedDetector(ClassifierMixin, BaseEstimator):
    """Binary detector fitted on the normal class only; subclasses define ``_fit_raw`` and ``_raw_score``."""

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(f"Only binary classification is supported. The type of the target is {y_type}.")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("need normal and attack rows to fit a detector, got one class")
        normal = X[y == self.classes_[0]]
        self.mean_, self.scale_ = normal.mean(axis=0), normal.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        self._fit_raw((normal - self.mean_) / self.scale_)
        a = self._raw_score((normal - self.mean_) / self.scale_)
        q25, q75, self.q95_ = np.percentile(a, [25, 75, 95])
        self.iqr_ = max(q75 - q25, 1e-12)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Anomaly score (higher = more anomalous), centred at the 95th percentile of training scores."""
        check_is_fitted(self, "q95_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return (self._raw_score((X - self.mean_) / self.scale_) - self.q95_) / self.iqr_

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-np.clip(self.decision_function(X), -50, 50)))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        flag = self.decision_function(X) > 0
        return self.classes_[flag.astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False   # normal vs anomalous only
        tags.classifier_tags.poor_score = True     # unsupervised: not trained to separate the classes it is shown
        return tags


class IsolationForestDetector(_UnsupervisedDetector):
    """IsolationForest on the normal rows; raw score = −score_samples (higher = more isolated)."""

    def __init__(self, n_estimators: int = 200, random_state: int = 0) -> None:
        self.n_estimators = n_estimators
        self.random_state = random_state

    def _fit_raw(self, Z: np.ndarray) -> None:
        from sklearn.ensemble import IsolationForest

        self.forest_ = IsolationForest(n_estimators=self.n_estimators, random_state=self.random_state).fit(Z)

    def _raw_score(self, Z: np.ndarray) -> np.ndarray:
        return -self.forest_.score_samples(Z)


class AutoencoderDetector(_UnsupervisedDetector):
    """MLP autoencoder (F → h → b → h → F) on the normal rows; raw score = mean squared reconstruction error."""

    def __init__(self, hidden: int = 32, bottleneck: int = 4, max_iter: int = 200, random_state: int = 0) -> None:
        self.hidden = hidden
        self.bottleneck = bottleneck
        self.max_iter = max_iter
        self.random_state = random_state

    def _fit_raw(self, Z: np.ndarray) -> None:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPRegressor

        b = max(1, min(self.bottleneck, Z.shape[1] - 1)) if Z.shape[1] > 1 else 1
        self.ae_ = MLPRegressor(hidden_layer_sizes=(self.hidden, b, self.hidden), max_iter=self.max_iter, random_state=self.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.ae_.fit(Z, Z)
        self.n_iter_ = self.ae_.n_iter_

    def _raw_score(self, Z: np.ndarray) -> np.ndarray:
        return np.mean((self.ae_.predict(Z).reshape(Z.shape) - Z) ** 2, axis=1)
