"""Access and the API: audit lines say for which dossier and in which request; consents; idempotency
keys; result jobs and their callback attempts; why a document version was made.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _str(name: str, length: int, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def upgrade() -> None:
    """Add the columns and tables."""
    op.add_column("audit_log", _str("ma_ho_so", 64))
    op.add_column("audit_log", _str("request_id", 64))
    op.add_column("documents", sa.Column("change_reason", sa.Text))
    op.create_table(
        "consents", sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("citizen_id", sa.String(36), sa.ForeignKey("citizens.id"), nullable=False),
        _str("lineage_id", 36, nullable=False),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.id"), nullable=False),
        _str("ma_ho_so", 64, nullable=False), _str("created_by", 120, nullable=False),
        sa.Column("created_at", _TS, nullable=False), sa.Column("revoked_at", _TS), _str("revoked_by", 120),
    )
    for column in ("citizen_id", "lineage_id", "ma_ho_so"):
        op.create_index(f"ix_consents_{column}", "consents", [column])
    op.create_table(
        "idempotency_keys", sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        _str("principal", 120, nullable=False), _str("key", 200, nullable=False),
        _str("fingerprint", 64, nullable=False), _str("state", 12, nullable=False),
        sa.Column("status_code", sa.Integer), sa.Column("response", _JSON),
        sa.Column("created_at", _TS, nullable=False), sa.Column("completed_at", _TS),
        sa.UniqueConstraint("principal", "key", name="uq_idempotency_keys_principal"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    _result_jobs()
    op.create_table(
        "callback_attempts", sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(36), sa.ForeignKey("result_jobs.id"), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False), sa.Column("at", _TS, nullable=False),
        sa.Column("status_code", sa.Integer), sa.Column("error", sa.Text),
        sa.Column("duration_ms", sa.Integer, nullable=False), sa.Column("delivered", sa.Boolean, nullable=False),
    )
    op.create_index("ix_callback_attempts_job_id", "callback_attempts", ["job_id"])


def _result_jobs() -> None:
    op.create_table(
        "result_jobs", sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dossier_id", sa.String(36), sa.ForeignKey("dossiers.id"), nullable=False),
        _str("ma_ho_so", 64, nullable=False), _str("state", 12, nullable=False), _str("level", 8, nullable=False),
        _str("ten_giay_to", 300, nullable=False), _str("so_ky_hieu", 100), _str("source_key", 80, nullable=False),
        _str("source_sha256", 64, nullable=False), sa.Column("page_count", sa.Integer, nullable=False),
        _str("callback_url", 2000), _str("callback_state", 12, nullable=False),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.id")), _str("ma_ket_qua", 80),
        sa.Column("attempts", sa.Integer, nullable=False), _str("error_code", 40),
        sa.Column("error_message", sa.Text), _str("requested_by", 120, nullable=False),
        sa.Column("created_at", _TS, nullable=False), sa.Column("updated_at", _TS, nullable=False),
        sa.Column("finished_at", _TS),
    )
    op.create_index("ix_result_jobs_dossier_id", "result_jobs", ["dossier_id"])
    op.create_index("ix_result_jobs_state", "result_jobs", ["state"])


def downgrade() -> None:
    """Drop what this revision added."""
    for table in ("callback_attempts", "result_jobs", "idempotency_keys", "consents"):
        op.drop_table(table)
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("change_reason")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("request_id")
        batch.drop_column("ma_ho_so")
