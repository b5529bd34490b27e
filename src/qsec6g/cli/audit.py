"""``qsec6g audit verify``: check the service's hash-chained audit trail."""

from __future__ import annotations

import typer

app = typer.Typer(help="Inspect the zero-trust service's audit trail.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Walk the chain; exit 0 if intact, 1 naming the first edited, deleted or reordered entry."""
    from qsec6g.cli.console import err, out  # noqa: PLC0415
    from qsec6g.service import audit  # noqa: PLC0415
    from qsec6g.service.db import Database  # noqa: PLC0415
    from qsec6g.service.settings import ServiceSettings  # noqa: PLC0415

    settings = ServiceSettings.from_env()
    db = Database(settings.url, settings.sqlite_synchronous)
    db.upgrade()
    with db.read() as s:
        result = audit.verify(s)
    if result.ok:
        out.print(result.message)
        return
    err.print(f"audit chain BROKEN: {result.message}", markup=False)
    raise typer.Exit(1)
