"""``qsec6g serve [--host 127.0.0.1] [--port 8080]``: run the zero-trust policy decision service (uvicorn).

State lives under ``$QSEC6G_HOME`` (default ``~/.qsec6g``); ``QSEC6G_DATABASE_URL`` selects PostgreSQL instead
of the embedded SQLite database. Create a first admin key with ``qsec6g keys create --name me --role admin``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from qsec6g.errors import UserInputError

SWITCH_INTERVAL_S = 0.0005

app = typer.Typer(
    help="Zero-trust policy decision service (HTTP API, audit trail, dashboard at /ui).",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8080,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Start the service: migrate the database, load the active model (or the default engine), serve HTTP."""
    import uvicorn  # noqa: PLC0415 - keep `qsec6g --help` fast

    from qsec6g.cli.console import err  # noqa: PLC0415
    from qsec6g.service.api import create_app  # noqa: PLC0415
    from qsec6g.service.settings import ServiceSettings  # noqa: PLC0415

    if log_level not in ("critical", "error", "warning", "info", "debug"):
        raise UserInputError(f"--log-level: unknown level '{log_level}'")
    settings = ServiceSettings.from_env()
    app_ = create_app(settings)
    # The event loop and the decision-log writer thread share the GIL; hand it over every 0.5 ms instead of
    # CPython's default 5 ms so neither waits long for the other (this bounds tail latency under load).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    err.print(
        f"qsec6g service on http://{host}:{port} (dashboard /ui, API docs /docs); "
        f"database {settings.url.split('@')[-1]}"
    )
    uvicorn.run(app_, host=host, port=port, log_level=log_level, access_log=False)
