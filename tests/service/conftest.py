"""Fixtures for the service tests: settings on a temporary home, SQLite and PostgreSQL databases, a test
client with admin / operator / reader keys, and the fake engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.fake_engine import FakeEngine, ensure_decision_module, fake_trainer, load_fake, save_fake

ensure_decision_module()

from fastapi.testclient import TestClient  # noqa: E402

from qsec6g.service import auth  # noqa: E402
from qsec6g.service.api import create_app  # noqa: E402
from qsec6g.service.registry import Codec  # noqa: E402
from qsec6g.service.settings import ServiceSettings  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_available() -> str | None:
    """None if the PostgreSQL test server answers, else the reason it does not."""
    try:
        import psycopg  # noqa: PLC0415

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=2):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at 127.0.0.1:5432/test not reachable: {type(exc).__name__}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database: a SQLite file, or a unique schema on the PostgreSQL test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite'}"
        return
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    import psycopg  # noqa: PLC0415

    schema = f"qsec6g_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> ServiceSettings:
    return ServiceSettings(
        home=tmp_path / "home", database_url=database_url, max_batch=50, max_body_bytes=200_000
    )


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(home=tmp_path / "home", max_batch=50, max_body_bytes=200_000)


class Client:
    """A TestClient plus one key per role; ``as_(role)`` returns headers for that role."""

    def __init__(self, app, tokens: dict[str, str]) -> None:  # noqa: ANN001
        self.app, self.tokens = app, tokens
        self.http = TestClient(app)

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, url: str, role: str = "reader", **kw):  # noqa: ANN201
        return self.http.get(url, headers=self.h(role), **kw)

    def post(self, url: str, role: str = "operator", **kw):  # noqa: ANN201
        return self.http.post(url, headers={**self.h(role), **kw.pop("headers", {})}, **kw)

    def put(self, url: str, role: str = "admin", **kw):  # noqa: ANN201
        return self.http.put(url, headers=self.h(role), **kw)


def make_client(settings: ServiceSettings, engine: FakeEngine | None = None) -> Client:
    app = create_app(
        settings, engine=engine or FakeEngine(), codec=Codec(save_fake, load_fake), trainer=fake_trainer
    )
    db = app.state.service.db
    tokens = {}
    with db.write() as s:
        for role in auth.ROLES:
            tokens[role] = auth.create_key(s, f"test-{role}", role, "test").token
    return Client(app, tokens)


@pytest.fixture
def client(settings: ServiceSettings) -> Iterator[Client]:
    c = make_client(settings)
    yield c
    c.app.state.service.db.dispose()


@pytest.fixture
def sqlite_client(sqlite_settings: ServiceSettings) -> Iterator[Client]:
    c = make_client(sqlite_settings)
    yield c
    c.app.state.service.db.dispose()


def request_body(bytes_: float = 100.0, segment: str | None = None, managed: bool = True, **extra) -> dict:
    body = {
        "user": {"user_id": "alice", "role": "employee"},
        "device": {"device_id": "ue-1", "managed": managed, "patch_age_days": 3.0},
        "features": {"bytes": bytes_, "packets": 10.0, "duration": 1.5},
    }
    if segment is not None:
        body["segment_id"] = segment
    body.update(extra)
    return body
