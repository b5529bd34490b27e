"""Storage on SQLite and PostgreSQL: migrations from empty, hash-chained audit and its tamper detection,
keys."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from qsec6g.errors import UserInputError
from qsec6g.service import audit, auth
from qsec6g.service.db import Database
from qsec6g.service.models import AuditEntry, Base


@pytest.fixture
def db(database_url: str):
    d = Database(database_url)
    d.upgrade()
    yield d
    d.dispose()


def fill(db: Database, n: int) -> None:
    for i in range(n):
        with db.write() as s:
            audit.append(s, "test", "thing", f"item:{i}", {"i": i, "x": 0.5 * i})


def test_migration_from_empty_matches_models_and_is_idempotent(db: Database) -> None:
    db.upgrade()  # second run is a no-op
    with db.writer_engine.connect() as conn:
        assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    d = Database(f"sqlite:///{tmp_path / 'x.db'}")
    d.upgrade()
    with d.reader_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_unsupported_url_is_a_clear_config_error() -> None:
    with pytest.raises(UserInputError, match="unsupported database 'mysql'"):
        Database("mysql://x/y")


def test_chain_links_and_verifies(db: Database) -> None:
    fill(db, 5)
    with db.read() as s:
        rows = s.query(AuditEntry).order_by(AuditEntry.seq).all()
        assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
        assert rows[0].prev_hash == audit.GENESIS
        for a, b in zip(rows, rows[1:]):
            assert b.prev_hash == a.hash
        for r in rows:  # recompute independently of verify()
            assert r.hash == audit.entry_hash(
                r.seq, r.ts, r.actor, r.action, r.subject, r.payload, r.prev_hash
            )
        result = audit.verify(s)
    assert result.ok and result.entries == 5


def tamper(db: Database, sql: str, **params) -> audit.VerifyResult:
    with db.writer_engine.begin() as conn:
        for statement in sql.split(";"):
            conn.execute(text(statement), params)
    with db.read() as s:
        return audit.verify(s)


def test_edited_entry_is_named(db: Database) -> None:
    fill(db, 6)
    r = tamper(db, "UPDATE audit_log SET payload = :p WHERE seq = 3", p='{"i":3,"x":99}')
    assert (r.ok, r.problem, r.seq) == (False, "edited", 3)
    assert "entry 3" in r.message


def test_edited_and_rehashed_entry_is_named(db: Database) -> None:
    fill(db, 6)
    with db.read() as s:
        e = s.get(AuditEntry, 4)
        forged = audit.entry_hash(4, e.ts, "mallory", e.action, e.subject, e.payload, e.prev_hash)
    r = tamper(db, "UPDATE audit_log SET actor = 'mallory', hash = :h WHERE seq = 4", h=forged)
    assert (r.ok, r.problem, r.seq) == (False, "edited", 4)


def test_deleted_entry_is_named(db: Database) -> None:
    fill(db, 6)
    r = tamper(db, "DELETE FROM audit_log WHERE seq = 2")
    assert (r.ok, r.problem, r.seq) == (False, "deleted", 2)
    assert "entry 2 deleted" in r.message


def test_deleted_tail_is_detected_by_the_head(db: Database) -> None:
    fill(db, 6)
    r = tamper(db, "DELETE FROM audit_log WHERE seq >= 5")
    assert (r.ok, r.problem, r.seq) == (False, "truncated", 5)


def test_reordered_entries_are_named(db: Database) -> None:
    fill(db, 6)
    r = tamper(
        db,
        "UPDATE audit_log SET seq = 1000 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; "
        "UPDATE audit_log SET seq = 4 WHERE seq = 1000",
    )
    assert (r.ok, r.problem, r.seq) == (False, "reordered", 3)
    assert "follows entry 4" in r.message


def test_concurrent_appends_never_fork_the_chain(db: Database) -> None:
    def worker(k: int) -> None:
        for i in range(15):
            with db.write() as s:
                audit.append(s, f"w{k}", "thing", f"{k}:{i}", {"k": k, "i": i})

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.read() as s:
        result = audit.verify(s)
    assert result.ok and result.entries == 60


def test_keys_are_stored_only_as_salted_hashes(db: Database) -> None:
    with db.write() as s:
        a = auth.create_key(s, "a", "operator", "test")
        b = auth.create_key(s, "b", "operator", "test")
    secret = a.token.split("_", 2)[2]
    with db.read() as s:
        rows = {k.key_id: k for k in auth.list_keys(s)}
        dump = " ".join(str(v) for k in rows.values() for v in vars(k).values())
    assert secret not in dump and a.token not in dump
    assert rows[a.key_id].salt != rows[b.key_id].salt
    store = auth.KeyStore(ttl=0.0)
    assert store.authenticate(db.read, a.token).role == "operator"
    assert store.authenticate(db.read, a.token[:-1] + ("x" if a.token[-1] != "x" else "y")) is None
    assert store.authenticate(db.read, "qs6_nope_nope") is None
    assert store.authenticate(db.read, "garbage") is None
    with db.write() as s:
        auth.revoke_key(s, a.key_id, "test")
    assert store.authenticate(db.read, a.token) is None
    with db.read() as s:
        actions = [e.action for e in s.query(AuditEntry).order_by(AuditEntry.seq)]
        assert audit.verify(s).ok
    assert actions == ["key.create", "key.create", "key.revoke"]


def test_key_errors_are_user_errors(db: Database) -> None:
    with db.write() as s, pytest.raises(UserInputError, match="unknown role 'root'"):
        auth.create_key(s, "x", "root", "test")
    with db.write() as s, pytest.raises(UserInputError, match="no API key"):
        auth.revoke_key(s, "missing", "test")


def test_roles_are_ordered() -> None:
    assert auth.role_allows("admin", "reader") and auth.role_allows("operator", "operator")
    assert not auth.role_allows("reader", "operator") and not auth.role_allows("operator", "admin")
    assert not auth.role_allows("root", "reader")


def test_rate_limiter_token_bucket() -> None:
    lim = auth.RateLimiter(rate=10.0, burst=3)
    assert [lim.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = lim.take("k")
    assert 0 < wait <= 0.1 + 1e-9
    assert lim.take("other") == 0.0  # buckets are per key
