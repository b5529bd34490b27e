"""The ``qsec6g`` entry point.

Exit codes: 0 ok, 1 runtime failure, 2 usage error (bad flag, bad config, bad input file). User errors print one
line to stderr, never a traceback; set ``QSEC6G_DEBUG=1`` to see the traceback of a runtime failure.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from qsec6g import __version__
from qsec6g.cli import bench, demo, parts
from qsec6g.cli.console import err
from qsec6g.errors import UserInputError

app = typer.Typer(
    name="qsec6g",
    help="Quantum-aware security for 6G and Open RAN networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qsec6g {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Quantum-aware security for 6G and Open RAN networks."""


app.command("demo")(demo.demo)
app.command("bench")(bench.bench)
for _name, _sub in parts.SUBCOMMANDS.items():
    app.add_typer(_sub, name=_name)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and exit with the documented code (also callable from tests, returning the code)."""
    code = main(argv)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code instead of exiting.

    BLAS/LAPACK run with ``QSEC6G_BLAS_THREADS`` threads (default 1): qsec6g's work is many small matrices, batched,
    for which multi-threaded OpenBLAS is slower, badly so on a loaded 2-core machine.
    """
    from threadpoolctl import threadpool_limits

    threads = os.environ.get("QSEC6G_BLAS_THREADS", "1")
    if not threads.isdigit() or int(threads) < 1:
        err.print(f"error: QSEC6G_BLAS_THREADS must be a positive integer, got {threads!r}")
        return 2
    with threadpool_limits(int(threads)):
        return _dispatch(argv)


def _dispatch(argv: list[str] | None) -> int:
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="qsec6g", standalone_mode=True)
    except SystemExit as exc:  # click/typer handled usage errors (code 2), --help and --version (code 0)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except UserInputError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns failures into exit code 1
        if os.environ.get("QSEC6G_DEBUG"):
            raise
        err.print(f"error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    run()
