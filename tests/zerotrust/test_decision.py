"""The policy decision contract used by the service: risk, outcomes, explanations, validation, persistence."""

import math

import numpy as np
import pytest

from qsec6g.errors import DataError, UserInputError
from qsec6g.zerotrust.decision import (
    DeviceContext, PolicyEngine, Thresholds, UserContext, default_engine, load_engine, outcome, risk_class,
    save_engine,
)
from qsec6g.zerotrust.risk import RiskModel, logit, sigmoid
from qsec6g.zerotrust.synthetic import synthetic_flows

USER = UserContext("u1", "employee")
DEV = DeviceContext("d1")


@pytest.fixture(scope="module")
def engine() -> PolicyEngine:
    return default_engine(seed=0)


@pytest.fixture(scope="module")
def flows():
    return synthetic_flows(300, seed=11)


def test_default_engine_is_deterministic_and_detects(engine, flows):
    other = default_engine(seed=0)
    X, y = flows
    a = engine.decide_batch([USER] * len(y), [DEV] * len(y), X.to_numpy())
    b = other.decide_batch([USER] * len(y), [DEV] * len(y), X.to_numpy())
    assert a == b
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(y, [d.anomaly_score for d in a]) > 0.9
    assert 0 <= engine.thresholds.gamma1 < engine.thresholds.gamma2 <= 1


def test_decide_matches_batch_and_explanation_adds_up(engine, flows):
    X, _ = flows
    row = {k: float(v) for k, v in X.iloc[3].items()}
    single = engine.decide(USER, DEV, row)
    assert single == engine.decide_batch([USER], [DEV], X.to_numpy()[3:4])[0]
    assert 0 <= single.risk <= 1 and single.model_version == engine.model_version
    vals = [abs(c.value) for c in single.explanation]
    assert vals == sorted(vals, reverse=True) and len(vals) == engine.top_k
    full = PolicyEngine(engine.scorer, engine.risk_model, engine.thresholds, "v", top_k=100)
    d = full.decide(USER, DEV, row)
    assert math.isclose(sum(c.value for c in d.explanation), float(logit(d.risk)), abs_tol=1e-6)


def test_outcome_and_class_boundaries():
    t = Thresholds(0.3, 0.7)
    assert [outcome(r, t) for r in (0.6499, 0.65, 0.7999, 0.8)] == ["grant", "restrict", "restrict", "deny"]
    assert [risk_class(s, t) for s in (0.29, 0.3, 0.69, 0.7)] == ["normal", "suspicious", "suspicious", "malicious"]
    for bad in (Thresholds(0.7, 0.3), Thresholds(0.1, 0.2, 0.9, 0.8), Thresholds(-0.1, 0.5)):
        with pytest.raises(UserInputError):
            bad.validate()


def test_risk_is_monotone_in_score_and_context():
    rm = RiskModel()
    s = np.linspace(0.001, 0.999, 200)
    ctx = rm.context_terms("employee", (), True, 0.0, True)
    z = np.array([rm.risk_logit(float(logit(v)), ctx) for v in s])
    r = sigmoid(z)
    assert np.all(np.diff(z) > 0) and np.all(np.diff(r) >= 0)      # strictly in log-odds (R saturates in floats)
    assert r.min() >= 0 and r.max() <= 1
    risky = rm.context_terms("guest", ("ssh", "root"), False, 90.0, False)
    assert rm.risk_logit(0.0, risky) > rm.risk_logit(0.0, ctx)
    with pytest.raises(UserInputError):
        rm.context_terms("employee", (), True, -1.0, True)


def test_platt_calibration_recovers_known_slope():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, 20000)
    y = (rng.random(z.size) < sigmoid(1.5 * z - 0.5)).astype(int)
    rm = RiskModel().calibrate(sigmoid(z), y)
    assert abs(rm.slope - 1.5) < 0.1 and abs(rm.intercept + 0.5) < 0.1


def test_riskier_context_gets_a_stricter_outcome(engine, flows):
    X, y = flows
    row = {k: float(v) for k, v in X.iloc[int(np.argmax(y == 0))].items()}
    calm = engine.decide(USER, DEV, row)
    risky = engine.decide(UserContext("g", "guest", ("root",)), DeviceContext("x", False, 120.0, False), row)
    assert risky.risk > calm.risk
    names = {c.name for c in risky.explanation}
    assert "unmanaged_device" in names or "patch_age" in names


def test_bad_features_are_user_errors_naming_the_feature(engine, flows):
    X, _ = flows
    row = {k: float(v) for k, v in X.iloc[0].items()}
    with pytest.raises(UserInputError, match="n_bytes"):
        engine.decide(USER, DEV, {k: v for k, v in row.items() if k != "n_bytes"})
    with pytest.raises(UserInputError, match="avg_ttl"):
        engine.decide(USER, DEV, {**row, "avg_ttl": float("nan")})
    bad = X.to_numpy()[:2].copy()
    bad[1, 2] = np.inf
    with pytest.raises(UserInputError, match="n_bytes"):
        engine.decide_batch([USER] * 2, [DEV] * 2, bad)
    with pytest.raises(UserInputError, match="shape"):
        engine.decide_batch([USER], [DEV], X.to_numpy()[:1, :3])


def test_save_load_round_trip_and_bad_files(engine, flows, tmp_path):
    X, _ = flows
    p = save_engine(engine, tmp_path / "engine.npz")
    back = load_engine(p)
    row = {k: float(v) for k, v in X.iloc[5].items()}
    assert back.decide(USER, DEV, row) == engine.decide(USER, DEV, row)
    back.set_thresholds(Thresholds(0.1, 0.2))
    assert back.thresholds.gamma2 == 0.2
    (tmp_path / "junk.npz").write_bytes(b"not an npz")
    with pytest.raises(DataError):
        load_engine(tmp_path / "junk.npz")
    with pytest.raises(DataError, match="not found"):
        load_engine(tmp_path / "missing.npz")
