"""The portal sync: an outbox of changed dossiers, a sync row per dossier, every attempt kept.

Every dossier already in the store goes into the outbox, so the first sync sends them all.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _dossier_fk(*, primary: bool = False) -> sa.Column[str]:
    return sa.Column("dossier_id", sa.String(36), sa.ForeignKey("dossiers.id"), primary_key=primary,
                     nullable=False)


def upgrade() -> None:
    """Create the tables and put every dossier in the outbox."""
    op.create_table(
        "portal_outbox", _dossier_fk(primary=True), sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
    )
    op.create_table(
        "portal_sync", _dossier_fk(primary=True), sa.Column("ma_ho_so", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False), sa.Column("record", _JSON, nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False), sa.Column("sent_hash", sa.String(64)),
        sa.Column("unanswered", _JSON, nullable=False), sa.Column("on_portal", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False), sa.Column("lease_until", _TS),
        sa.Column("last_error_code", sa.String(40)), sa.Column("last_answer", _JSON),
        sa.Column("last_attempt_at", _TS), sa.Column("synced_at", _TS), sa.Column("updated_at", _TS, nullable=False),
    )
    for column in ("ma_ho_so", "state", "next_attempt_at"):
        op.create_index(f"ix_portal_sync_{column}", "portal_sync", [column])
    op.create_table(
        "portal_attempts", sa.Column("id", _BIGID, primary_key=True, autoincrement=True), _dossier_fk(),
        sa.Column("ma_ho_so", sa.String(64), nullable=False), sa.Column("at", _TS, nullable=False),
        sa.Column("service", sa.String(12), nullable=False), sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False), sa.Column("error_code", sa.String(40)),
        sa.Column("message", sa.Text), sa.Column("http_status", sa.Integer),
        sa.Column("duration_ms", sa.Integer, nullable=False),
    )
    op.create_index("ix_portal_attempts_dossier_id", "portal_attempts", ["dossier_id"])
    op.execute("INSERT INTO portal_outbox (dossier_id, version, changed_at) "
               "SELECT id, 1, CURRENT_TIMESTAMP FROM dossiers")


def downgrade() -> None:
    """Drop the tables."""
    for table in ("portal_attempts", "portal_sync", "portal_outbox"):
        op.drop_table(table)
