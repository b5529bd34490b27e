"""Threshold choice, sensitivity curve, bounded controller, aggressive mode, grace period."""

import numpy as np
import pytest
from sklearn.metrics import roc_curve

from qsec6g.errors import UserInputError
from qsec6g.zerotrust.thresholds import (
    GracePeriod, ThresholdController, rates, segment_thresholds, sensitivity_curve, threshold_at_fpr,
    two_thresholds, youden_threshold,
)


def scores(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + 2.0 * y - 1.0)))
    return y, s


def test_youden_matches_brute_force():
    y, s = scores()
    g = youden_threshold(y, s)
    grid = np.unique(s)
    tpr, fpr = rates(y, s, grid)
    assert np.isclose(*(tpr - fpr)[[np.argmax(tpr - fpr)]], *rates(y, s, np.array([g]))[0] - rates(y, s, np.array([g]))[1])


def test_threshold_at_fpr_holds_the_budget_and_two_thresholds_are_ordered():
    y, s = scores()
    for target in (0.01, 0.05, 0.2):
        g = threshold_at_fpr(y, s, target)
        fpr = (s[y == 0] >= g).mean()
        assert fpr <= target and fpr > target - 0.01                      # tight, not just conservative
    g1, g2 = two_thresholds(y, s)
    assert g1 < g2


def test_sensitivity_curve_changes_sign_near_gamma_star():
    y, s = scores(20000)
    grid, d = sensitivity_curve(y, s)
    g = youden_threshold(y, s)
    assert d[grid < g - 0.1].mean() > 0 and d[grid > g + 0.1].mean() < 0


def test_controller_holds_fp_budget_on_a_drifting_stream_and_stays_bounded():
    rng = np.random.default_rng(1)
    ctrl = ThresholdController(gamma=0.5, fp_budget=0.05)
    fprs = []
    for t in range(60):
        normal = 1 / (1 + np.exp(-(rng.normal(0, 1, 2000) + 0.04 * t - 2)))  # normals drift upwards
        fpr = float((normal >= ctrl.gamma).mean())
        fprs.append(fpr)
        ctrl.update(fpr)
    assert abs(np.mean(fprs[-20:]) - 0.05) < 0.015
    static = float((1 / (1 + np.exp(-(rng.normal(0, 1, 2000) + 0.04 * 59 - 2))) >= 0.5).mean())
    assert static > 0.3                                                     # a static γ would have lost it
    steps = np.abs(np.diff(np.log(np.array(ctrl.history) / (1 - np.array(ctrl.history)))))
    assert steps.max() <= ctrl.max_step + 1e-9
    wild = ThresholdController(gamma=0.5, fp_budget=0.05, gamma_min=0.2, gamma_max=0.8)
    for _ in range(50):
        wild.update(1.0)
    assert wild.gamma == 0.8
    with pytest.raises(UserInputError):
        ThresholdController(gamma=0.5, fp_budget=0.0)


def test_aggressive_mode_and_grace_period():
    g = segment_thresholds(0.6, np.array([0.1, 0.7, 0.9]), tau=0.65, delta=0.2)
    np.testing.assert_allclose(g, [0.6, 0.4, 0.4])
    gp = GracePeriod(tau=0.8, steps=3)
    assert [gp.observe("s", r) for r in (0.9, 0.9, 0.5, 0.9, 0.9, 0.9)] == [False, False, False, False, False, True]


def test_rates_agree_with_sklearn_roc():
    y, s = scores(500)
    fpr, tpr, thr = roc_curve(y, s)
    t2, f2 = rates(y, s, thr[1:])
    np.testing.assert_allclose(t2, tpr[1:])
    np.testing.assert_allclose(f2, fpr[1:])
