"""Real srsRAN KPI telemetry (ColO-RAN / Colosseum ``ue*.csv`` logs) mapped onto the twin's RU / DU / CU slots.

The mapping is a YAML *slot map* (:class:`SlotMapConfig`; the default ships as ``data/colosseum_slots.yaml``):
which CSV columns feed which sub-register, in amplitude-index order. Loading rules:

* A final row cut off mid-line (the recording stopped while writing — see ``colosseum-oran/SOURCE.md``) is dropped.
* Empty header names (the ``,,`` separators of the slicing logs) are tolerated and their columns ignored.
* A mapped column that is absent raises :class:`~qsec6g.errors.DataError` naming it and the file.
* NaN / empty values follow ``missing``: ``error`` (DataError naming column and row), ``drop`` (drop the row),
  ``ffill`` (last value; leading gaps take the first value) or ``mean`` (column mean).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import field_validator

from qsec6g.colosseum import read_srsran_csv
from qsec6g.config import StrictModel, load_config
from qsec6g.errors import DataError

DEFAULT_SLOT_MAP = Path(__file__).with_name("data") / "colosseum_slots.yaml"


class SlotMapConfig(StrictModel):
    """Which KPI columns feed the RU, DU and CU sub-registers."""

    slots: dict[str, list[str]]
    time_column: str = "time"
    attached_only: bool = True
    missing: Literal["error", "drop", "ffill", "mean"] = "error"

    @field_validator("slots")
    @classmethod
    def _slots(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(v) != {"RU", "DU", "CU"}:
            raise ValueError(f"slots must be exactly RU, DU and CU, got {sorted(v)}")
        cols = [c for names in v.values() for c in names]
        if any(not names for names in v.values()):
            raise ValueError("every slot needs at least one column")
        if len(set(cols)) != len(cols):
            raise ValueError("a column is mapped to more than one slot")
        return v

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(c for node in ("RU", "DU", "CU") for c in self.slots[node])

    @property
    def slot_features(self) -> dict[str, tuple[str, ...]]:
        return {node: tuple(self.slots[node]) for node in ("RU", "DU", "CU")}


def load_slot_map(path: str | Path | None = None) -> SlotMapConfig:
    """Load and validate a slot map (default: the one shipped with the package)."""
    return load_config(SlotMapConfig, path if path is not None else DEFAULT_SLOT_MAP)


def load_kpis(path: str | Path, slot_map: SlotMapConfig | None = None) -> pd.DataFrame:
    """KPI rows of ``path`` as a frame with the slot map's features (in slot order) plus its time column."""
    sm = slot_map or load_slot_map()
    df = read_srsran_csv(path)
    missing_cols = [c for c in (*sm.features, sm.time_column) if c not in df.columns]
    if missing_cols:
        raise DataError(f"{path}: columns {missing_cols} named in the slot map are not in the file")
    if sm.attached_only and "is_attached" in df.columns:
        df = df[df["is_attached"] == 1]
    out = df[[sm.time_column, *sm.features]].apply(pd.to_numeric, errors="coerce").reset_index(drop=True)
    bad = out[list(sm.features)].isna()
    if bad.to_numpy().any():
        if sm.missing == "error":
            row, col = np.argwhere(bad.to_numpy())[0]
            raise DataError(f"{path}: missing value in column {sm.features[col]!r} at data row {row} "
                            "(set missing to drop, ffill or mean in the slot map)")
        if sm.missing == "drop":
            out = out[~bad.any(axis=1)].reset_index(drop=True)
        elif sm.missing == "ffill":
            out[list(sm.features)] = out[list(sm.features)].ffill().bfill()
        else:
            out[list(sm.features)] = out[list(sm.features)].fillna(out[list(sm.features)].mean())
    if out.empty:
        raise DataError(f"{path}: no usable rows after cleaning")
    return out


def to_episodes(df: pd.DataFrame, features: tuple[str, ...], steps: int) -> np.ndarray:
    """Cut consecutive rows into non-overlapping episodes ``(B, steps, d)`` (the remainder is dropped)."""
    x = df[list(features)].to_numpy(dtype=np.float64)
    b = len(x) // steps
    if b == 0:
        raise DataError(f"only {len(x)} rows: fewer than one episode of {steps} steps")
    return x[: b * steps].reshape(b, steps, len(features))
