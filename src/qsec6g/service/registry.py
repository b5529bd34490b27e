"""Versioned model registry and hot-swappable engine holder.

A registered model is a directory ``$QSEC6G_HOME/models/<version>/`` holding the engine written by
``qsec6g.zerotrust.decision.save_engine`` (NumPy ``.npz`` read with ``allow_pickle=False`` — nothing in it can
execute code on load) plus a database row with its version, the SHA-256 of its training data, its metrics and
the SHA-256 of the artifact; :meth:`ModelRegistry.load` refuses an artifact whose digest changed.

Hot reload: :class:`EngineHolder` swaps the engine reference atomically; a request that already took the old
engine finishes with it, so no request is dropped or sees a half-loaded model.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from sqlalchemy import select, update

from qsec6g.errors import DataError, UserInputError
from qsec6g.service import audit
from qsec6g.service.db import Database
from qsec6g.service.models import ModelVersion, utc_now

ARTIFACT = "engine.npz"


def decision_module() -> ModuleType:
    """The engine contract module (imported lazily: it pulls in the detector stack)."""
    try:
        return importlib.import_module("qsec6g.zerotrust.decision")
    except ModuleNotFoundError as exc:
        if exc.name not in ("qsec6g.zerotrust", "qsec6g.zerotrust.decision"):
            raise
        raise RuntimeError("the zero-trust engine (qsec6g.zerotrust.decision) is not available") from None


def data_hash(X: np.ndarray, y: np.ndarray) -> str:
    """SHA-256 of training features (float64, C order) and labels (int64), with their shapes."""
    h = hashlib.sha256()
    for a in (np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.int64)):
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class EngineHolder:
    """The engine in force. Readers take ``holder.engine`` once per request; writers swap it under a lock."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    def swap(self, engine: Any) -> Any:
        with self._lock:
            old, self.engine = self.engine, engine
        return old


@dataclass(frozen=True)
class Codec:
    """How engines are written and read (defaults to the contract's ``save_engine`` / ``load_engine``)."""

    save: Callable[[Any, Path], Any]
    load: Callable[[Path], Any]

    @classmethod
    def default(cls) -> Codec:
        mod = decision_module()
        return cls(mod.save_engine, mod.load_engine)


class ModelRegistry:
    def __init__(self, db: Database, root: Path, codec: Codec | None = None) -> None:
        self.db, self.root = db, root
        self._codec = codec

    @property
    def codec(self) -> Codec:
        if self._codec is None:
            self._codec = Codec.default()
        return self._codec

    def next_version(self) -> str:
        with self.db.read() as s:
            n = len(s.scalars(select(ModelVersion.version)).all())
        return f"v{n + 1}"

    def register(
        self, engine: Any, data_digest: str, metrics: dict[str, Any], actor: str, version: str | None = None
    ) -> str:
        """Save ``engine`` under a new version (its ``model_version`` is set to it) and record it, audited."""
        version = version or self.next_version()
        engine.model_version = version
        folder = self.root / version
        if folder.exists():
            raise UserInputError(f"model version '{version}' already exists in {self.root}")
        folder.mkdir(parents=True)
        path = folder / ARTIFACT
        self.codec.save(engine, path)
        digest = file_sha256(path)
        metrics_json = json.dumps(metrics, sort_keys=True, allow_nan=False)
        with self.db.write() as s:
            s.add(
                ModelVersion(
                    version=version,
                    created_at=utc_now(),
                    data_hash=data_digest,
                    artifact_sha256=digest,
                    metrics=metrics_json,
                    active=False,
                )
            )
            audit.append(
                s,
                actor,
                "model.register",
                f"model:{version}",
                {"version": version, "data_hash": data_digest, "artifact_sha256": digest, "metrics": metrics},
            )
        return version

    def load(self, version: str) -> Any:
        """Read a registered engine after checking its artifact digest."""
        with self.db.read() as s:
            row = s.get(ModelVersion, version)
        if row is None:
            raise UserInputError(f"no registered model '{version}'")
        path = self.root / version / ARTIFACT
        if not path.is_file():
            raise DataError(f"{path}: model artifact missing")
        if file_sha256(path) != row.artifact_sha256:
            raise DataError(f"{path}: artifact digest does not match the registry (file changed)")
        engine = self.codec.load(path)
        engine.model_version = version
        return engine

    def activate(self, version: str, actor: str, thresholds: dict[str, float]) -> None:
        """Mark ``version`` active (audited); the caller swaps the engine in."""
        with self.db.write() as s:
            if s.get(ModelVersion, version) is None:
                raise UserInputError(f"no registered model '{version}'")
            s.execute(update(ModelVersion).values(active=False))
            s.execute(update(ModelVersion).where(ModelVersion.version == version).values(active=True))
            audit.append(
                s, actor, "model.activate", f"model:{version}", {"version": version, "thresholds": thresholds}
            )

    def active_version(self) -> str | None:
        with self.db.read() as s:
            return s.scalar(select(ModelVersion.version).where(ModelVersion.active.is_(True)))

    def versions(self) -> list[ModelVersion]:
        with self.db.read() as s:
            return list(s.scalars(select(ModelVersion).order_by(ModelVersion.created_at)))
