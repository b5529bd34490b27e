"""Reading ColO-RAN srsRAN CSV logs (``../shared/data/colosseum-oran``), shared by the digital twin, the QML lab and
the spectrum-access model.

Quirks (the data's SOURCE.md): the recording of ``bs1.csv`` and ``ue1..ue5.csv`` stopped mid-line, so their last
row is incomplete; the slicing files use empty header names as separators.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from qsec6g.errors import DataError


def read_srsran_csv(path: str | Path, *, require_final_newline: bool = False) -> pd.DataFrame:
    """One srsRAN CSV with incomplete trailing rows and empty-named separator columns dropped.

    A trailing row is incomplete when it is blank or has a different number of fields than the header. With
    ``require_final_newline`` a last line without a line end counts as incomplete even when its field count is
    right (stricter: it also drops the complete last row of a file that merely lacks a final newline, such as
    the shipped ``ue6.csv``).
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: file not found")
    text = p.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines:
        raise DataError(f"{p}: empty file")
    width = lines[0].count(",")
    if require_final_newline and not text.endswith("\n") and len(lines) > 1:
        lines.pop()
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].count(",") != width):
        lines.pop()
    try:
        df = pd.read_csv(io.StringIO("\n".join(lines)), header=0)
    except pd.errors.ParserError as exc:
        raise DataError(f"{p}: cannot parse ({exc})") from None
    return df.loc[:, [c for c in df.columns if str(c).strip() and not str(c).startswith("Unnamed")]]
