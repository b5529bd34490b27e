"""Attack detection (attack vs none) and typing from episodes: the quantum observables vs a classical IDS.

The episode is the unit everywhere (no step of a test episode is ever seen in training).

* Features: :func:`qobs_features` summarises the [F, S, D] trajectory that the monitor *sees* in an episode
  watched passively (no-op policy) — spoofed or stale where an attack tampers with the observation vector: mean, min / max, last value and the slope of each; :func:`telemetry_features` summarises the raw
  telemetry (mean, std, min, max per feature; NaN-safe).
* :class:`QObsDetector` (Q-OBS): one threshold per observable (F low, S high, D high, on the episode's worst value)
  at the ``1 − α/3`` quantile of *validation* normal episodes, so the union rule has FPR ≤ α (= 5 %) on validation
  (Bonferroni); its score (for ROC-AUC) is the largest of the three normal-ECDF levels. Typing: a multinomial
  logistic head on the Q-OBS features.
* Classical IDS on telemetry: an autoencoder (MLP 16-4-16 trained on normal training episodes) whose reconstruction
  error is thresholded at the validation normal 95 % quantile, plus supervised logistic regression and
  gradient-boosted trees (threshold 0.5).
* :func:`split_episodes`: stratified 70 / 15 / 15 split of episode indices (strata = scenario × label).
* :func:`detection_metrics`: DR (recall on attacks), FPR, ROC-AUC, MCC and accuracy (numpy; checked against
  scikit-learn in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qsec6g.seeding import SeedLike, make_rng


def qobs_features(measured: np.ndarray) -> np.ndarray:
    """``(B, T, 3)`` → ``(B, 12)``: per observable mean, worst (min F / max S, D), last value, slope per step."""
    t = measured.shape[1]
    worst = np.stack([measured[..., 0].min(1), measured[..., 1].max(1), measured[..., 2].max(1)], axis=1)
    steps = np.arange(t) - (t - 1) / 2
    slope = np.einsum("btk,t->bk", measured, steps) / max(float((steps**2).sum()), 1e-12)
    return np.concatenate([measured.mean(1), worst, measured[:, -1], slope], axis=1)


def telemetry_features(telemetry: np.ndarray) -> np.ndarray:
    """``(B, T, F)`` → ``(B, 4F)``: NaN-safe mean, std, min and max of every feature."""
    with np.errstate(invalid="ignore"):
        parts = [np.nanmean(telemetry, 1), np.nanstd(telemetry, 1), np.nanmin(telemetry, 1), np.nanmax(telemetry, 1)]
    return np.nan_to_num(np.concatenate(parts, axis=1))


def split_episodes(strata: np.ndarray, rng: SeedLike = None, fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)
                   ) -> dict[str, np.ndarray]:
    """Stratified train / val / test split of episode indices; every stratum is split in the given fractions."""
    gen = make_rng(rng)
    out: dict[str, list[int]] = {"train": [], "val": [], "test": []}
    for s in np.unique(strata):
        idx = gen.permutation(np.flatnonzero(strata == s))
        n = len(idx)
        n_val = round(fractions[1] * n)
        n_test = round(fractions[2] * n)
        out["test"] += idx[:n_test].tolist()
        out["val"] += idx[n_test:n_test + n_val].tolist()
        out["train"] += idx[n_test + n_val:].tolist()
    return {k: np.sort(np.array(v, dtype=int)) for k, v in out.items()}


def roc_auc(y_true: np.ndarray, score: np.ndarray) -> float:
    """ROC-AUC as the Mann–Whitney statistic (ties count ½); NaN when only one class is present."""
    from scipy.stats import rankdata

    y = np.asarray(y_true, bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def detection_metrics(y_true: np.ndarray, y_pred: np.ndarray, score: np.ndarray | None = None) -> dict[str, float]:
    """DR (recall on attacks), FPR, ROC-AUC (from ``score``), MCC and accuracy of a binary attack detector."""
    y, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    tp, fp = float((p & y).sum()), float((p & ~y).sum())
    fn, tn = float((~p & y).sum()), float((~p & ~y).sum())
    denom = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return {"DR": tp / max(tp + fn, 1.0), "FPR": fp / max(fp + tn, 1.0),
            "AUC": roc_auc(y, score) if score is not None else float("nan"),
            "MCC": float((tp * tn - fp * fn) / denom) if denom > 0 else 0.0, "accuracy": float((y == p).mean())}


@dataclass
class QObsDetector:
    """Thresholds on the episode's worst F, S and D, calibrated on validation normal episodes to FPR ≤ ``alpha``."""

    alpha: float = 0.05

    def fit(self, feats: np.ndarray, y: np.ndarray) -> QObsDetector:
        normal = self._worst(feats[~np.asarray(y, bool)])
        if len(normal) == 0:
            raise ValueError("Q-OBS calibration needs normal validation episodes")
        self.normal_ = np.sort(normal, axis=0)
        self.thresholds_ = np.quantile(normal, 1 - self.alpha / 3, axis=0, method="higher")
        return self

    @staticmethod
    def _worst(feats: np.ndarray) -> np.ndarray:
        w = feats[:, 3:6].copy()
        w[:, 0] = -w[:, 0]  # low fidelity is bad: flip so that larger = worse for all three
        return w

    def score(self, feats: np.ndarray) -> np.ndarray:
        w = self._worst(feats)
        levels = np.stack([np.searchsorted(self.normal_[:, k], w[:, k], side="right") for k in range(3)], axis=1)
        return levels.max(axis=1) / len(self.normal_) + 1e-6 * w.sum(axis=1)  # tie-break inside the top level

    def predict(self, feats: np.ndarray) -> np.ndarray:
        return np.any(self._worst(feats) > self.thresholds_, axis=1)


class AutoencoderDetector:
    """Reconstruction-error anomaly score of an MLP autoencoder trained on normal episodes (standardised)."""

    def __init__(self, seed: int = 0, quantile: float = 0.95) -> None:
        self.seed, self.quantile = seed, quantile

    def fit(self, x_normal: np.ndarray) -> AutoencoderDetector:
        from sklearn.neural_network import MLPRegressor
        from sklearn.preprocessing import StandardScaler

        self.scaler_ = StandardScaler().fit(x_normal)
        z = self.scaler_.transform(x_normal)
        self.net_ = MLPRegressor(hidden_layer_sizes=(16, 4, 16), max_iter=500, random_state=self.seed).fit(z, z)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        z = self.scaler_.transform(x)
        return np.mean((self.net_.predict(z) - z) ** 2, axis=1)

    def calibrate(self, x_val_normal: np.ndarray) -> AutoencoderDetector:
        self.threshold_ = float(np.quantile(self.score(x_val_normal), self.quantile))
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.score(x) > self.threshold_
