"""The full CQDT evaluation protocol behind ``qsec6g twin run``: train, roll out, detect, test, time.

For every seed: train REINFORCE (and the selected SB3 agents) on training episodes drawn from all scenarios; roll
out every policy on every scenario with the *same* evaluation episodes (seeded per seed × scenario); collect
episode rows; run the detection study on passively monitored (no-op) episodes of S1–S9 and of the Table-3
attacks, with a stratified 70/15/15 episode split; and time the defence cycle per module. All results are
tables (pandas); :mod:`qsec6g.twin.report` turns them into figures and the HTML report.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from qsec6g.config import StrictModel
from qsec6g.seeding import make_rng
from qsec6g.twin import detection as det
from qsec6g.twin.adversary import ATTACKS, SCENARIOS, AttackType
from qsec6g.twin.agents.heuristic import NoopPolicy, RandomPolicy, RulePolicy
from qsec6g.twin.agents.reinforce import ReinforceConfig, episode_defence_scores, train_reinforce
from qsec6g.twin.evaluation import (
    episode_rows,
    latency_breakdown,
    paired_tests,
    rollout,
    scalability_sweep,
    summarise,
)
from qsec6g.twin.simulator import TwinConfig

AGENTS = ("noop", "random", "rule", "reinforce", "a2c", "ppo", "dqn")


def _require_known(values: list[str], allowed, what: str, shown=None) -> None:  # noqa: ANN001
    """``ValueError`` naming the unknown ``what``(s) among ``values`` and the known ones (``shown`` or ``allowed``)."""
    bad = [x for x in values if x not in allowed]
    if bad:
        raise ValueError(f"unknown {what}(s) {bad}; known: {', '.join(shown if shown is not None else allowed)}")


class TwinRunConfig(StrictModel):
    """Configuration of ``qsec6g twin run`` (YAML keys = field names)."""

    seeds: list[int] = Field(default_factory=lambda: [42, 43, 44], min_length=1)
    scenarios: list[str] = Field(default_factory=lambda: list(SCENARIOS), min_length=1)
    episodes: int = Field(30, ge=4)
    steps: int = Field(50, ge=2)
    shots: int | None = Field(10_000, ge=2)
    layout: Literal["composite", "ghz", "cluster"] = "composite"
    weights: tuple[float, float, float] = (1.0, 0.5, 0.5)
    action_cost_weight: float = Field(0.0, ge=0)
    indicator_channels: bool = False
    region: tuple[float, float, float] = (0.90, 0.40, 0.20)
    agents: list[str] = Field(default_factory=lambda: list(AGENTS), min_length=1)
    reinforce_updates: int = Field(100, ge=1)
    reinforce_batch: int = Field(32, ge=2)
    reinforce_baseline: Literal["moving_average", "value"] = "moving_average"
    sb3_timesteps: int = Field(10_000, ge=100)
    attacks: list[str] = Field(default_factory=lambda: list(ATTACKS))
    attack_scenario: str = "S0"
    bootstrap: int = Field(1000, ge=10)
    latency_repeat: int = Field(200, ge=5)
    scalability_qubits: list[int] = Field(default_factory=lambda: [3, 5, 7, 9])

    @field_validator("scenarios", "attack_scenario")
    @classmethod
    def _scenarios(cls, v: list[str] | str) -> list[str] | str:
        _require_known([v] if isinstance(v, str) else v, (*SCENARIOS, "S0"), "scenario", SCENARIOS)
        return v

    @field_validator("scalability_qubits")
    @classmethod
    def _qubits(cls, v: list[int]) -> list[int]:
        if any(not 1 <= n <= 10 for n in v):
            raise ValueError("scalability qubit counts must lie in 1..10")
        return v

    @field_validator("agents")
    @classmethod
    def _agents(cls, v: list[str]) -> list[str]:
        _require_known(v, AGENTS, "agent")
        return v

    @field_validator("attacks")
    @classmethod
    def _attacks(cls, v: list[str]) -> list[str]:
        _require_known(v, ATTACKS, "attack")
        return v

    def twin(self) -> TwinConfig:
        return TwinConfig(steps=self.steps, shots=self.shots, layout=self.layout, weights=self.weights,
                          action_cost_weight=self.action_cost_weight, indicator_channels=self.indicator_channels)


QUICK = {"seeds": [42], "scenarios": ["S2", "S4", "S6", "S8"], "episodes": 10, "steps": 20, "shots": 2000,
         "reinforce_updates": 15, "reinforce_batch": 16, "sb3_timesteps": 1000, "bootstrap": 200,
         "latency_repeat": 30, "scalability_qubits": [3, 5, 7],
         "attacks": ["intercept_resend", "cptp_poisoning", "false_data_injection", "dos"]}


def sub_seed(seed: int, *parts: str) -> int:
    """A stable integer seed for (seed, parts...) — the same evaluation episodes for every policy."""
    return (seed * 1_000_003 + zlib.crc32("/".join(parts).encode())) % 2**32


@dataclass
class Results:
    """Every table the report needs."""

    episodes: pd.DataFrame
    summary: pd.DataFrame
    tests: pd.DataFrame
    detection: pd.DataFrame
    typing: pd.DataFrame
    trajectories: pd.DataFrame
    latency: pd.DataFrame
    training: pd.DataFrame
    scalability: pd.DataFrame = field(default_factory=pd.DataFrame)
    splits: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    info_bits: float = 0.0


def _train_policies(cfg: TwinRunConfig, seed: int, tw: TwinConfig, log: list[dict]) -> dict[str, object]:
    policies: dict[str, object] = {}
    for name in cfg.agents:
        if name == "noop":
            policies[name] = NoopPolicy()
        elif name == "random":
            policies[name] = RandomPolicy(sub_seed(seed, "random"))
        elif name == "rule":
            policies[name] = RulePolicy(cfg.region)
        elif name == "reinforce":
            policies[name] = _train_reinforce(cfg, seed, tw, log)
        else:
            from qsec6g.twin.agents.sb3 import train_sb3

            policies[name] = train_sb3(name, cfg.scenarios, tw, cfg.sb3_timesteps, seed)
    return policies


def _train_reinforce(cfg: TwinRunConfig, seed: int, tw: TwinConfig, log: list[dict]) -> object:
    gen = make_rng(sub_seed(seed, "reinforce-train"))

    def train_rollout(policy, rng):
        sc = cfg.scenarios[int(rng.integers(len(cfg.scenarios)))]
        r = rollout(lambda o: policy.act(o, rng), sc, cfg.reinforce_batch, tw, rng)
        return _obs_before(r), r.actions, r.rewards

    val_seed = sub_seed(seed, "reinforce-val")

    def validate(policy) -> float:
        scores, labels = [], []
        for sc in cfg.scenarios:
            r = rollout(policy.act, sc, max(4, cfg.reinforce_batch // 4), tw, sub_seed(val_seed, sc))
            scores.append(episode_defence_scores(policy, _obs_before(r)))
            labels.append(r.attacked)
        y = np.concatenate(labels)
        auc = det.roc_auc(y, np.concatenate(scores))
        return 0.5 if np.isnan(auc) else auc

    rc = ReinforceConfig(updates=cfg.reinforce_updates, baseline=cfg.reinforce_baseline)
    policy, tlog = train_reinforce(train_rollout, validate, rc, gen)
    log.extend({"seed": seed, "agent": "reinforce", **e} for e in tlog)
    return policy


def _obs_before(r) -> np.ndarray:
    """Observations the policy acted on at each step: the initial [1, 0, 0] then the previous step's."""
    first = np.tile(np.array([1.0, 0.0, 0.0]), (r.obs.shape[0], 1, 1))
    return np.concatenate([first, r.obs[:, :-1]], axis=1)


def _detection(cfg: TwinRunConfig, seed: int, passive: dict[str, object], attack_runs: dict[str, object],
               splits: dict) -> tuple[list[dict], list[dict]]:
    """Detection and typing on the passively monitored episodes of one seed."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    runs = {**passive, **attack_runs}  # source (scenario or attack name) -> passive rollout
    q = np.concatenate([det.qobs_features(r.obs) for r in runs.values()])
    tel = np.concatenate([det.telemetry_features(r.telemetry) for r in runs.values()])
    y = np.concatenate([r.attacked for r in runs.values()])
    source = np.concatenate([[name] * len(r.attacked) for name, r in runs.items()])
    kind = np.where(y, source, "none")
    strata = np.array([f"{s}|{a}" for s, a in zip(source, y)])
    sp = det.split_episodes(strata, sub_seed(seed, "split"))
    splits[str(seed)] = {k: v.tolist() for k, v in sp.items()}
    tr, va, te = sp["train"], sp["val"], sp["test"]
    gen = make_rng(sub_seed(seed, "bootstrap"))
    rows: list[dict] = []

    def record(method: str, pred: np.ndarray, score: np.ndarray, cv: float | None = None) -> None:
        m = det.detection_metrics(y[te], pred, score)
        idx = gen.integers(0, len(te), size=(cfg.bootstrap, len(te)))
        boot = np.array([[det.detection_metrics(y[te][i], pred[i], score[i])[k] for k in ("DR", "FPR", "AUC", "MCC")]
                         for i in idx[: min(cfg.bootstrap, 1000)]])
        lo, hi = np.nanquantile(boot, 0.025, axis=0), np.nanquantile(boot, 0.975, axis=0)
        row = {"seed": seed, "method": method, "test_episodes": len(te), **m, "cv_auc": cv}
        row.update({f"{k}_lo": float(a) for k, a in zip(("DR", "FPR", "AUC", "MCC"), lo)})
        row.update({f"{k}_hi": float(b) for k, b in zip(("DR", "FPR", "AUC", "MCC"), hi)})
        rows.append(row)

    qd = det.QObsDetector().fit(q[va], y[va])
    record("Q-OBS thresholds", qd.predict(q[te]), qd.score(q[te]))
    trval = np.concatenate([tr, va])
    cv = StratifiedKFold(5, shuffle=True, random_state=seed % 2**31)
    for name, model, x in (
        ("Q-OBS logistic", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), q),
        ("IDS logistic (telemetry)", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), tel),
        ("IDS gradient boosting (telemetry)", GradientBoostingClassifier(random_state=seed % 2**31), tel),
    ):
        cv_score = cross_val_predict(model, x[trval], y[trval], cv=cv, method="predict_proba")[:, 1]
        cv_auc = det.roc_auc(y[trval], cv_score)
        model.fit(x[tr], y[tr])
        s = model.predict_proba(x[te])[:, 1]
        record(name, s > 0.5, s, cv_auc)
    normal_tr = tr[~y[tr]]
    ae = det.AutoencoderDetector(seed % 2**31).fit(tel[normal_tr]).calibrate(tel[va][~y[va]])
    record("IDS autoencoder (telemetry)", ae.predict(tel[te]), ae.score(tel[te]))

    typing_rows: list[dict] = []
    att_tr, att_te = tr[y[tr]], te[y[te]]
    for name, x in (("Q-OBS logistic head", q), ("IDS gradient boosting (telemetry)", tel)):
        if len(np.unique(kind[att_tr])) < 2:
            continue
        model = (make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)) if name.startswith("Q-OBS")
                 else GradientBoostingClassifier(random_state=seed % 2**31))
        model.fit(x[att_tr], kind[att_tr])
        pred = model.predict(x[att_te])
        for k in np.unique(kind[att_te]):
            sel = kind[att_te] == k
            typing_rows.append({"seed": seed, "method": name, "class": str(k), "test_episodes": int(sel.sum()),
                                "accuracy": float((pred[sel] == k).mean())})
    return rows, typing_rows


def run_protocol(cfg: TwinRunConfig, progress: Callable[[str], None] | None = None) -> Results:
    """Run the whole protocol; ``progress(msg)`` is called before each unit of work."""
    say = progress or (lambda _m: None)
    tw = cfg.twin()
    ep_frames, traj_rows, det_rows, typ_rows, train_log = [], [], [], [], []
    splits: dict[str, dict[str, list[int]]] = {}
    info_bits = 0.0
    policies: dict[str, object] = {}
    for seed in cfg.seeds:
        say(f"seed {seed}: training {', '.join(a for a in cfg.agents if a in ('reinforce', 'a2c', 'ppo', 'dqn'))}")
        policies = _train_policies(cfg, seed, tw, train_log)
        passive: dict[str, object] = {}
        for sc in cfg.scenarios:
            say(f"seed {seed}: scenario {sc}")
            s_seed = sub_seed(seed, "eval", sc)
            for name, pol in policies.items():
                r = rollout(pol, sc, cfg.episodes, tw, s_seed, name=name)
                if name == "noop":
                    passive[sc] = r
                ep_frames.append(episode_rows(r, seed, cfg.region))
                att = r.attacked
                for t in range(cfg.steps):
                    vals = r.exact[att, t]
                    traj_rows.append({"seed": seed, "scenario": sc, "policy": name, "step": t + 1,
                                      "F": float(vals[:, 0].mean()) if len(vals) else np.nan,
                                      "S": float(vals[:, 1].mean()) if len(vals) else np.nan,
                                      "D": float(vals[:, 2].mean()) if len(vals) else np.nan})
            if sc not in passive:
                passive[sc] = rollout(NoopPolicy(), sc, cfg.episodes, tw, s_seed, name="noop")
        attack_runs: dict[str, object] = {}
        for name in cfg.attacks:
            atk = ATTACKS[name]()
            r = rollout(NoopPolicy(), cfg.attack_scenario, cfg.episodes, tw, sub_seed(seed, "attack", name),
                        attack=atk, name=name)
            if atk.label is AttackType.CLONING_PROBE:
                info_bits += atk.info_bits
            attack_runs[name] = r
        say(f"seed {seed}: detection")
        d, t = _detection(cfg, seed, passive, attack_runs, splits)
        det_rows += d
        typ_rows += t
    episodes = pd.concat(ep_frames, ignore_index=True)
    say("statistics")
    summary = summarise(episodes, cfg.bootstrap, rng=0)
    ref = "rule" if "rule" in cfg.agents else cfg.agents[0]
    tests = pd.concat([paired_tests(episodes[episodes["attacked"]], m, ref) for m in ("return", "F")],
                      ignore_index=True)
    say("latency")
    pol = policies.get("reinforce")
    infer = (lambda o: pol.act_one(o)) if pol is not None else (lambda o: 0)  # type: ignore[union-attr]
    latency = latency_breakdown(tw, infer, repeat=cfg.latency_repeat, seed=cfg.seeds[0])
    say(f"scalability sweep n = {cfg.scalability_qubits}")
    scal = scalability_sweep(cfg.scalability_qubits, repeat=min(30, cfg.latency_repeat), seed=cfg.seeds[0])
    return Results(episodes, summary, tests, pd.DataFrame(det_rows), pd.DataFrame(typ_rows), pd.DataFrame(traj_rows),
                   latency, pd.DataFrame(train_log), scal, splits, info_bits)
