"""Durable decision log with group commit.

Each request hands its decisions to :meth:`DecisionLog.record` and waits. A single writer takes everything
queued so far and stores it in ONE transaction — decision rows, their audit entries and the segment policies
read in the same transaction — then answers every waiting request. A request is acknowledged only after the
commit that holds its decisions, so nothing acknowledged can be lost; under load many requests share one
commit, which is what lets one process sustain thousands of audited decisions per second.

A request whose segment is unknown fails alone (422); if a whole group transaction fails, each request is
retried in a transaction of its own so that one bad request cannot fail the others.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from qsec6g.errors import UserInputError
from qsec6g.service import audit
from qsec6g.service.db import Database
from qsec6g.service.models import DecisionRow, Segment, utc_now

SEVERITY = {"grant": 0, "restrict": 1, "deny": 2}
# segment policy -> least outcome
SEGMENT_FLOOR = {"allow": "grant", "restrict": "restrict", "isolate": "deny"}
AUDITED = (
    "id",
    "user_id",
    "device_id",
    "segment_id",
    "segment_policy",
    "outcome",
    "engine_outcome",
    "risk",
    "anomaly_score",
    "risk_class",
    "model_version",
    "thresholds",
)
JSON_COLUMNS = ("thresholds", "explanation", "features")
_POLICIES = select(Segment.id, Segment.policy)  # small table: read whole, no IN list to compile
_INSERT_DECISIONS = insert(DecisionRow.__table__)


def thresholds_dict(t: Any) -> dict[str, float]:
    return {k: float(getattr(t, k)) for k in ("gamma1", "gamma2", "tau_restrict", "tau_deny")}


@dataclass
class Request:
    """What the log needs from one access request (the HTTP layer builds it)."""

    user_id: str
    user_role: str
    device_id: str
    segment_id: str | None
    features: dict[str, float]


def prepare(actor: str, req: Request, decision: Any) -> dict[str, Any]:
    """A decision row before the segment policy is applied (``outcome`` is still the engine's)."""
    return {
        "id": uuid.uuid4().hex,
        "actor": actor,
        "user_id": req.user_id,
        "user_role": req.user_role,
        "device_id": req.device_id,
        "segment_id": req.segment_id,
        "segment_policy": None,
        "outcome": decision.outcome,
        "engine_outcome": decision.outcome,
        "risk": float(decision.risk),
        "anomaly_score": float(decision.anomaly_score),
        "risk_class": decision.risk_class,
        "thresholds": thresholds_dict(decision.thresholds),
        "explanation": [{"name": c.name, "value": float(c.value)} for c in decision.explanation],
        "features": req.features,
        "model_version": decision.model_version,
    }


class DecisionLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[list[dict], asyncio.Future]] = []
        self._draining = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decision-log")

    async def record(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store ``rows`` (from :func:`prepare`) durably; return them with the final outcome, segment policy
        and timestamp. Raises UserInputError for an unknown segment."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((rows, future))
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                groups = [rows for rows, _ in batch]
                try:
                    results = await loop.run_in_executor(self._executor, self._write_groups, groups)
                except Exception:  # noqa: BLE001 - isolate the failing request(s): one transaction each
                    results = [await loop.run_in_executor(self._executor, self._write_one, g) for g in groups]
                for (_, future), result in zip(batch, results):
                    if future.done():
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._draining = False

    def _write_one(self, group: list[dict]) -> list[dict] | BaseException:
        try:
            return self._write_groups([group])[0]
        except Exception as exc:  # noqa: BLE001 - handed to the waiting request
            return exc

    def _write_groups(self, groups: list[list[dict]]) -> list[list[dict] | BaseException]:
        results: list[list[dict] | BaseException] = []
        with self.db.transaction() as conn:
            policies = (
                dict(conn.execute(_POLICIES).all()) if any(r["segment_id"] for g in groups for r in g) else {}
            )
            stored: list[dict] = []
            for group in groups:
                unknown = [
                    r["segment_id"] for r in group if r["segment_id"] and r["segment_id"] not in policies
                ]
                if unknown:
                    results.append(UserInputError(f"segment_id: unknown segment '{unknown[0]}'"))
                    continue
                for r in group:
                    r["ts"] = utc_now()
                    if r["segment_id"]:
                        r["segment_policy"] = policies[r["segment_id"]]
                        r["outcome"] = max(
                            r["engine_outcome"], SEGMENT_FLOOR[r["segment_policy"]], key=SEVERITY.__getitem__
                        )
                stored += group
                results.append(group)
            if stored:
                conn.execute(
                    _INSERT_DECISIONS, [{**r, **{k: json.dumps(r[k]) for k in JSON_COLUMNS}} for r in stored]
                )
                audit.append_many(
                    conn,
                    [
                        (r["actor"], "decision", f"decision:{r['id']}", {k: r[k] for k in AUDITED})
                        for r in stored
                    ],
                )
        return results

    def close(self) -> None:
        self._executor.shutdown(wait=True)
