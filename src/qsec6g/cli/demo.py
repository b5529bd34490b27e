"""``qsec6g demo``: the kernel demo (filled in with the kernel)."""

from __future__ import annotations

from qsec6g.cli.options import OutOpt, QuickOpt, SeedOpt
from pathlib import Path


def demo(quick: QuickOpt = False, seed: SeedOpt = 7, out_dir: OutOpt = Path("runs/demo")) -> None:
    """Observables of GHZ / cluster states under noise, and the kernel benchmark summary."""
    raise RuntimeError("kernel demo not ready")
