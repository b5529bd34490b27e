"""The ``qsec6g`` entry point: help everywhere, version, exit codes, one-line user errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from qsec6g import __version__
from qsec6g.cli.main import app, main
from qsec6g.cli.parts import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"qsec6g {__version__}"


@pytest.mark.parametrize("name", ["demo", "bench", *SUBCOMMANDS])
def test_help_on_every_command(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    assert "Usage" in capsys.readouterr().out


def test_every_part_has_a_subcommand() -> None:
    assert {"twin", "ztf", "serve", "qkd", "rrm", "qml"} <= set(SUBCOMMANDS)
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert {"demo", "bench", "twin", "ztf", "serve", "qkd", "rrm", "qml"} <= names


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2


def test_unknown_bench_suite_is_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "no-such-suite"]) == 2
    err = capsys.readouterr().err
    assert "unknown benchmark suite 'no-such-suite'" in err
    assert "Traceback" not in err


def test_module_entry_point_exit_code() -> None:
    proc = subprocess.run([sys.executable, "-m", "qsec6g", "bench", "nope"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert len(blocks) == 2, "the quickstart has exactly two commands"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in readme and "test-command" in ci
