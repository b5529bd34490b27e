"""Schema of a labelled flow table: which column is the label, which values are normal, what to encode or drop.

A schema is a small YAML file (validated, unknown keys are errors) or built from CLI flags. Ready schemas ship in
``qsec6g/zerotrust/schemas/`` (``nsl_kdd``, ``unsw_nb15``); :func:`builtin_schema` loads one by name.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field

from qsec6g.config import StrictModel, load_config
from qsec6g.errors import ConfigError

ThreeClass = Literal["normal", "suspicious", "malicious"]


class FlowSchema(StrictModel):
    """Column roles of a labelled flow table. Label values are compared as strings ("5" matches 5)."""

    name: str = "custom"
    label: str = Field(description="column holding the label")
    normal: list[str] = Field(default_factory=lambda: ["0", "normal", "BENIGN", "Benign"],
                              description="label values meaning normal traffic")
    categorical: list[str] = Field(default_factory=list, description="columns to one-hot encode")
    drop: list[str] = Field(default_factory=list, description="columns to drop (ids, leakage, other labels)")
    rename: dict[str, str] = Field(default_factory=dict, description="column renames applied after reading")
    time: str | None = Field(default=None, description="optional time column (enables time-ordered splits)")
    entity: str | None = Field(default=None, description="optional entity column (host, IP; entity splits)")
    three_class: dict[str, ThreeClass] = Field(
        default_factory=dict,
        description="label value -> normal/suspicious/malicious; unlisted attack values count as malicious",
    )
    sep: str = ","
    header: bool = True
    columns: list[str] | None = Field(default=None, description="column names when the file has no header")

    @classmethod
    def from_flags(
        cls, label: str, normal: str | None = None, categorical: str | None = None, drop: str | None = None,
        time: str | None = None, entity: str | None = None,
    ) -> FlowSchema:
        """Schema from CLI flags (comma-separated lists)."""
        split = lambda s: [v.strip() for v in s.split(",") if v.strip()] if s else []
        data: dict[str, object] = {"label": label, "categorical": split(categorical), "drop": split(drop),
                                   "time": time, "entity": entity}
        if normal:
            data["normal"] = split(normal)
        return cls(**data)


def load_schema(path: str | Path) -> FlowSchema:
    """A schema from a YAML file (one-line ConfigError naming a bad key)."""
    return load_config(FlowSchema, path)


def builtin_schema(name: str) -> FlowSchema:
    """A shipped schema by name: ``nsl_kdd`` or ``unsw_nb15``."""
    ref = resources.files("qsec6g.zerotrust") / "schemas" / f"{name.replace('-', '_')}.yaml"
    if not ref.is_file():
        raise ConfigError(f"unknown built-in schema '{name}'; available: nsl_kdd, unsw_nb15")
    with resources.as_file(ref) as p:
        return load_schema(p)
