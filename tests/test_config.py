"""Config validation: unknown keys and out-of-range values fail with one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from qsec6g.config import StrictModel, config_hash, load_config
from qsec6g.errors import ConfigError


class Noise(StrictModel):
    p: float = Field(0.1, ge=0.0, le=1.0)


class Cfg(StrictModel):
    shots: int = Field(10_000, gt=0)
    noise: Noise = Noise()


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.yaml"
    p.write_text(text)
    return p


def test_defaults_without_file() -> None:
    assert load_config(Cfg, None).shots == 10_000


def test_unknown_key_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'noise.q'"):
        load_config(Cfg, _write(tmp_path, "noise: {q: 0.2}\n"))


def test_out_of_range_value_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_config(Cfg, _write(tmp_path, "noise: {p: 1.5}\n"))
    msg = str(exc.value)
    assert "noise.p" in msg and "1.5" in msg and "\n" not in msg


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(Cfg, _write(tmp_path, "shots: [1,\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(Cfg, tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(Cfg, _write(tmp_path, "- 1\n- 2\n"))


def test_overrides_and_hash_stable(tmp_path: Path) -> None:
    a = load_config(Cfg, _write(tmp_path, "shots: 5\n"), overrides={"shots": 7})
    assert a.shots == 7
    assert config_hash(a) == config_hash(Cfg(shots=7))
    assert config_hash(a) != config_hash(Cfg(shots=8))
