"""Policy decision: anomaly score + user/device context -> calibrated risk -> grant / restrict / deny, explained.

This module is the contract with the HTTP service (``docs/zerotrust.md``, "Service contract"). A decision is

1. ``s = scorer(features)`` — the detector's anomaly score in [0, 1];
2. risk class from ``s``: normal if s < γ1, suspicious if γ1 ≤ s < γ2, malicious if s ≥ γ2;
3. ``R = RiskModel(s, user, device)`` in [0, 1] (monotone in s, Platt-calibrated, see :mod:`.risk`);
4. outcome: grant if R < τ_restrict (0.65), restrict if τ_restrict ≤ R < τ_deny (0.8), deny if R ≥ τ_deny;
5. explanation: the terms of logit R (flow features c_i z_i scaled by the Platt slope, context terms, baseline),
   largest |value| first, in logit units; they sum exactly to logit R.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from qsec6g.errors import DataError, UserInputError
from qsec6g.zerotrust.risk import RiskModel, logit, sigmoid
from qsec6g.zerotrust.scorer import LinearScorer

Outcome = Literal["grant", "restrict", "deny"]
RiskClass = Literal["normal", "suspicious", "malicious"]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class UserContext:
    user_id: str
    role: str                      # e.g. "admin", "operator", "employee", "guest", "service"
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeviceContext:
    device_id: str
    managed: bool = True
    patch_age_days: float = 0.0    # days since last patch, >= 0
    known_location: bool = True


@dataclass(frozen=True)
class Contribution:
    name: str                      # "feature:<name>", a context term name, or "baseline"
    value: float                   # signed contribution to logit R (natural log-odds)


@dataclass(frozen=True)
class Thresholds:
    gamma1: float                  # anomaly-score threshold normal -> suspicious
    gamma2: float                  # anomaly-score threshold suspicious -> malicious
    tau_restrict: float = 0.65     # risk at/above which access is restricted
    tau_deny: float = 0.80         # risk at/above which access is denied

    def validate(self) -> Thresholds:
        """Raise UserInputError unless 0 ≤ γ1 < γ2 ≤ 1 and 0 < τ_restrict < τ_deny ≤ 1."""
        if not (0.0 <= self.gamma1 < self.gamma2 <= 1.0):
            raise UserInputError(f"thresholds need 0 <= gamma1 < gamma2 <= 1, got {self.gamma1}, {self.gamma2}")
        if not (0.0 < self.tau_restrict < self.tau_deny <= 1.0):
            raise UserInputError(
                f"thresholds need 0 < tau_restrict < tau_deny <= 1, got {self.tau_restrict}, {self.tau_deny}"
            )
        return self


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    risk: float                    # calibrated, in [0, 1]
    anomaly_score: float           # detector output, in [0, 1]
    risk_class: RiskClass          # from anomaly_score vs gamma1/gamma2
    thresholds: Thresholds
    explanation: tuple[Contribution, ...]   # top contributing terms, largest |value| first
    model_version: str


class PolicyDecisionEngine(Protocol):
    feature_names: tuple[str, ...]
    model_version: str
    thresholds: Thresholds

    def decide(self, user: UserContext, device: DeviceContext, features: Mapping[str, float]) -> Decision: ...

    def decide_batch(
        self, users: Sequence[UserContext], devices: Sequence[DeviceContext], features: np.ndarray,
    ) -> list[Decision]: ...

    def set_thresholds(self, thresholds: Thresholds) -> None: ...


def risk_class(score: float, t: Thresholds) -> RiskClass:
    """normal below γ1, suspicious in [γ1, γ2), malicious at γ2 or above."""
    return "normal" if score < t.gamma1 else ("suspicious" if score < t.gamma2 else "malicious")


def outcome(risk: float, t: Thresholds) -> Outcome:
    """grant below τ_restrict, restrict in [τ_restrict, τ_deny), deny at τ_deny or above."""
    return "grant" if risk < t.tau_restrict else ("restrict" if risk < t.tau_deny else "deny")


class PolicyEngine:
    """The in-process policy decision point: a :class:`LinearScorer`, a :class:`RiskModel` and thresholds."""

    def __init__(
        self, scorer: LinearScorer, risk_model: RiskModel, thresholds: Thresholds, model_version: str,
        top_k: int = 5,
    ) -> None:
        self.scorer = scorer
        self.risk_model = risk_model
        self.thresholds = thresholds.validate()
        self.model_version = model_version
        self.top_k = top_k

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.scorer.feature_names

    def set_thresholds(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds.validate()

    def feature_vector(self, features: Mapping[str, float]) -> np.ndarray:
        """Features in ``feature_names`` order as a (1, F) array; missing or non-finite values are user errors."""
        row = np.empty((1, len(self.feature_names)))
        for i, name in enumerate(self.feature_names):
            if name not in features:
                raise UserInputError(f"missing feature '{name}'")
            try:
                v = float(features[name])
            except (TypeError, ValueError):
                raise UserInputError(f"feature '{name}' is not a number: {features[name]!r}") from None
            if not np.isfinite(v):
                raise UserInputError(f"feature '{name}' is not finite: {v}")
            row[0, i] = v
        return row

    def decide(self, user: UserContext, device: DeviceContext, features: Mapping[str, float]) -> Decision:
        """One decision for one request (score + risk + policy + explanation)."""
        return self._decide_rows([user], [device], self.feature_vector(features))[0]

    def decide_batch(
        self, users: Sequence[UserContext], devices: Sequence[DeviceContext], features: np.ndarray,
    ) -> list[Decision]:
        """Decisions for N requests; ``features`` has shape (N, len(feature_names))."""
        X = np.asarray(features, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names):
            raise UserInputError(f"features must have shape (N, {len(self.feature_names)}), got {X.shape}")
        if not (len(users) == len(devices) == X.shape[0]):
            raise UserInputError(f"got {len(users)} users, {len(devices)} devices and {X.shape[0]} feature rows")
        bad = ~np.isfinite(X)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise UserInputError(f"feature '{self.feature_names[c]}' is not finite in row {r}: {X[r, c]}")
        return self._decide_rows(users, devices, X)

    def _decide_rows(
        self, users: Sequence[UserContext], devices: Sequence[DeviceContext], X: np.ndarray,
    ) -> list[Decision]:
        rm, t = self.risk_model, self.thresholds
        terms = self.scorer.terms(X)                            # (N, F) contributions to logit(s)
        score_logit = self.scorer.intercept + terms.sum(axis=1)
        scores = sigmoid(score_logit)
        # logit R uses logit(s) as clipped in RiskModel; the explanation splits it into features + baseline
        clipped = logit(scores)
        out = []
        for i, (u, d) in enumerate(zip(users, devices)):
            ctx = rm.context_terms(u.role, tuple(u.permissions), d.managed, d.patch_age_days, d.known_location)
            z = rm.risk_logit(float(clipped[i]), ctx)
            risk = float(sigmoid(z))
            parts = {f"feature:{n}": rm.slope * v for n, v in zip(self.feature_names, terms[i])}
            parts["baseline"] = rm.slope * (self.scorer.intercept + clipped[i] - score_logit[i]) + rm.intercept
            parts.update(ctx)
            top = sorted(parts.items(), key=lambda kv: -abs(kv[1]))[: self.top_k]
            s = float(scores[i])
            out.append(Decision(
                outcome=outcome(risk, t), risk=risk, anomaly_score=s, risk_class=risk_class(s, t), thresholds=t,
                explanation=tuple(Contribution(n, float(v)) for n, v in top), model_version=self.model_version,
            ))
        return out


def build_engine(
    X: np.ndarray, y: np.ndarray, feature_names: Sequence[str], log_features: Sequence[str] = (),
    model_version: str = "linear", seed: int = 0, val_fraction: float = 0.3,
) -> PolicyEngine:
    """Fit a scorer on a training part, then calibrate the risk model and choose γ1 < γ2 on a validation part.

    γ1 = argmax(TPR − FPR) (Youden); γ2 = the score at which the calibrated risk of the reference context reaches
    τ_deny, kept above γ1. Labels are 0 (normal) / 1 (attack).
    """
    from qsec6g.seeding import make_rng
    from qsec6g.zerotrust.thresholds import youden_threshold

    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
    rng = make_rng(seed)
    idx = rng.permutation(len(y))
    n_val = int(len(y) * val_fraction)
    val, tr = idx[:n_val], idx[n_val:]
    scorer = LinearScorer.fit(X[tr], y[tr], feature_names, log_features)
    s_val = scorer.score(X[val])
    rm = RiskModel().calibrate(s_val, y[val])
    g1 = youden_threshold(y[val], s_val)
    tau = Thresholds(0.0, 1.0).tau_deny
    g2 = float(sigmoid((logit(tau) - rm.intercept) / rm.slope))  # reference context: risk = tau_deny here
    g2 = min(max(g2, g1 + 1e-3), 1.0)
    g1 = min(g1, g2 - 1e-3)
    return PolicyEngine(scorer, rm, Thresholds(float(g1), float(g2)), model_version)


def default_engine(seed: int = 0) -> PolicyEngine:
    """A ready engine trained on built-in synthetic flows (:mod:`.synthetic`; no external data, < 1 s)."""
    from qsec6g.zerotrust.synthetic import FEATURES, LOG_FEATURES, synthetic_flows

    X, y = synthetic_flows(4000, attack_fraction=0.3, seed=seed)
    return build_engine(X.to_numpy(), y, FEATURES, LOG_FEATURES, model_version=f"default-linear-seed{seed}", seed=seed)


def save_engine(engine: PolicyEngine, path: str | Path) -> Path:
    """Write the engine to one ``.npz`` file (numbers and strings only; loaded with ``allow_pickle=False``)."""
    meta = {
        "format": FORMAT_VERSION, "model_version": engine.model_version, "top_k": engine.top_k,
        "thresholds": engine.thresholds.__dict__, "risk_model": engine.risk_model.to_dict(),
    }
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("wb") as fh:
        np.savez(fh, meta=np.array(json.dumps(meta)), **engine.scorer.to_arrays())
    return p


def load_engine(path: str | Path) -> PolicyEngine:
    """Read an engine written by :func:`save_engine`; a missing or malformed file is a :class:`DataError`."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: engine file not found")
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(str(arrays.pop("meta")))
        if meta.get("format") != FORMAT_VERSION:
            raise DataError(f"{p}: unsupported engine format {meta.get('format')!r}")
        return PolicyEngine(
            LinearScorer.from_arrays(arrays), RiskModel.from_dict(meta["risk_model"]),
            Thresholds(**meta["thresholds"]), meta["model_version"], meta["top_k"],
        )
    except (KeyError, ValueError, OSError, TypeError) as exc:
        raise DataError(f"{p}: not a valid engine file ({exc})") from None
