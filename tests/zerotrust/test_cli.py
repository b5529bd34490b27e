"""`qsec6g ztf` commands end to end on small data (exit codes, outputs, one-line user errors)."""

import json

import numpy as np
import pandas as pd
import pytest

from qsec6g.cli.main import main


@pytest.fixture()
def flows_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 600
    attack = rng.random(n) < 0.4
    df = pd.DataFrame({
        "dur": rng.exponential(1, n) + 2 * attack, "pkts": rng.poisson(10, n) + 30 * attack,
        "proto": rng.choice(["tcp", "udp"], n), "flow_id": np.arange(n),
        "verdict": np.where(attack, "attack", "benign"),
    })
    p = tmp_path / "flows.csv"
    df.to_csv(p, index=False)
    return p


def test_eval_with_schema_on_the_command_line(flows_csv, tmp_path, capsys):
    out = tmp_path / "ev"
    code = main(["ztf", "eval", "--data", str(flows_csv), "--label", "verdict", "--normal", "benign",
                 "--categorical", "proto", "--drop", "flow_id", "--detectors", "logreg,iforest", "--quick",
                 "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert text.count("ROC-AUC") == 2 and "logreg" in text and "iforest" in text
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert set(metrics.detector) == {"logreg", "iforest"} and (metrics.roc_auc > 0.9).all()
    html = (out / "report.html").read_text()
    assert "data:image/png;base64" in html and "paper (claimed)" in html and "0.985" in html
    claims = html[html.index("paper (claimed)"):html.index("ROC, precision")]
    best = metrics.roc_auc.max()
    assert f"{best:.4f}" in claims and "ours (flows, realistic protocol)" in claims   # our number beside theirs
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["split_indices"]["realistic"]) == {"train", "val", "test"}


def test_train_then_score(flows_csv, tmp_path, capsys):
    model = tmp_path / "model"
    args = ["--data", str(flows_csv), "--label", "verdict", "--normal", "benign", "--categorical", "proto",
            "--drop", "flow_id"]
    assert main(["ztf", "train", *args, "--detector", "logreg", "--out", str(model)]) == 0
    assert (model / "engine.npz").is_file() and (model / "detector.skops").is_file()
    assert main(["ztf", "score", "--model", str(model), "--data", str(flows_csv), "--out", str(tmp_path / "s")]) == 0
    scores = pd.read_parquet(tmp_path / "s" / "scores.parquet")
    assert len(scores) == 600 and scores.anomaly_score.between(0, 1).all()
    unlabelled = tmp_path / "new.csv"
    pd.read_csv(flows_csv).drop(columns=["verdict"]).head(50).to_csv(unlabelled, index=False)
    assert main(["ztf", "score", "--model", str(model), "--data", str(unlabelled), "--out", str(tmp_path / "n")]) == 0
    assert (pd.read_parquet(tmp_path / "n" / "scores.parquet").label == -1).all()
    from qsec6g.zerotrust.decision import load_engine
    assert load_engine(model / "engine.npz").feature_names == ("dur", "pkts")


def test_segment_command(tmp_path, capsys):
    assert main(["ztf", "segment", "--rows", "4", "--cols", "4", "--runs", "3", "--out", str(tmp_path / "g")]) == 0
    df = pd.read_parquet(tmp_path / "g" / "segmentation.parquet")
    assert len(df) == 6 and (tmp_path / "g" / "segments.png").is_file()
    assert "attack-surface reduction" in capsys.readouterr().out


def test_user_errors_exit_2_with_one_line(flows_csv, tmp_path, capsys):
    code = main(["ztf", "eval", "--data", str(flows_csv), "--label", "nope", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "nope" in err and "Traceback" not in err
    code = main(["ztf", "train", "--data", str(flows_csv), "--label", "verdict", "--detector", "vqc",
                 "--out", str(tmp_path / "y")])
    assert code == 2
    assert main(["ztf", "segment", "--rows", "1", "--out", str(tmp_path / "z")]) == 2


def test_eval_from_yaml_config_and_config_errors(flows_csv, tmp_path, capsys):
    cfg = tmp_path / "eval.yaml"
    cfg.write_text(f"dataset: table\ndata: {flows_csv}\nlabel: verdict\nnormal: benign\ncategorical: proto\n"
                   "drop: flow_id\ndetectors: [logreg]\nn_boot: 20\nsegment_runs: 2\nstream_detector: logreg\n")
    assert main(["ztf", "eval", "--config", str(cfg), "--quick", "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out.count("ROC-AUC") == 1
    cfg.write_text("dataset: table\ndetectorz: [logreg]\n")
    assert main(["ztf", "eval", "--config", str(cfg), "--out", str(tmp_path / "p")]) == 2
    assert "detectorz" in capsys.readouterr().err
    cfg.write_text("dataset: table\n")
    assert main(["ztf", "eval", "--config", str(cfg), "--out", str(tmp_path / "q")]) == 2
    assert "schema" in capsys.readouterr().err
