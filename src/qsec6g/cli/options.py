"""Options shared by every ``qsec6g`` subcommand (seed, output folder, config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of every random draw in this run (reproducible).")]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for tables, figures, report and run manifest.")]
ConfigOpt = Annotated[
    Optional[Path],
    typer.Option("--config", help="YAML config file (validated; an unknown key or bad value is an error)."),
]
QuickOpt = Annotated[bool, typer.Option("--quick", help="Small, fast version of the run (smoke test).")]
