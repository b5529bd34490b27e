"""Figures for reports: matplotlib without a display, PNG files, and PNGs embedded in self-contained HTML."""

from __future__ import annotations

import base64
from pathlib import Path
from types import ModuleType
from typing import Any


def pyplot() -> ModuleType:
    """``matplotlib.pyplot`` on the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig: Any, path: str | Path, dpi: int = 110) -> Path:
    """Lay out, write ``fig`` as PNG to ``path`` and close it; return the path."""
    p = Path(path)
    fig.tight_layout()
    fig.savefig(p, dpi=dpi)
    pyplot().close(fig)
    return p


def png_base64(path: str | Path) -> str:
    """The PNG file's bytes in base64, for embedding in HTML."""
    return base64.b64encode(Path(path).read_bytes()).decode()


def png_data_uri(path: str | Path) -> str:
    """A ``data:image/png;base64,...`` URI of the PNG file (self-contained HTML reports)."""
    return "data:image/png;base64," + png_base64(path)
