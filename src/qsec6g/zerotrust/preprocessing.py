"""Preprocessing fitted on training rows only: imputation, categorical encoding, scaling; optional IQR filter.

``make_preprocessor`` returns a scikit-learn ColumnTransformer (so it sits in a Pipeline in front of any
detector): numeric columns → imputation (constant 0 by default, as the paper; or median) → StandardScaler;
categorical columns → one-hot (categories unseen in training are ignored). ``iqr_filter`` is the paper's
Table IV outlier removal; it returns a row mask and per-column counts so the report can show what it removed.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

Imputation = Literal["zero", "median"]


def make_preprocessor(numeric: list[str], categorical: list[str], imputation: Imputation = "zero"):
    """ColumnTransformer: impute + scale numeric columns, one-hot encode categorical ones (fit on train only)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    imputer = SimpleImputer(strategy="constant", fill_value=0.0) if imputation == "zero" else SimpleImputer(
        strategy="median")
    parts = [("num", make_pipeline(imputer, StandardScaler()), numeric)]
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def iqr_filter(X: pd.DataFrame, columns: list[str], k: float = 1.5) -> tuple[np.ndarray, dict[str, int]]:
    """Keep rows with every listed column inside [Q1 − k·IQR, Q3 + k·IQR]; returns (keep mask, outliers per column).

    Columns with IQR = 0 (e.g. mostly-zero counters) are skipped, otherwise they would remove every non-zero row.
    """
    keep = np.ones(len(X), dtype=bool)
    counts: dict[str, int] = {}
    for c in columns:
        v = X[c].to_numpy(dtype=float)
        q1, q3 = np.nanpercentile(v, [25, 75])
        if q3 - q1 <= 0:
            continue
        out = (v < q1 - k * (q3 - q1)) | (v > q3 + k * (q3 - q1))
        counts[c] = int(out.sum())
        keep &= ~out
    return keep, counts
