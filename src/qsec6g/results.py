"""Tidy result tables written as Parquet (pyarrow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd


def write_table(data: pd.DataFrame | list[dict[str, Any]] | dict[str, list[Any]], path: str | Path) -> Path:
    """Write ``data`` (a DataFrame, a list of row dicts or a dict of columns) to Parquet; return the path."""
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(p, index=False, engine="pyarrow")
    return p


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a Parquet table written by :func:`write_table`."""
    return pd.read_parquet(Path(path), engine="pyarrow")
