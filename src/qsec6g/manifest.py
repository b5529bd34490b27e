"""Run manifests: what produced a result (versions, seeds, config and its hash, split indices)."""

from __future__ import annotations

import importlib.metadata
import json
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from qsec6g import __version__
from qsec6g.config import config_hash

_TRACKED = (
    "numpy", "scipy", "pandas", "pyarrow", "qiskit", "qiskit-aer", "pennylane", "torch", "gymnasium",
    "stable-baselines3", "scikit-learn", "cryptography", "pqcrypto", "networkx",
)


def package_versions() -> dict[str, str]:
    """Installed versions of the libraries whose behaviour can change our numbers (absent ones omitted)."""
    out = {"qsec6g": __version__, "python": sys.version.split()[0]}
    for name in _TRACKED:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def build_manifest(
    command: str,
    config: BaseModel | dict[str, Any] | None = None,
    seeds: list[int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A JSON-ready manifest for one run; ``extra`` holds part-specific entries such as split indices."""
    cfg = config.model_dump(mode="json") if isinstance(config, BaseModel) else (config or {})
    return {
        "command": command,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "platform": {"system": platform.system(), "machine": platform.machine(), "processor": platform.processor()},
        "seeds": list(seeds or []),
        "config": cfg,
        "config_hash": config_hash(cfg),
        **extra,
    }


def write_manifest(path: str | Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest as indented JSON and return its path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return p
