"""Data/label derivation, defences, federated aggregation, trojans, CLI — on small sizes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from qsec6g.colosseum import read_srsran_csv
from qsec6g.errors import DataError
from qsec6g.qml import data as D
from qsec6g.qml import defences as DF
from qsec6g.qml import federated as FL
from qsec6g.qml import trojan as TJ
from qsec6g.qml.circuits import QuantumClassifier
from qsec6g.qml.models import LogisticRegression, accuracy, train

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "colosseum-oran").exists(), reason="shared ColO-RAN data not present")


# ------------------------------------------------------------------------------------------------------------ data
@needs_data
def test_coloran_loader_drops_truncated_rows_and_labels_are_not_features() -> None:
    df = D.load_ue_kpis(DATA)
    assert set(df["ue"]) == {1, 2, 3, 4, 5, 6}
    assert not df.isna().any().any() and (df["is_attached"] == 1).all()
    ds = D.degraded_link_dataset(df, 2.0)
    assert not set(ds.features) & set(D.LABEL_SOURCES)
    np.testing.assert_array_equal(ds.y, (df["dl_bler"].to_numpy() > 2.0).astype(int))
    # the label cannot be read off any single feature exactly (no feature is a relabelled copy of dl_bler)
    for k in range(ds.X.shape[1]):
        assert abs(np.corrcoef(ds.X[:, k], df["dl_bler"])[0, 1]) < 0.9


def test_truncated_final_row_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "ue1.csv"
    p.write_text("a,b,c\n1,2,3\n4,5,6\n7,8")
    assert read_srsran_csv(p, require_final_newline=True).shape == (2, 3)
    p.write_text("a,,b\n1,,2\n")  # empty header names are separators
    assert list(read_srsran_csv(p, require_final_newline=True).columns) == ["a", "b"]


def test_circular_or_bad_task_definitions_are_errors(tmp_path: Path) -> None:
    import pandas as pd

    df = pd.DataFrame({"dl_bler": [0.0, 5.0], "dl_snr": [1.0, 2.0], "rsrp": [1.0, 2.0], "ue": [1, 1]})
    with pytest.raises(DataError, match="circular"):
        D.degraded_link_dataset(df, 2.0, features=("rsrp", "dl_snr"))
    with pytest.raises(DataError, match="single class"):
        D.degraded_link_dataset(df, 50.0, features=("rsrp",))
    with pytest.raises(DataError, match="no ue"):
        D.load_ue_kpis(tmp_path)
    (tmp_path / "ue1.csv").write_text("time,rsrp\n0,1\n")
    with pytest.raises(DataError, match="missing columns"):
        D.load_ue_kpis(tmp_path)


# ------------------------------------------------------------------------------------------------------ federated
def test_robust_aggregators_resist_a_malicious_minority_where_fedavg_fails() -> None:
    rng = np.random.default_rng(0)
    honest = rng.normal(1.0, 0.1, (9, 20))
    bad = np.full((3, 20), -50.0)
    u = np.vstack([honest, bad])
    w = np.ones(12)
    assert np.abs(FL.aggregate(u, w, "fedavg") - 1.0).max() > 5
    for rule in ("median", "trimmed_mean", "krum"):
        agg = FL.aggregate(u, w, rule, trim=0.25, n_malicious=3)
        assert np.abs(agg - 1.0).max() < 0.3, rule
    np.testing.assert_allclose(FL.aggregate(honest, np.ones(9), "fedavg"), honest.mean(0))
    with pytest.raises(ValueError, match="aggregator"):
        FL.aggregate(u, w, "mean-ish")


def test_federated_training_end_to_end_with_inverted_attackers() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] - X[:, 1] > 0).astype(np.int64)
    ue = np.repeat(np.arange(6), 100)
    shards = FL.shard_by_ue(ue, 1, rng)

    def make():
        torch.manual_seed(0)
        return LogisticRegression(4)

    kw = dict(n_malicious=2, behaviour="inverted", boost=10.0, rounds=4, local_epochs=2, lr=0.05, seed=0)
    avg = FL.run_federated(make, X, y, shards, X, y, "fedavg", **kw).rows[-1]["test_accuracy"]
    med = FL.run_federated(make, X, y, shards, X, y, "median", **kw).rows[-1]["test_accuracy"]
    clean = FL.run_federated(make, X, y, shards, X, y, "fedavg", **{**kw, "n_malicious": 0}).rows[-1]
    assert clean["test_accuracy"] > 0.9 and med > 0.9 and avg < 0.6
    with pytest.raises(ValueError, match="n_malicious"):
        FL.run_federated(make, X, y, shards, X, y, "fedavg", n_malicious=6)


# ------------------------------------------------------------------------------------------------------- defences
def _toy(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 11))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)


def test_quantisation_masks_gradients_and_bpda_sees_through() -> None:
    from qsec6g.qml.attacks import make_attack, robustness_curve

    X, y = _toy()
    m = LogisticRegression(11)
    train(m, X, y, epochs=30, lr=0.05)
    q = DF.Quantised(m, 0.5)
    att = make_attack("pgd_linf", 10)
    plain = robustness_curve(q, X[:200], y[:200], [0.4], att)[0]["robust_accuracy"]
    bpda = robustness_curve(q.bpda(), X[:200], y[:200], [0.4], att, predict_model=q)[0]["robust_accuracy"]
    assert plain == robustness_curve(q, X[:200], y[:200], [0.0], att)[0]["robust_accuracy"]  # zero gradient
    assert bpda < plain - 0.1


def test_sanitisation_removes_most_backdoor_rows() -> None:
    X, y = _toy(800)
    poison = FL.add_trigger(X[:40], 0, 8.0)
    Xp = np.vstack([X, poison])
    yp = np.concatenate([y, np.ones(40, int)])
    keep = DF.sanitise(Xp, yp, spectral_fraction=0.05)
    assert (~keep[800:]).mean() > 0.9 and keep[:800].mean() > 0.9


def test_distillation_and_adversarial_training_run_and_keep_accuracy() -> None:
    X, y = _toy(300)
    t, s = LogisticRegression(11, 0), LogisticRegression(11, 1)
    DF.distill(t, s, X, y, temperature=10.0, epochs=80, lr=0.05)
    assert accuracy(s, X, y) > 0.85
    a = LogisticRegression(11)
    DF.adversarial_training(a, X, y, 0.1, "fgsm", epochs=20, lr=0.05)
    assert accuracy(a, X, y) > 0.85
    with pytest.raises(ValueError, match="temperature"):
        DF.distill(t, s, X, y, temperature=0)


# -------------------------------------------------------------------------------------------------------- trojans
def test_trojan_is_silent_off_trigger_flips_on_it_and_is_detected() -> None:
    X, y = _toy(200)
    m = QuantumClassifier(11, 4, 2, "amplitude", seed=0)
    train(m, X, y, epochs=3, lr=0.05)
    comp = TJ.untrusted_compile(m, trojan_feature=0, trojan_threshold=4.0)
    xs = torch.as_tensor(np.clip(X, -3.9, 3.9))
    with torch.no_grad():
        assert torch.allclose(comp(xs), m(xs), atol=1e-12)  # identity below the threshold
        trig = xs.clone()
        trig[:, 0] = 5.0
        z_m = m.expvals(m.encode(trig))
        z_c = TJ.TrojanedClassifier(m, 0, 4.0)  # RX(π) on every wire: every ⟨Z_k⟩ flips sign
        psi = m.evolve(m.encode(trig))
        assert torch.allclose(m.head(-z_m)[:, 0], z_c(trig), atol=1e-10)
        assert psi is not None
    assert TJ.inspect_circuit(comp, m) and not TJ.inspect_circuit(TJ.untrusted_compile(m), m)
    assert TJ.weights_digest(TJ.untrusted_compile(m, tamper_sigma=0.1)) != TJ.weights_digest(m)
    assert TJ.output_statistics(comp, m, 11, seed=0)["disagreement"] > 0
    assert TJ.output_statistics(TJ.untrusted_compile(m), m, 11)["disagreement"] == 0


# ------------------------------------------------------------------------------------------------------------ CLI
def test_cli_bad_config_is_a_one_line_usage_error(tmp_path: Path, capsys) -> None:
    from qsec6g.cli.main import main

    cfg = tmp_path / "c.yaml"
    cfg.write_text("eps_grid: [0.1]\nno_such_key: 1\n")
    assert main(["qml", "attack", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 2
    assert "no_such_key" in capsys.readouterr().err
    cfg.write_text("pgd_steps: 0\n")
    assert main(["qml", "attack", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 2


@needs_data
def test_cli_federated_quick_writes_report_and_manifest(tmp_path: Path) -> None:
    import json

    from qsec6g.cli.main import main

    cfg = tmp_path / "f.yaml"
    cfg.write_text("data: {n_max: 300}\nrounds: 1\nlocal_epochs: 1\naggregators: [fedavg, median]\n"
                   "behaviours: [inverted]\nmodel: logreg\n")
    assert main(["qml", "federated", "--config", str(cfg), "--out", str(tmp_path / "o"), "--seed", "3"]) == 0
    man = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert man["seeds"] == [3] and (tmp_path / "o" / "report.html").stat().st_size > 1000
    assert (tmp_path / "o" / "federated.parquet").exists()
