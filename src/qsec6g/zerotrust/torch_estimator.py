"""Shared scikit-learn plumbing for the PyTorch detectors (VQC, CV-QNN, hybrid).

A subclass implements ``_build_module(Xs, n_out) -> torch.nn.Module`` (``Xs``: the standardised training features,
for data-dependent set-up such as a PCA projection) mapping a float tensor (B, F) to class logits (B, n_out)
(n_out = 1 for binary). ``fit`` standardises X (statistics of the training data only), trains with
Adam on mini-batches (whole batches through the module, no per-sample loop) and keeps ``loss_curve_``.
Binary: ``decision_function`` is the logit of the positive class; multi-class: the (N, C) logits.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


class TorchClassifier(ClassifierMixin, BaseEstimator):
    """Base class; hyper-parameters common to every torch detector live here."""

    def __init__(self, epochs: int = 30, batch_size: int = 256, lr: float = 0.05, seed: int = 0) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.seed = seed

    # subclasses override
    def _build_module(self, Xs: np.ndarray, n_out: int):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, X, y):
        import torch

        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self._le = LabelEncoder().fit(y)
        self.classes_ = self._le.classes_
        if len(self.classes_) < 2:
            raise ValueError("need at least two classes to fit a classifier, got one class")
        yi = self._le.transform(y)
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        torch.manual_seed(self.seed)
        gen = torch.Generator().manual_seed(self.seed)
        n_out = 1 if len(self.classes_) == 2 else len(self.classes_)
        Xs = (X - self.mean_) / self.scale_
        self.module_ = self._build_module(Xs, n_out)
        Xt = torch.as_tensor(Xs, dtype=torch.float32)
        yt = torch.as_tensor(yi)
        opt = torch.optim.Adam(self.module_.parameters(), lr=self.lr)
        loss_fn = torch.nn.BCEWithLogitsLoss() if n_out == 1 else torch.nn.CrossEntropyLoss()
        self.loss_curve_: list[float] = []
        for _ in range(self.epochs):
            order = torch.randperm(len(yt), generator=gen)
            total = 0.0
            for start in range(0, len(yt), self.batch_size):
                b = order[start:start + self.batch_size]
                out = self.module_(Xt[b])
                loss = loss_fn(out[:, 0], yt[b].float()) if n_out == 1 else loss_fn(out, yt[b])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(b)
            self.loss_curve_.append(total / len(yt))
        self.module_.eval()
        return self

    def _logits(self, X) -> np.ndarray:
        import torch

        check_is_fitted(self, "module_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with torch.no_grad():
            out = self.module_(torch.as_tensor((X - self.mean_) / self.scale_, dtype=torch.float32))
        return out.double().numpy()

    def decision_function(self, X) -> np.ndarray:
        z = self._logits(X)
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X) -> np.ndarray:
        z = self._logits(X)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True   # few-epoch quantum models are not held to sklearn's 0.83 bar
        return tags
