"""``qsec6g qkd``: the documented run command, bad input exits 2 with one line, sweep artefacts."""

from __future__ import annotations

import json

import pytest

from qsec6g.cli.main import main
from qsec6g.results import read_table


def test_run_prints_qber_and_abort(capsys, tmp_path) -> None:
    code = main(["qkd", "run", "--protocol", "bb84-ideal", "--attack", "intercept-resend:1.0", "--pulses", "200000",
                 "--seed", "7", "--out", str(tmp_path)])
    assert code == 0
    text = capsys.readouterr().out
    assert "QBER" in text and "ABORT" in text and "sifted bits" in text
    report = json.loads((tmp_path / "report.json").read_text())
    assert 0.2 < report["qber"] < 0.3 and report["aborted"]
    assert (tmp_path / "manifest.json").is_file()


@pytest.mark.parametrize("args,needle", [
    (["--distance", "-1"], "distance_km"),
    (["--mu", "0"], "mu"),
    (["--misalignment", "1.5"], "misalignment"),
    (["--attack", "intercept-resend:2"], "[0, 1]"),
    (["--attack", "teleport:0.1"], "unknown attack"),
    (["--protocol", "b92"], "protocol"),
])
def test_bad_input_exits_2_with_one_line(args, needle, capsys) -> None:
    assert main(["qkd", "run", "--pulses", "10000", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and needle in err and "Traceback" not in err


def test_sweep_quick_writes_tables_figures_report(tmp_path, monkeypatch) -> None:
    from qsec6g.qkd import sweeps

    tiny = sweeps.SweepSizes(200_000, (0.0, 100.0), (0.0, 1.0), 200_000, 400_000, 2, (25.0,), (200_000,), 1)
    monkeypatch.setattr(sweeps, "CASCADE_QBERS", (0.02, 0.05))
    monkeypatch.setattr(sweeps.SweepSizes, "of", classmethod(lambda cls, quick: tiny))
    assert main(["qkd", "sweep", "--quick", "--out", str(tmp_path), "--seed", "3"]) == 0
    for name in ("keyrate_vs_distance", "qber_vs_fraction", "table_iii", "cascade_efficiency", "pns_detection"):
        assert (tmp_path / f"{name}.parquet").is_file()
    for name in ("keyrate_vs_distance.png", "qber_vs_fraction.png", "cascade_efficiency.png", "report.html",
                 "manifest.json"):
        assert (tmp_path / name).is_file()
    table = read_table(tmp_path / "table_iii.parquet")
    assert list(table.paper_qber_pct) == [1.2, 8.5, 6.7]
    qber = read_table(tmp_path / "qber_vs_fraction.parquet")
    full = qber[(qber.attack == "intercept-resend") & (qber.fraction == 1.0)].iloc[0]
    assert full.alarm and full.ci_low < full.theory_no_dark < full.ci_high


def test_config_file_is_validated_and_options_override_it(tmp_path, capsys) -> None:
    good = tmp_path / "link.yaml"
    good.write_text("protocol: bb84-ideal\npulses: 100000\ndevice:\n  distance_km: 5\n  misalignment: 0.01\n")
    out_dir = tmp_path / "out"
    assert main(["qkd", "run", "--config", str(good), "--distance", "7", "--out", str(out_dir)]) == 0
    report = json.loads((out_dir / "report.json").read_text())
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert report["distance_km"] == 7 and report["protocol"] == "bb84-ideal"
    assert manifest["config"]["device"]["misalignment"] == 0.01
    bad = tmp_path / "bad.yaml"
    bad.write_text("device:\n  distanse_km: 5\n")
    capsys.readouterr()
    assert main(["qkd", "run", "--config", str(bad)]) == 2
    assert "unknown key 'device.distanse_km'" in capsys.readouterr().err
