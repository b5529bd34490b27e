import json

import numpy as np

from qsec6g.cli.main import main
from qsec6g.twin.agents.heuristic import RulePolicy
from qsec6g.twin.agents.reinforce import (
    ReinforceConfig,
    SoftmaxLinearPolicy,
    discounted_returns,
    features,
    policy_gradient,
    softmax,
    train_reinforce,
)
from qsec6g.twin.defence import Action


def test_policy_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    theta = rng.normal(size=(4, 4))
    obs, actions, adv = rng.random((30, 3)), rng.integers(0, 4, 30), rng.normal(size=30)

    def objective(th):
        p = softmax(features(obs) @ th.T)
        logp = np.log(p[np.arange(30), actions])
        ent = -(p * np.log(p)).sum(1)
        return np.mean(adv * logp) + 0.01 * ent.mean()

    g = policy_gradient(theta, obs, actions, adv, 0.01)
    eps = 1e-6
    num = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        d = np.zeros_like(theta)
        d[idx] = eps
        num[idx] = (objective(theta + d) - objective(theta - d)) / (2 * eps)
    np.testing.assert_allclose(g, num, atol=1e-7)


def test_discounted_returns():
    np.testing.assert_allclose(discounted_returns(np.array([[1.0, 1.0, 1.0]]), 0.5), [[1.75, 1.5, 1.0]])


def test_reinforce_learns_a_contextual_bandit_and_stops_early():
    # reward 0 for the right action: defend (1) when F is low, do nothing (0) when F is high
    def rollout(policy, rng):
        obs = np.zeros((32, 1, 3))
        obs[..., 0] = rng.random((32, 1))
        a = policy.act(obs.reshape(-1, 3), rng).reshape(32, 1)
        good = np.where(obs[..., 0] < 0.5, 1, 0)
        return obs, a, -(a != good).astype(float)

    evals = []

    def validate(policy):
        evals.append(1)
        return 0.5  # never improves -> early stop after patience evaluations

    cfg = ReinforceConfig(lr=0.05, updates=400, eval_every=10, patience=5)
    pol, _ = train_reinforce(rollout, None, cfg, 0)
    test = np.array([[0.1, 0, 0], [0.9, 0, 0]])
    assert list(pol.act(test)) == [1, 0]
    _, log2 = train_reinforce(rollout, validate, cfg, 0)
    assert len(evals) == 6 and len(log2) == 60  # first eval sets the best, then 5 without improvement


def test_act_one_equals_batch_act():
    pol = SoftmaxLinearPolicy(np.random.default_rng(3).normal(size=(4, 4)))
    obs = np.random.default_rng(4).random((20, 3))
    assert [pol.act_one(o) for o in obs] == list(pol.act(obs))


def test_rule_policy():
    obs = np.array([[0.95, 0.1, 0.1], [0.5, 1.2, 0.4], [0.5, 0.1, 0.4]])
    assert list(RulePolicy().act(obs)) == [Action.NOOP, Action.PURIFY, Action.REINIT]


def test_cli_run_writes_report_manifest_and_tables(tmp_path):
    cfg = tmp_path / "twin.yaml"
    cfg.write_text("seeds: [42]\nscenarios: [S2, S5]\nepisodes: 8\nsteps: 4\nshots: 500\n"
                   "agents: [noop, rule, reinforce]\nattacks: [dos, cptp_poisoning]\nreinforce_updates: 3\n"
                   "reinforce_batch: 4\nbootstrap: 20\nlatency_repeat: 5\nscalability_qubits: [3, 4]\n")
    out = tmp_path / "run"
    assert main(["twin", "run", "--config", str(cfg), "--out", str(out)]) == 0
    for name in ("report.html", "manifest.json", "episodes.parquet", "detection.parquet", "latency.parquet",
                 "scalability.parquet", "trajectories.png", "scalability.png"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seeds"] == [42] and "42" in manifest["splits"]
    html = (out / "report.html").read_text()
    assert "paper (as published)" in html and "data:image/png;base64" in html


def test_cli_bad_config_and_bad_input_exit_2(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("scenarios: [S1, S77]\n")
    assert main(["twin", "run", "--config", str(cfg), "--out", str(tmp_path / "x")]) == 2
    cfg.write_text("episods: 3\n")
    assert main(["twin", "run", "--config", str(cfg), "--out", str(tmp_path / "x")]) == 2
    assert main(["twin", "telemetry", "--use-case", "bogus"]) == 2
    assert main(["twin", "colosseum", str(tmp_path / "missing.csv")]) == 2
