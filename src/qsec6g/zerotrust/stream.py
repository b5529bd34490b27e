"""Detectors on a drifting stream: static threshold vs bounded threshold controller vs feedback retraining.

Stream: the test rows in random order, cut into ``n_windows`` windows. In window t every row is shifted by
drift · t/(T−1) · d, with d the unit vector from the normal to the attack centroid of the training data (in
standardised feature units): the worst direction for false positives, so a static γ loses its FP budget.

Three policies are run on the same stream and compared per window:

- ``static``: γ chosen once on validation (FPR ≤ budget) and kept;
- ``controller``: :class:`~qsec6g.zerotrust.thresholds.ThresholdController` updated after each window from the
  FPR on the window's reviewed normal flows;
- ``retrain`` (paper Eqs. 20–25): after each window the analyst labels the alerts (false positives go to D_FP)
  and a ``label_fraction`` sample of the window (D_new); every ``retrain_every`` windows the detector is refitted
  on train ∪ D_FP ∪ D_new and γ re-chosen for the budget on validation ∪ D_new.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qsec6g.seeding import make_rng
from qsec6g.zerotrust.detectors import make_detector
from qsec6g.zerotrust.evaluation import Prepared
from qsec6g.zerotrust.thresholds import ThresholdController, threshold_at_fpr


def run_stream(
    prep: Prepared, detector: str = "hgb", n_windows: int = 20, drift: float = 1.0, fp_budget: float = 0.05,
    retrain_every: int = 4, label_fraction: float = 0.1, seed: int = 0, quick: bool = True,
) -> pd.DataFrame:
    """Per-window FPR and DR of the static, controller and retrain policies (columns ``fpr_<policy>`` …)."""
    rng = make_rng(seed)
    X, y = prep.X, prep.y
    d = X["train"][y["train"] == 1].mean(axis=0) - X["train"][y["train"] == 0].mean(axis=0)
    d = d / max(np.linalg.norm(d), 1e-12)
    order = rng.permutation(len(y["test"]))
    windows = np.array_split(order, n_windows)

    model = make_detector(detector, seed=seed, quick=quick).fit(X["train"], y["train"])
    gamma0 = threshold_at_fpr(y["val"], model.predict_proba(X["val"])[:, 1], fp_budget)
    ctrl = ThresholdController(gamma=gamma0, fp_budget=fp_budget)
    live, live_gamma = model, gamma0
    extra_X: list[np.ndarray] = []
    extra_y: list[np.ndarray] = []
    new_X: list[np.ndarray] = []
    new_y: list[np.ndarray] = []
    rows = []
    for t, w in enumerate(windows):
        Xw = X["test"][w] + drift * t / max(n_windows - 1, 1) * d
        yw = y["test"][w]
        s_static = model.predict_proba(Xw)[:, 1]
        s_live = live.predict_proba(Xw)[:, 1]
        row = {"window": t, "gamma_static": gamma0, "gamma_controller": ctrl.gamma, "gamma_retrain": live_gamma}
        for name, s, g in (("static", s_static, gamma0), ("controller", s_static, ctrl.gamma),
                           ("retrain", s_live, live_gamma)):
            flag = s >= g
            row[f"fpr_{name}"] = float(flag[yw == 0].mean()) if (yw == 0).any() else float("nan")
            row[f"dr_{name}"] = float(flag[yw == 1].mean()) if (yw == 1).any() else float("nan")
        rows.append(row)
        ctrl.update(row["fpr_controller"])
        fp = (s_live >= live_gamma) & (yw == 0)                         # D_FP: alerts the analyst marks normal
        extra_X.append(Xw[fp])
        extra_y.append(np.zeros(int(fp.sum()), dtype=int))
        pick = rng.random(len(w)) < label_fraction                      # D_new: a labelled sample of the window
        new_X.append(Xw[pick])
        new_y.append(yw[pick])
        if (t + 1) % retrain_every == 0:
            Xr = np.vstack([X["train"], *extra_X, *new_X])
            yr = np.concatenate([y["train"], *extra_y, *new_y])
            live = make_detector(detector, seed=seed, quick=quick).fit(Xr, yr)
            Xv, yv = np.vstack([X["val"], *new_X]), np.concatenate([y["val"], *new_y])
            live_gamma = threshold_at_fpr(yv, live.predict_proba(Xv)[:, 1], fp_budget)
    return pd.DataFrame(rows)
