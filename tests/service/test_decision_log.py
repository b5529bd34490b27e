"""Group commit: concurrent requests share transactions, a bad request fails alone, every stored decision is
audited exactly once (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from qsec6g.errors import UserInputError
from qsec6g.service import audit
from qsec6g.service.db import Database
from qsec6g.service.decision_log import DecisionLog, Request, prepare
from qsec6g.service.models import AuditEntry, DecisionRow, Segment, utc_now
from tests.service.fake_engine import FakeEngine, ensure_decision_module


@pytest.fixture
def log(database_url: str):  # noqa: ANN201
    db = Database(database_url)
    db.upgrade()
    with db.write() as s:
        s.add(Segment(id="seg-a", policy="isolate", updated_at=utc_now()))
    yield DecisionLog(db)
    db.dispose()


def rows(n: int, segment: str | None = None, bytes_: float = 100.0) -> list[dict]:
    mod = ensure_decision_module()
    engine = FakeEngine()
    user, device = mod.UserContext("u", "employee"), mod.DeviceContext("d")
    features = {"bytes": bytes_, "packets": 1.0, "duration": 1.0}
    return [
        prepare(
            "key:t", Request("u", "employee", "d", segment, features), engine.decide(user, device, features)
        )
        for _ in range(n)
    ]


async def record_all(log: DecisionLog, groups: list[list[dict]]) -> list:
    return await asyncio.gather(*(log.record(g) for g in groups), return_exceptions=True)


def test_concurrent_requests_share_commits_and_bad_ones_fail_alone(log: DecisionLog) -> None:
    groups = [rows(1) for _ in range(30)] + [rows(2, segment="nowhere")] + [rows(3, segment="seg-a")]
    results = asyncio.run(record_all(log, groups))
    assert isinstance(results[30], UserInputError) and "unknown segment 'nowhere'" in str(results[30])
    ok = [r for r in results if not isinstance(r, BaseException)]
    assert len(ok) == 31
    assert [r["outcome"] for r in results[31]] == ["deny"] * 3  # isolate floors the engine's grant to deny
    assert all(r["segment_policy"] == "isolate" and r["engine_outcome"] == "grant" for r in results[31])
    with log.db.read() as s:
        assert s.scalar(select(func.count()).select_from(DecisionRow)) == 33
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 33
        assert audit.verify(s).ok


def test_a_failing_group_transaction_is_retried_request_by_request(log: DecisionLog) -> None:
    first = rows(1)
    asyncio.run(log.record(first))
    duplicate = [dict(first[0])]  # same primary key: the group transaction fails, then only this one
    results = asyncio.run(record_all(log, [rows(1), duplicate, rows(1)]))
    assert not isinstance(results[0], BaseException) and not isinstance(results[2], BaseException)
    assert isinstance(results[1], Exception)
    with log.db.read() as s:
        assert s.scalar(select(func.count()).select_from(DecisionRow)) == 3
        assert audit.verify(s).ok
