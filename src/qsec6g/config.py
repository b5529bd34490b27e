"""Configuration: YAML files validated by pydantic models.

Every config model derives from :class:`StrictModel`, which rejects unknown keys. :func:`load_config` turns a
pydantic validation failure into a one-line :class:`~qsec6g.errors.ConfigError` that names the key, e.g.
``config.yaml: noise.p: Input should be less than or equal to 1 (got 1.5)``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from qsec6g.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for all config models: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def format_validation_error(err: ValidationError, source: str = "config") -> str:
    """One line naming the first offending key, its problem and the value given."""
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "<root>"
    msg = first.get("msg", "invalid value")
    if first.get("type") == "extra_forbidden":
        return f"{source}: unknown key '{loc}'"
    given = first.get("input")
    shown = "" if isinstance(given, dict) else f" (got {given!r})"
    more = len(err.errors()) - 1
    tail = f" [+{more} more problem{'s' if more > 1 else ''}]" if more else ""
    return f"{source}: {loc}: {msg}{shown}{tail}"


def validate_config(model: type[M], data: dict[str, Any] | None, source: str = "config") -> M:
    """Validate a mapping into ``model``; raise :class:`ConfigError` with a one-line message on failure."""
    try:
        return model.model_validate(data or {})
    except ValidationError as err:
        raise ConfigError(format_validation_error(err, source)) from None


def load_config(model: type[M], path: str | Path | None, overrides: dict[str, Any] | None = None) -> M:
    """Load YAML from ``path`` (or start from the defaults when ``path`` is None), apply ``overrides``, validate."""
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        p = Path(path)
        source = str(p)
        if not p.is_file():
            raise ConfigError(f"{p}: config file not found")
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{p}: not valid YAML{where}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{p}: top level must be a mapping, got {type(loaded).__name__}")
        data = loaded
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    return validate_config(model, data, source)


def config_hash(config: BaseModel | dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON form of a config (sorted keys), used in run manifests."""
    data = config.model_dump(mode="json") if isinstance(config, BaseModel) else config
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()
