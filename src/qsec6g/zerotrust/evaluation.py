"""Honest evaluation: every detector on the same leakage-free split, with bootstrap confidence intervals.

``prepare_table`` / ``prepare_cesnet`` turn data into train / validation / test arrays (preprocessing fitted on
train only). ``evaluate`` fits each detector on train, picks thresholds on validation (γ* = argmax TPR − FPR, and
the threshold holding FPR ≤ 5 %), and reports on test: ROC-AUC with a paired bootstrap CI, its gap to the best
detector with the CI of the gap, PR-AUC, detection rate (DR = TPR) and FPR at both thresholds, three-class
accuracy where asked, training time and scoring throughput.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qsec6g.seeding import make_rng
from qsec6g.zerotrust.detectors import family, make_detector
from qsec6g.zerotrust.loaders import FlowTable
from qsec6g.zerotrust.preprocessing import iqr_filter, make_preprocessor
from qsec6g.zerotrust.splits import entity_split, stratified_split, time_split
from qsec6g.zerotrust.thresholds import threshold_at_fpr, youden_threshold

PARTS = ("train", "val", "test")


@dataclass
class Prepared:
    """Model-ready arrays for one data set and labelling protocol."""

    name: str
    protocol: str                                  # "realistic" (true / injected labels) or "paper" (quantiles)
    X: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    y3: dict[str, np.ndarray]
    feature_names: list[str]
    split_indices: dict[str, list[int]]
    notes: dict[str, Any] = field(default_factory=dict)
    kinds: np.ndarray | None = None                # attack kind of each test row (injected data)
    test_time: np.ndarray | None = None


def _subsample(idx: np.ndarray, n: int | None, rng: np.random.Generator) -> np.ndarray:
    return idx if n is None or len(idx) <= n else np.sort(rng.choice(idx, n, replace=False))


def prepare_table(
    table: FlowTable, name: str, seed: int = 0, iqr: bool = False, max_train: int | None = None,
) -> Prepared:
    """Stratified 60/20/20 split (on the three-class label), optional IQR filter on train, preprocessing."""
    rng = make_rng(seed)
    tr, va, te = stratified_split(table.y3 * 2 + table.y, seed=rng)
    notes: dict[str, Any] = {"rows": len(table.y), "coerced_to_nan": table.coerced, "source": table.source}
    numeric = [c for c in table.X.columns if c not in table.categorical]
    if iqr:
        keep, counts = iqr_filter(table.X.iloc[tr], numeric)
        notes["iqr_outliers_per_column"] = counts
        notes["iqr_rows_removed"] = int((~keep).sum())
        tr = tr[keep]
    tr = _subsample(tr, max_train, rng)
    pre = make_preprocessor(numeric, table.categorical).fit(table.X.iloc[tr])
    X = {p: pre.transform(table.X.iloc[i]).astype(np.float64) for p, i in zip(PARTS, (tr, va, te))}
    idx = dict(zip(PARTS, (tr, va, te)))
    return Prepared(
        name, "realistic", X, {p: table.y[i] for p, i in idx.items()}, {p: table.y3[i] for p, i in idx.items()},
        list(pre.get_feature_names_out()), {p: i.tolist() for p, i in idx.items()}, notes,
    )


def prepare_cesnet(
    folder: str | Path, name: str = "cesnet", protocol: str = "realistic", max_entities: int | None = 100,
    intensity: float = 1.0, rate: float = 0.05, split: str = "time", seed: int = 0, max_train: int | None = None,
) -> Prepared:
    """CESNET windows labelled by injection (``realistic``) or by the paper's quantiles (``paper``)."""
    from sklearn.preprocessing import StandardScaler

    from qsec6g.errors import UserInputError
    from qsec6g.zerotrust.cesnet import cesnet_features, load_cesnet, quantile_labels
    from qsec6g.zerotrust.injection import inject_attacks

    rng = make_rng(seed)
    df = load_cesnet(folder, max_entities=max_entities, seed=seed)
    if protocol == "realistic":
        df = inject_attacks(df, rate=rate, intensity=intensity, seed=seed)
        y = df["attack"].to_numpy()
        y3 = y * 2
    elif protocol == "paper":
        y3 = quantile_labels(df, "n_bytes")
        y = (y3 > 0).astype(int)
    else:
        raise UserInputError(f"protocol must be 'realistic' or 'paper', got {protocol!r}")
    if split == "time":
        tr, va, te = time_split(df["id_time"].to_numpy())
    elif split == "entity":
        tr, va, te = entity_split(df["entity"].to_numpy(), seed=seed)
    else:
        raise UserInputError(f"split must be 'time' or 'entity', got {split!r}")
    mask = np.zeros(len(df), dtype=bool)
    mask[tr] = True
    feats = cesnet_features(df, mask)
    tr = _subsample(tr, max_train, rng)
    scaler = StandardScaler().fit(feats.iloc[tr])
    idx = dict(zip(PARTS, (tr, va, te)))
    return Prepared(
        name, protocol, {p: scaler.transform(feats.iloc[i]) for p, i in idx.items()},
        {p: y[i] for p, i in idx.items()}, {p: y3[i] for p, i in idx.items()}, list(feats.columns),
        {p: i.tolist() for p, i in idx.items()},
        {"rows": len(df), "entities": int(df["entity"].nunique()), "windows": int(df["id_time"].max() + 1),
         "missing_fraction": float(df["missing"].mean()), "attack_fraction": float(y.mean()),
         "intensity": intensity if protocol == "realistic" else None, "split": split},
        kinds=df["attack_kind"].to_numpy()[te] if "attack_kind" in df else None,
        test_time=df["id_time"].to_numpy()[te],
    )


def fast_auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC-AUC by the rank-sum (Mann–Whitney) formula, ties counted half."""
    from scipy.stats import rankdata

    y = np.asarray(y).astype(bool)
    n1, n0 = y.sum(), (~y).sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(s)
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@dataclass
class EvalResult:
    prepared: Prepared
    rows: list[dict[str, Any]]
    test_scores: dict[str, np.ndarray]
    val_scores: dict[str, np.ndarray]
    loss_curves: dict[str, list[float]]
    confusion3: dict[str, np.ndarray]
    best: str

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)


def _scores(model: Any, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)[:, 1]


def evaluate(
    prep: Prepared, detectors: list[str], seed: int = 0, quick: bool = False, n_boot: int = 200,
    three_class: tuple[str, ...] = ("hgb", "vqc"), fpr_budget: float = 0.05, progress=None,
) -> EvalResult:
    """Fit, threshold and score every detector on ``prep``; see the module docstring for the metrics."""
    from sklearn.metrics import average_precision_score, confusion_matrix

    X, y = prep.X, prep.y
    rows, test_s, val_s, curves, conf3 = [], {}, {}, {}, {}
    for name in detectors:
        model = make_detector(name, seed=seed, quick=quick)
        t0 = time.perf_counter()
        model.fit(X["train"], y["train"])
        fit_s = time.perf_counter() - t0
        val_s[name] = _scores(model, X["val"])
        t0 = time.perf_counter()
        st = _scores(model, X["test"])
        score_s = time.perf_counter() - t0
        test_s[name] = st
        curves[name] = list(getattr(model, "loss_curve_", []) or [])
        g_star = youden_threshold(y["val"], val_s[name])
        g_fpr = threshold_at_fpr(y["val"], val_s[name], fpr_budget)
        pos, neg = y["test"] == 1, y["test"] == 0
        row = {
            "dataset": prep.name, "protocol": prep.protocol, "detector": name, "family": family(name),
            "roc_auc": fast_auc(y["test"], st), "pr_auc": float(average_precision_score(y["test"], st)),
            "gamma_star": g_star, "dr_at_gamma_star": float((st[pos] >= g_star).mean()),
            "fpr_at_gamma_star": float((st[neg] >= g_star).mean()),
            "gamma_fpr_budget": g_fpr, "dr_at_fpr_budget": float((st[pos] >= g_fpr).mean()),
            "fpr_at_fpr_budget": float((st[neg] >= g_fpr).mean()),
            "fit_seconds": fit_s, "score_flows_per_s": len(st) / max(score_s, 1e-9),
            "n_train": len(y["train"]), "n_test": len(y["test"]),
        }
        if name in three_class and len(np.unique(prep.y3["train"])) == 3:
            m3 = make_detector(name, seed=seed, quick=quick).fit(X["train"], prep.y3["train"])
            pred = m3.predict(X["test"])
            row["three_class_acc"] = float((pred == prep.y3["test"]).mean())
            conf3[name] = confusion_matrix(prep.y3["test"], pred, labels=[0, 1, 2])
        if prep.kinds is not None:
            for kind in sorted(set(prep.kinds) - {""}):
                row[f"dr_{kind}"] = float((st[prep.kinds == kind] >= g_fpr).mean())
        rows.append(row)
        if progress is not None:
            progress(row)
    best = max(rows, key=lambda r: r["roc_auc"])["detector"]
    _bootstrap(rows, y["test"], test_s, best, n_boot, seed)
    return EvalResult(prep, rows, test_s, val_s, curves, conf3, best)


def _bootstrap(rows: list[dict], y: np.ndarray, scores: dict[str, np.ndarray], best: str, n_boot: int,
               seed: int) -> None:
    """Paired bootstrap over test rows: 95 % CI of each AUC and of its gap to the best detector."""
    rng = make_rng(seed + 1)
    idx = rng.integers(0, len(y), size=(n_boot, len(y)))
    aucs = {n: np.array([fast_auc(y[i], s[i]) for i in idx]) for n, s in scores.items()}
    for r in rows:
        a, gap = aucs[r["detector"]], aucs[best] - aucs[r["detector"]]
        r["roc_auc_ci_low"], r["roc_auc_ci_high"] = (float(v) for v in np.nanpercentile(a, [2.5, 97.5]))
        r["gap_to_best"] = float(fast_auc(y, scores[best]) - r["roc_auc"])
        r["gap_ci_low"], r["gap_ci_high"] = (float(v) for v in np.nanpercentile(gap, [2.5, 97.5]))
        r["best"] = r["detector"] == best
