"""``qsec6g keys create|revoke|list``: manage the service's API keys directly in its database (audited)."""

from __future__ import annotations

import getpass
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="Manage API keys of the zero-trust service (stored only as salted hashes).", no_args_is_help=True
)


def _database():  # noqa: ANN202
    from qsec6g.service.db import Database  # noqa: PLC0415
    from qsec6g.service.settings import ServiceSettings  # noqa: PLC0415

    settings = ServiceSettings.from_env()
    db = Database(settings.url, settings.sqlite_synchronous)
    db.upgrade()
    return db


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    role: Annotated[str, typer.Option("--role", help="reader, operator or admin.")] = "reader",
    rate: Annotated[
        Optional[float], typer.Option("--rate", help="Requests per second (default: service's).")
    ] = None,
    burst: Annotated[Optional[int], typer.Option("--burst", help="Token-bucket capacity.")] = None,
) -> None:
    """Create a key and print it once (only its salted hash is stored)."""
    from qsec6g.cli.console import err, out  # noqa: PLC0415
    from qsec6g.service import auth  # noqa: PLC0415

    with _database().write() as s:
        created = auth.create_key(s, name, role, _actor(), rate, burst)
    out.print(created.token, markup=False)
    err.print(f"created {role} key {created.key_id} for '{name}'; store it now, it is not shown again")


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (second part of qs6_<id>_<secret>).")],
) -> None:
    """Revoke a key (kept, marked revoked, audited)."""
    from qsec6g.cli.console import out  # noqa: PLC0415
    from qsec6g.service import auth  # noqa: PLC0415

    with _database().write() as s:
        auth.revoke_key(s, key_id, _actor())
    out.print(f"revoked {key_id}")


@app.command("list")
def list_() -> None:
    """List keys: id, name, role, created, revoked."""
    from rich.table import Table  # noqa: PLC0415

    from qsec6g.cli.console import out  # noqa: PLC0415
    from qsec6g.service import auth  # noqa: PLC0415

    table = Table(title="API keys")
    for col in ("key_id", "name", "role", "created_at", "revoked_at"):
        table.add_column(col)
    with _database().read() as s:
        for k in auth.list_keys(s):
            table.add_row(k.key_id, k.name, k.role, k.created_at, k.revoked_at or "")
    out.print(table)
