"""Append-only, hash-chained audit trail.

Entry ``n`` stores ``hash_n = SHA-256(canonical_json({seq, ts, actor, action, subject, payload,
prev_hash}))`` with ``prev_hash = hash_{n-1}`` (64 zeros for the first entry). Canonical JSON: sorted keys,
no spaces, UTF-8. The single-row ``audit_head`` table holds the newest ``(seq, hash)``; appenders lock it,
so entries are numbered 1, 2, 3, ... without gaps, and a truncated tail is detected by comparing with it.

:func:`verify` walks the chain and reports the first entry that was edited, deleted or moved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from qsec6g.service.models import AuditEntry, AuditHead, utc_now

GENESIS = "0" * 64

Problem = Literal["edited", "deleted", "reordered", "truncated"]


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, compact separators, non-finite floats refused."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(seq: int, ts: str, actor: str, action: str, subject: str, payload: str, prev_hash: str) -> str:
    """SHA-256 (hex) over the canonical JSON of an entry's fields, its sequence number and the previous
    hash."""
    body = canonical_json(
        {
            "seq": seq,
            "ts": ts,
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# Statements of the hot path, built once (SQLAlchemy caches their compiled form).
_HEAD_T, _LOG_T = AuditHead.__table__, AuditEntry.__table__
_READ_HEAD = select(_HEAD_T.c.seq, _HEAD_T.c.hash).where(_HEAD_T.c.id == 1).with_for_update()
_INSERT_ENTRIES = insert(_LOG_T)
_WRITE_HEAD = (
    update(_HEAD_T).where(_HEAD_T.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def append_many(conn: Session | Connection, entries: list[tuple[str, str, str, dict[str, Any]]]) -> list[int]:
    """Add entries ``(actor, action, subject, payload)`` to the chain inside the caller's transaction (they
    commit with the change they record); return their sequence numbers. Core statements: this is the hot
    path."""
    seq, prev = conn.execute(_READ_HEAD).one()
    rows = []
    for actor, action, subject, payload in entries:
        seq += 1
        ts, body = utc_now(), canonical_json(payload)
        digest = entry_hash(seq, ts, actor, action, subject, body, prev)
        rows.append(
            {
                "seq": seq,
                "ts": ts,
                "actor": actor,
                "action": action,
                "subject": subject,
                "payload": body,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(_INSERT_ENTRIES, rows)
    conn.execute(_WRITE_HEAD, {"new_seq": seq, "new_hash": prev})
    return [r["seq"] for r in rows]


def append(conn: Session | Connection, actor: str, action: str, subject: str, payload: dict[str, Any]) -> int:
    """Add one entry (see :func:`append_many`); return its sequence number."""
    return append_many(conn, [(actor, action, subject, payload)])[0]


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``ok``, the number of entries read, and the first problem found (if any)."""

    ok: bool
    entries: int
    problem: Problem | None = None
    seq: int | None = None
    message: str = "audit chain intact"


def verify(session: Session, batch: int = 1000) -> VerifyResult:
    """Walk the chain in sequence order and report the first entry that was edited, deleted or reordered.

    - *deleted*: a sequence number is missing (``expected 5, found 6``), or the head says more entries
      existed (*truncated* tail).
    - *reordered*: an entry's ``prev_hash`` is the hash of some entry other than its predecessor (sequence
      numbers swapped). A first pass reads all ``(seq, hash)`` pairs to find it.
    - *edited*: an entry's content no longer hashes to its stored hash, or its successor no longer links to
      it.
    """
    hashes = {h: s for s, h in session.execute(select(AuditEntry.seq, AuditEntry.hash))}
    expected_seq, prev_hash, count = 1, GENESIS, 0
    pending_link_break: int | None = None
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch))
    for e in rows.scalars():
        count += 1
        if e.seq != expected_seq:
            if e.seq > expected_seq:
                missing = (
                    f"entry {expected_seq}"
                    if e.seq == expected_seq + 1
                    else f"entries {expected_seq}..{e.seq - 1}"
                )
                return VerifyResult(
                    False, count, "deleted", expected_seq, f"{missing} deleted (next is {e.seq})"
                )
            return VerifyResult(
                False, count, "reordered", e.seq, f"entry {e.seq} appears twice or out of order"
            )
        if e.prev_hash != prev_hash:
            if e.prev_hash in hashes and hashes[e.prev_hash] != e.seq - 1:
                return VerifyResult(
                    False,
                    count,
                    "reordered",
                    e.seq,
                    f"entry {e.seq} is out of order: it follows entry {hashes[e.prev_hash]}, "
                    f"not entry {e.seq - 1}",
                )
            pending_link_break = e.seq
        if entry_hash(e.seq, e.ts, e.actor, e.action, e.subject, e.payload, e.prev_hash) != e.hash:
            return VerifyResult(False, count, "edited", e.seq, f"entry {e.seq} was edited (hash mismatch)")
        if pending_link_break is not None:
            return VerifyResult(
                False,
                count,
                "edited",
                e.seq - 1,
                f"entry {e.seq - 1} was edited and re-hashed (entry {e.seq} no longer links to it)",
            )
        prev_hash, expected_seq = e.hash, e.seq + 1
    head = session.get(AuditHead, 1)
    if head is None:
        return VerifyResult(False, count, "deleted", None, "the audit head row was deleted")
    if head.seq > count:
        return VerifyResult(
            False,
            count,
            "truncated",
            expected_seq,
            f"entries {expected_seq}..{head.seq} deleted from the end (head says {head.seq})",
        )
    if head.seq != count or head.hash != prev_hash:
        return VerifyResult(False, count, "edited", count, f"entry {count} does not match the chain head")
    return VerifyResult(True, count, message=f"audit chain intact ({count} entries)")
