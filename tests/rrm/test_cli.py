"""``qsec6g rrm`` commands end to end on tiny configs, and their error paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qsec6g.cli.main import main
from qsec6g.results import read_table


def _config(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cfg.yaml"
    p.write_text(text)
    return p


def test_link_writes_report_tables_and_manifest(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "n_users: 2\nn_antennas: 4\ndraws: 20\nsymbols: 8\nsnr_db: [0, 10]\nspeeds_kmh: [0]\n")
    out = tmp_path / "link"
    assert main(["rrm", "link", "--config", str(cfg), "--out", str(out), "--seed", "3"]) == 0
    df = read_table(out / "link.parquet")
    assert set(df.precoder) == {"MRT", "ZF", "MMSE"} and len(df) == 2 * 3 * 3
    assert json.loads((out / "manifest.json").read_text())["seeds"] == [3]
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "Proakis" in html


def test_schedule_quick_is_reproducible(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "sizes: [6]\ninstances: 1\nlimit: 2\nqaoa_depths: [1]\nsa_reads: 5\nga_generations: 5\n"
                            "symbols: 50\n")
    tables = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert main(["rrm", "schedule", "--config", str(cfg), "--out", str(out)]) == 0
        tables.append(read_table(out / "schedule.parquet").drop(columns=["seconds"]))
    assert tables[0].equals(tables[1])
    assert {"exact", "QAOA p=1", "SA", "GA", "greedy", "round-robin"} <= set(tables[0].solver)
    paper = read_table(tmp_path / "a" / "paper_tables.parquet")
    assert paper.loc[paper.solver == "SA", "paper_time_s"].item() == 4.12


@pytest.mark.parametrize(("yaml", "needle"), [
    ("snr_db: []\n", "SNR grid is empty"),
    ("nope: 1\n", "unknown key 'nope'"),
    ("n_users: 9\nn_antennas: 4\n", "n_users <= n_antennas"),
])
def test_link_config_errors_are_one_line_usage_errors(tmp_path: Path, yaml: str, needle: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rrm", "link", "--config", str(_config(tmp_path, yaml)), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_schedule_infeasible_limit_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _config(tmp_path, "sizes: [6]\nlimit: 3\nbeams: 3\n")  # 2 users cannot fill 3 streams
    assert main(["rrm", "schedule", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 2
    assert "K=3 is infeasible" in capsys.readouterr().err


def test_spectrum_missing_data_dir_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rrm", "spectrum", "--quick", "--dataset", "colosseum", "--data-dir", str(tmp_path),
                 "--out", str(tmp_path / "o")]) == 2
    assert "no ColO-RAN slice metrics" in capsys.readouterr().err


def test_spectrum_writes_table_iv_and_split(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "s"
    cfg = _config(tmp_path, "samples: 200\nchannels: 1\nepochs: 2\nbootstrap: 50\n")
    assert main(["rrm", "spectrum", "--config", str(cfg), "--out", str(out)]) == 0
    t = read_table(out / "table_iv.parquet")
    assert list(t.model) == ["DNN", "hybrid"]
    split = json.loads((out / "manifest.json").read_text())["split"]
    assert len(split["train_index"]) > len(split["test_index"]) > 0


def test_bench_suite_is_registered() -> None:
    import importlib

    from qsec6g.bench import SUITES

    assert SUITES["rrm"] == "qsec6g.bench.rrm"
    assert callable(importlib.import_module(SUITES["rrm"]).run)
