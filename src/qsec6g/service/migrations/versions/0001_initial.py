"""Initial schema: audit trail, API keys, decisions, segments, thresholds, feedback, models, retrain jobs.

Revision ID: 0001 Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False, index=True),
        sa.Column("action", sa.String(64), nullable=False, index=True),
        sa.Column("subject", sa.String(128), nullable=False, index=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])  # the row appenders lock
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("rate_per_second", sa.Float, nullable=True),
        sa.Column("burst", sa.Integer, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("ts", TS, nullable=False, index=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("user_role", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(128), nullable=False),
        sa.Column("segment_id", sa.String(64), nullable=True),
        sa.Column("segment_policy", sa.String(16), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False, index=True),
        sa.Column("engine_outcome", sa.String(16), nullable=False),
        sa.Column("risk", sa.Float, nullable=False),
        sa.Column("anomaly_score", sa.Float, nullable=False),
        sa.Column("risk_class", sa.String(16), nullable=False),
        sa.Column("thresholds", sa.Text, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("features", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
    )
    op.create_table(
        "segments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("policy", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "threshold_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", TS, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("gamma1", sa.Float, nullable=False),
        sa.Column("gamma2", sa.Float, nullable=False),
        sa.Column("tau_restrict", sa.Float, nullable=False),
        sa.Column("tau_deny", sa.Float, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(32), sa.ForeignKey("decisions.id"), nullable=False, index=True),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("consumed_by", sa.String(32), nullable=True),
    )
    op.create_table(
        "model_versions",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("data_hash", sa.String(64), nullable=False),
        sa.Column("artifact_sha256", sa.String(64), nullable=False),
        sa.Column("metrics", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "retrain_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("model_version", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "retrain_jobs",
        "model_versions",
        "feedback",
        "threshold_history",
        "segments",
        "decisions",
        "api_keys",
        "audit_head",
        "audit_log",
    ):
        op.drop_table(table)
