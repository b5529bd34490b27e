import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import matthews_corrcoef, roc_auc_score

from qsec6g.twin import detection as det
from qsec6g.twin.evaluation import bootstrap_ci, holm, paired_tests, time_in_region


def test_split_is_stratified_disjoint_and_complete():
    strata = np.repeat(np.array(["S1|0", "S1|1", "S2|0", "S2|1"]), [40, 20, 40, 20])
    sp = det.split_episodes(strata, 3)
    allidx = np.concatenate(list(sp.values()))
    assert len(allidx) == len(strata) and len(np.unique(allidx)) == len(strata)  # no episode in two splits
    for s in np.unique(strata):
        n = (strata == s).sum()
        assert np.isclose((strata[sp["test"]] == s).sum(), 0.15 * n, atol=1)
        assert np.isclose((strata[sp["train"]] == s).sum(), 0.70 * n, atol=1)
    np.testing.assert_array_equal(sp["test"], det.split_episodes(strata, 3)["test"])


def test_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.random(300) < 0.4
    score = y + rng.normal(0, 0.8, 300)
    pred = score > 0.5
    m = det.detection_metrics(y, pred, score)
    assert np.isclose(m["AUC"], roc_auc_score(y, score))
    assert np.isclose(m["MCC"], matthews_corrcoef(y, pred))
    assert np.isclose(m["DR"], (pred & y).sum() / y.sum()) and np.isclose(m["FPR"], (pred & ~y).sum() / (~y).sum())


def test_qobs_thresholds_keep_fpr_at_most_alpha_on_calibration_data():
    rng = np.random.default_rng(1)
    normal = rng.normal([0.9, 0.3, 0.1], 0.02, size=(400, 20, 3))
    attacked = rng.normal([0.6, 1.0, 0.4], 0.05, size=(100, 20, 3))
    feats = det.qobs_features(np.concatenate([normal, attacked]))
    y = np.r_[np.zeros(400, bool), np.ones(100, bool)]
    d = det.QObsDetector(alpha=0.05).fit(feats, y)
    m = det.detection_metrics(y, d.predict(feats), d.score(feats))
    assert m["FPR"] <= 0.05 and m["DR"] == 1.0 and m["AUC"] > 0.99


def test_feature_extractors():
    obs = np.zeros((2, 5, 3))
    obs[..., 0] = np.linspace(1, 0.6, 5)
    f = det.qobs_features(obs)
    assert f.shape == (2, 12) and np.isclose(f[0, 3], 0.6) and np.isclose(f[0, 9], -0.1)
    tel = np.ones((2, 4, 3))
    tel[0, 1, 2] = np.nan
    assert np.all(np.isfinite(det.telemetry_features(tel)))


def test_holm_and_paired_tests():
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    rng = np.random.default_rng(2)
    base = rng.normal(size=60)
    rows = []
    for pol, shift in (("rule", 0.0), ("better", 0.5), ("same", 0.0)):
        vals = base + shift + (rng.normal(0, 0.3, 60) if pol != "rule" else 0)
        rows += [{"seed": 1, "scenario": "S1", "episode": i, "policy": pol, "return": v} for i, v in enumerate(vals)]
    out = paired_tests(pd.DataFrame(rows), "return", "rule").set_index("policy")
    assert out.loc["better", "significant"] and not out.loc["same", "significant"]
    diff = np.array([r["return"] for r in rows if r["policy"] == "better"]) - base
    assert np.isclose(out.loc["better", "cohens_d"], diff.mean() / diff.std(ddof=1))
    assert out.loc["better", "p"] == pytest.approx(stats.ttest_rel(base + diff, base).pvalue) or \
        out.loc["better", "test"] == "wilcoxon"


def test_time_in_region_and_bootstrap():
    obs = np.array([[[0.95, 0.1, 0.1], [0.85, 0.1, 0.1], [0.95, 0.5, 0.1], [0.95, 0.1, 0.3]]])
    np.testing.assert_allclose(time_in_region(obs), [0.25])
    lo, hi = bootstrap_ci(np.arange(100.0), resamples=500, rng=0)
    assert lo < 49.5 < hi and hi - lo < 20
