"""A small, fully predictable engine implementing the ``PolicyDecisionEngine`` protocol (tests only).

risk = clip(bytes / 1000, 0, 1) + 0.1 if the device is unmanaged (clipped); anomaly_score = clip(bytes /
1000). So ``bytes`` = 100 grants, 700 restricts and 900 denies with the default thresholds.

If the real ``qsec6g.zerotrust.decision`` module is not on this branch yet, :func:`ensure_decision_module`
installs a stand-in with the contract's dataclasses so the service code can import them.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qsec6g.errors import UserInputError


def ensure_decision_module() -> types.ModuleType:
    try:
        import qsec6g.zerotrust.decision as mod  # noqa: PLC0415

        return mod
    except ModuleNotFoundError:
        pass
    mod = types.ModuleType("qsec6g.zerotrust.decision")

    @dataclass(frozen=True)
    class UserContext:
        user_id: str
        role: str
        permissions: tuple[str, ...] = ()

    @dataclass(frozen=True)
    class DeviceContext:
        device_id: str
        managed: bool = True
        patch_age_days: float = 0.0
        known_location: bool = True

    @dataclass(frozen=True)
    class Contribution:
        name: str
        value: float

    @dataclass(frozen=True)
    class Thresholds:
        gamma1: float
        gamma2: float
        tau_restrict: float = 0.65
        tau_deny: float = 0.80

    @dataclass(frozen=True)
    class Decision:
        outcome: str
        risk: float
        anomaly_score: float
        risk_class: str
        thresholds: Thresholds
        explanation: tuple
        model_version: str

    for cls in (UserContext, DeviceContext, Contribution, Thresholds, Decision):
        cls.__module__ = mod.__name__
        setattr(mod, cls.__name__, cls)
    mod.default_engine = lambda seed=0: FakeEngine()
    mod.save_engine = save_fake
    mod.load_engine = load_fake
    pkg = types.ModuleType("qsec6g.zerotrust")
    pkg.__path__ = []
    pkg.decision = mod
    sys.modules.setdefault("qsec6g.zerotrust", pkg)
    sys.modules["qsec6g.zerotrust.decision"] = mod
    return mod


class FakeEngine:
    feature_names = ("bytes", "packets", "duration")

    def __init__(self, model_version: str = "fake-1", scale: float = 1000.0) -> None:
        mod = ensure_decision_module()
        self.model_version = model_version
        self.scale = scale
        self.thresholds = mod.Thresholds(gamma1=0.5, gamma2=0.8)
        self.calls = 0

    def set_thresholds(self, thresholds) -> None:  # noqa: ANN001
        self.thresholds = thresholds

    def _one(self, user, device, row: np.ndarray):  # noqa: ANN001
        mod = ensure_decision_module()
        t = self.thresholds
        score = float(np.clip(row[0] / self.scale, 0.0, 1.0))
        context = 0.0 if device.managed else 0.1
        risk = float(min(1.0, score + context))
        outcome = "grant" if risk < t.tau_restrict else ("restrict" if risk < t.tau_deny else "deny")
        cls = "normal" if score < t.gamma1 else ("suspicious" if score < t.gamma2 else "malicious")
        expl = sorted(
            [mod.Contribution("feature:bytes", score), mod.Contribution("unmanaged_device", context)],
            key=lambda c: -abs(c.value),
        )
        self.calls += 1
        return mod.Decision(outcome, risk, score, cls, t, tuple(expl), self.model_version)

    def decide(self, user, device, features: Mapping[str, float]):  # noqa: ANN001
        for n in self.feature_names:
            if n not in features:
                raise UserInputError(f"missing feature '{n}'")
        return self._one(user, device, np.array([features[n] for n in self.feature_names], dtype=float))

    def decide_batch(self, users: Sequence, devices: Sequence, features: np.ndarray) -> list:
        return [self._one(u, d, row) for u, d, row in zip(users, devices, np.asarray(features, dtype=float))]


def save_fake(engine: FakeEngine, path: Path) -> Path:
    Path(path).write_text(json.dumps({"model_version": engine.model_version, "scale": engine.scale}))
    return Path(path)


def load_fake(path: Path) -> FakeEngine:
    data = json.loads(Path(path).read_text())
    return FakeEngine(data["model_version"], data["scale"])


def fake_trainer(X_fb, y_fb, feature_names, seed, progress):  # noqa: ANN001
    """Retrain stand-in: a new fake engine whose scale moves with the feedback (more attacks -> more
    sensitive)."""
    progress(0.5, "fitting fake engine")
    scale = 1000.0 * (0.9 if (len(y_fb) and y_fb.mean() > 0.5) else 1.1)
    return FakeEngine(scale=scale), X_fb, y_fb
