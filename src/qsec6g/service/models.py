"""SQLAlchemy 2 table mappings. Timestamps are ISO-8601 UTC strings (``2026-01-01T00:00:00.000000Z``) so
they sort lexically, survive every backend unchanged and hash identically in the audit chain."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string with microseconds."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Base(DeclarativeBase):
    pass


class AuditEntry(Base):
    """One entry of the append-only audit trail; ``hash`` = SHA-256 over the canonical JSON of the other
    fields."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(128), index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, stored verbatim
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """Single row (id = 1) holding the last sequence number and hash: the lock appenders serialise on, and
    the witness that detects a truncated tail."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ApiKey(Base):
    """An API key: only HMAC-SHA256(salt, secret) is stored; ``key_id`` is the public lookup prefix."""

    __tablename__ = "api_keys"
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    rate_per_second: Mapped[float | None] = mapped_column(Float, nullable=True)
    burst: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class DecisionRow(Base):
    """An access decision as acknowledged to the caller."""

    __tablename__ = "decisions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(128))
    user_role: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(128))
    segment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    segment_policy: Mapped[str | None] = mapped_column(String(16), nullable=True)  # at decision time
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    engine_outcome: Mapped[str] = mapped_column(String(16))
    risk: Mapped[float] = mapped_column(Float)
    anomaly_score: Mapped[float] = mapped_column(Float)
    risk_class: Mapped[str] = mapped_column(String(16))
    thresholds: Mapped[str] = mapped_column(Text)  # JSON
    explanation: Mapped[str] = mapped_column(Text)  # JSON list of {name, value}
    features: Mapped[str] = mapped_column(Text)  # JSON {name: value}
    model_version: Mapped[str] = mapped_column(String(64))


class Segment(Base):
    """Micro-segment policy: allow / restrict / isolate."""

    __tablename__ = "segments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    policy: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[str] = mapped_column(String(32))


class ThresholdChange(Base):
    """Thresholds in force from ``ts`` on (the latest row is the current state)."""

    __tablename__ = "threshold_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    gamma1: Mapped[float] = mapped_column(Float)
    gamma2: Mapped[float] = mapped_column(Float)
    tau_restrict: Mapped[float] = mapped_column(Float)
    tau_deny: Mapped[float] = mapped_column(Float)


class Feedback(Base):
    """An analyst's verdict on a decision; unconsumed rows form the retraining queue."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(32))
    consumed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)  # retrain job id


class ModelVersion(Base):
    """A registered model: version, hash of its training data, metrics, artifact digest, whether it is
    active."""

    __tablename__ = "model_versions"
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    data_hash: Mapped[str] = mapped_column(String(64))
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[str] = mapped_column(Text)  # JSON
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class RetrainJob(Base):
    """A background retraining run and its progress (0..1)."""

    __tablename__ = "retrain_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # queued / running / succeeded / failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
