"""``qsec6g keys`` and ``qsec6g audit verify`` against a temporary QSEC6G_HOME."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qsec6g.cli.main import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QSEC6G_HOME", str(tmp_path))
    monkeypatch.delenv("QSEC6G_DATABASE_URL", raising=False)
    return tmp_path


def test_keys_create_list_revoke_and_verify(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--name", "ops", "--role", "operator"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("qs6_")
    key_id = token.split("_")[1]
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert key_id in listing and "operator" in listing and token.split("_", 2)[2] not in listing
    assert main(["keys", "revoke", key_id]) == 0
    assert main(["keys", "revoke", key_id]) == 2
    assert "already revoked" in capsys.readouterr().err
    assert main(["keys", "create", "--name", "x", "--role", "root"]) == 2
    assert main(["audit", "verify"]) == 0
    assert "intact (2 entries)" in capsys.readouterr().out
    with sqlite3.connect(home / "qsec6g.db") as conn:
        conn.execute("UPDATE audit_log SET payload = '{}' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    assert "entry 2 was edited" in capsys.readouterr().err


def test_bad_environment_is_a_usage_error(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QSEC6G_MAX_BATCH", "lots")
    assert main(["keys", "list"]) == 2
    assert "max_batch" in capsys.readouterr().err


def test_serve_help() -> None:
    assert main(["serve", "--help"]) == 0
