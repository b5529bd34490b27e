"""Service settings, read from the environment.

``QSEC6G_HOME`` (default ``~/.qsec6g``) holds the state: the SQLite database and the model registry.
``QSEC6G_DATABASE_URL`` overrides the database (e.g. ``postgresql+psycopg://user@host/db``); by default it is
``sqlite:///$QSEC6G_HOME/qsec6g.db`` (WAL mode). Other knobs have ``QSEC6G_``-prefixed variables too (see
:meth:`ServiceSettings.from_env`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field

from qsec6g.config import StrictModel, validate_config

DEFAULT_SEGMENTS: tuple[str, ...] = (
    "ru-cell-a",
    "ru-cell-b",
    "du-pool",
    "cu-cp",
    "cu-up",
    "near-rt-ric",
    "non-rt-ric",
    "smo-oam",
    "core-amf",
    "core-upf",
    "mec-apps",
    "iot-slice",
)


class ServiceSettings(StrictModel):
    """Everything the service needs to start. Sizes in bytes, rates in requests per second."""

    home: Path = Field(default_factory=lambda: Path("~/.qsec6g").expanduser())
    database_url: str | None = None
    max_body_bytes: int = Field(1_048_576, gt=0, description="larger request bodies are answered 413")
    max_batch: int = Field(1_000, gt=0, le=10_000, description="most flows in one POST /v1/flows")
    rate_per_second: float = Field(2_000.0, gt=0, description="default per-key token-bucket refill rate")
    rate_burst: int = Field(4_000, gt=0, description="default per-key token-bucket capacity")
    cors_origins: list[str] = Field(default_factory=list, description="CORS is off unless origins are listed")
    segments: list[str] = Field(default_factory=lambda: list(DEFAULT_SEGMENTS))
    sqlite_synchronous: str = Field(
        "NORMAL",
        pattern="^(NORMAL|FULL)$",
        description="NORMAL survives a process crash; FULL also a power cut",
    )

    @property
    def url(self) -> str:
        """The database URL in force (the SQLite file under ``home`` unless one was configured)."""
        return self.database_url or f"sqlite:///{self.home / 'qsec6g.db'}"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> ServiceSettings:
        """Build settings from ``QSEC6G_*`` variables (``QSEC6G_HOME``, ``QSEC6G_DATABASE_URL``,
        ``QSEC6G_MAX_BODY_BYTES``, ``QSEC6G_MAX_BATCH``, ``QSEC6G_RATE_PER_SECOND``, ``QSEC6G_RATE_BURST``,
        ``QSEC6G_CORS_ORIGINS`` (comma separated), ``QSEC6G_SQLITE_SYNCHRONOUS``); raise ConfigError naming a
        bad one."""
        env = os.environ if environ is None else environ
        data: dict[str, object] = {}
        if env.get("QSEC6G_HOME"):
            data["home"] = Path(env["QSEC6G_HOME"]).expanduser()
        for name in (
            "database_url",
            "max_body_bytes",
            "max_batch",
            "rate_per_second",
            "rate_burst",
            "sqlite_synchronous",
        ):
            value = env.get(f"QSEC6G_{name.upper()}")
            if value:
                data[name] = value
        if env.get("QSEC6G_CORS_ORIGINS"):
            data["cors_origins"] = [o.strip() for o in env["QSEC6G_CORS_ORIGINS"].split(",") if o.strip()]
        data.update({k: v for k, v in overrides.items() if v is not None})
        return validate_config(cls, data, source="environment")
