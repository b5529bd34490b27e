"""Load labelled flow tables (CSV or Parquet, one file or a glob) according to a :class:`FlowSchema`.

Header names are stripped of surrounding whitespace, then ``schema.rename`` is applied. Non-numeric values in
non-categorical columns become NaN (counted in ``FlowTable.coerced``) and are imputed later by the preprocessor.
Labels: ``y`` is 0 (normal, label value in ``schema.normal``) / 1 (attack); ``y3`` is 0 normal / 1 suspicious /
2 malicious from ``schema.three_class`` (attack values not listed count as malicious).
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qsec6g.errors import DataError
from qsec6g.zerotrust.schema import FlowSchema

THREE_CLASS_CODES = {"normal": 0, "suspicious": 1, "malicious": 2}


@dataclass
class FlowTable:
    """Features (numeric + raw categorical columns), binary and three-class labels, optional time / entity."""

    X: pd.DataFrame
    y: np.ndarray
    y3: np.ndarray
    label_values: np.ndarray                 # the raw label value of each row, as strings
    categorical: list[str]
    time: np.ndarray | None = None
    entity: np.ndarray | None = None
    coerced: dict[str, int] = field(default_factory=dict)   # column -> non-numeric values turned into NaN
    source: list[str] = field(default_factory=list)


def _files(path: str | Path) -> list[Path]:
    p = str(path)
    files = sorted(Path(f) for f in glob.glob(p)) if any(ch in p for ch in "*?[") else [Path(p)]
    if not files:
        raise DataError(f"{p}: no file matches")
    for f in files:
        if not f.is_file():
            raise DataError(f"{f}: data file not found")
    return files


def _read(f: Path, schema: FlowSchema) -> pd.DataFrame:
    try:
        if f.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(f)
        return pd.read_csv(
            f, sep=schema.sep, header=0 if schema.header else None, names=schema.columns, low_memory=False,
        )
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise DataError(f"{f}: cannot read as a table ({exc})") from None


def load_table(path: str | Path, schema: FlowSchema, require_label: bool = True) -> FlowTable:
    """Read every file matching ``path`` and apply ``schema``; missing columns are a :class:`DataError`.

    With ``require_label=False`` (scoring new traffic) a table without the label column loads with ``y`` = −1.
    """
    files = _files(path)
    df = pd.concat([_read(f, schema) for f in files], ignore_index=True)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.rename(columns=schema.rename)
    has_label = schema.label in df.columns
    needed = [*schema.categorical, *schema.drop] + [c for c in (schema.time, schema.entity) if c]
    if require_label or has_label:
        needed.insert(0, schema.label)
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(f"{path}: column(s) not found: {', '.join(missing)} (have: {', '.join(df.columns[:12])}…)")
    if len(df) == 0:
        raise DataError(f"{path}: no rows")
    if has_label:
        labels = df[schema.label].astype(str).str.strip().to_numpy()
        normal = set(schema.normal)
        y = np.array([v not in normal for v in labels], dtype=int)
        y3 = np.array([
            THREE_CLASS_CODES[schema.three_class.get(v, "normal" if v in normal else "malicious")] for v in labels
        ])
    else:
        labels, y, y3 = np.full(len(df), "", dtype=object), np.full(len(df), -1), np.full(len(df), -1)
    time = df[schema.time].to_numpy() if schema.time else None
    entity = df[schema.entity].astype(str).to_numpy() if schema.entity else None
    drop = {schema.label, *schema.drop, *(c for c in (schema.time, schema.entity) if c)}
    X = df.drop(columns=[c for c in df.columns if c in drop])
    coerced: dict[str, int] = {}
    for c in X.columns:
        if c in schema.categorical:
            X[c] = X[c].astype(str)
        elif not pd.api.types.is_numeric_dtype(X[c]):
            num = pd.to_numeric(X[c], errors="coerce")
            coerced[c] = int(num.isna().sum() - X[c].isna().sum())
            X[c] = num
    if X.shape[1] == 0:
        raise DataError(f"{path}: no feature columns left after dropping label/drop/time/entity columns")
    return FlowTable(X, y, y3, labels, list(schema.categorical), time, entity, coerced, [str(f) for f in files])
