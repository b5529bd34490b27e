"""``qsec6g bench <suite> [--quick] --json FILE``: run a benchmark suite and print its summary."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from qsec6g.bench import SUITES, Record
from qsec6g.bench.records import write_records
from qsec6g.cli.console import out
from qsec6g.cli.options import QuickOpt, SeedOpt
from qsec6g.errors import UserInputError

def run_suite(suite: str, quick: bool, seed: int) -> list[Record]:
    """Import and run one suite by name; an unknown name is a usage error that lists the known ones."""
    if suite not in SUITES:
        raise UserInputError(f"unknown benchmark suite '{suite}'; available: {', '.join(sorted(SUITES))}")
    module = importlib.import_module(SUITES[suite])
    return list(module.run(quick=quick, seed=seed))


def summary_table(records: list[Record], title: str) -> Table:
    """A rich table of records: case, metric, value, unit, peer, ratio."""
    table = Table(title=title)
    for col in ("case", "metric", "value", "unit", "peer", "ratio"):
        table.add_column(col, justify="right" if col in ("value", "ratio") else "left")
    for r in records:
        ratio = "" if r.ratio is None else f"{r.ratio:,.1f}x"
        table.add_row(r.case, r.metric, f"{r.value:.4g}", r.unit, r.peer or "", ratio)
    return table


def bench(
    suite: Annotated[str, typer.Argument(help=f"Suite to run: {', '.join(sorted(SUITES))}.")],
    quick: QuickOpt = False,
    json_path: Annotated[Optional[Path], typer.Option("--json", help="Write the records to this JSON file.")] = None,
    seed: SeedOpt = 7,
) -> None:
    """Run a benchmark SUITE (ours vs its peer measured in the same run); print a summary, optionally write JSON."""
    records = run_suite(suite, quick=quick, seed=seed)
    out.print(summary_table(records, f"bench {suite}{' (quick)' if quick else ''}"))
    if json_path is not None:
        write_records(json_path, records)
        out.print(f"wrote {len(records)} records to {json_path}")
