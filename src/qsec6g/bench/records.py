"""The benchmark record format of ``docs/benchmarks.md`` and its JSON writer."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Record:
    """One measured figure. ``ratio`` is ours vs ``peer`` measured in the same run (higher is better for us)."""

    suite: str
    case: str
    metric: str
    value: float
    unit: str
    peer: str | None = None
    ratio: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        if not d["extra"]:
            d.pop("extra")
        return d


def write_records(path: str | Path, records: list[Record]) -> Path:
    """Write records as a JSON list (the benchmark contract) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps([r.to_json() for r in records], indent=2) + "\n", encoding="utf-8")
    return p
