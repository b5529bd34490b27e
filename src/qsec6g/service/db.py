"""Database access: engine construction (SQLite in WAL mode or PostgreSQL), Alembic migrations run on
startup, and read / write session scopes.

Writers are serialised: on SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (and, within one
process, behind a lock so that threads queue in order instead of spinning in SQLite's busy handler); on
PostgreSQL the audit appender locks the single ``audit_head`` row. A write scope commits before it returns,
so whatever the API acknowledges is durable.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from qsec6g.errors import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_engine(url: str, synchronous: str, immediate: bool, autocheckpoint: bool = True) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if not autocheckpoint:
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Engines and session scopes for one database URL."""

    def __init__(
        self, url: str, sqlite_synchronous: str = "NORMAL", background_checkpoints: bool = False
    ) -> None:
        """``background_checkpoints`` (SQLite): move WAL checkpoints (which fsync the database file) out of
        the committing thread into a background thread, so a commit never waits for one."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._stop = threading.Event()
        if self.is_sqlite:
            self.path = url.split("///", 1)[-1]
            if self.path and self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.reader_engine = _sqlite_engine(url, sqlite_synchronous, immediate=False)
            self.writer_engine = _sqlite_engine(
                url, sqlite_synchronous, immediate=True, autocheckpoint=not background_checkpoints
            )
            if background_checkpoints:
                threading.Thread(target=self._checkpoint_loop, daemon=True, name="wal-checkpoint").start()
        elif url.startswith("postgresql"):
            self.reader_engine = self.writer_engine = create_engine(
                url, pool_size=10, max_overflow=20, pool_pre_ping=True
            )
        else:
            raise ConfigError(
                f"QSEC6G_DATABASE_URL: unsupported database '{url.split(':', 1)[0]}' "
                "(use sqlite:///PATH or postgresql+psycopg://...)"
            )
        self._read = sessionmaker(self.reader_engine, expire_on_commit=False)
        self._write = sessionmaker(self.writer_engine, expire_on_commit=False)
        self._write_lock = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end)."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed when the block ends without error (rolled back otherwise)."""
        with self._write_lock or nullcontext(), self._write() as session, session.begin():
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Like :meth:`write` but a Core connection (no ORM unit of work): for the hot decision path."""
        with self._write_lock or nullcontext(), self.writer_engine.begin() as conn:
            yield conn

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.reader_engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.writer_engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()

    def _checkpoint_loop(self, interval_s: float = 1.0) -> None:
        """PASSIVE checkpoints once a second: copy committed WAL pages into the database without blocking
        readers or writers (the WAL stays the durable record until they are copied)."""
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(interval_s):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def dispose(self) -> None:
        self._stop.set()
        self.reader_engine.dispose()
        self.writer_engine.dispose()
