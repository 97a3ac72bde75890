"""The per-citizen store: citizens, dossiers, components, documents (versioned), signatures, audit log.

Search: on PostgreSQL the ``unaccent`` and ``pg_trgm`` extensions, an
immutable ``sohoa_fold(text)`` that folds like ``store.records._fold.fold``,
and a trigram index on ``documents.search_text``; on SQLite an FTS5 table with
``remove_diacritics 2`` kept in step by the repository.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(36), primary_key=True)


def _str(name: str, length: int, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _fk(name: str, target: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), sa.ForeignKey(target), nullable=nullable)


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    """Create the tables, their indexes, and the search machinery of the dialect."""
    op.create_table(
        "citizens", _id(), _str("ma_dinh_danh", 20, nullable=False),
        _str("kind", 12, nullable=False), _str("ho_ten", 200),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("ma_dinh_danh", name="uq_citizens_ma_dinh_danh"),
    )
    op.create_table(
        "dossiers", _id(), _str("ma_ho_so", 64, nullable=False), _str("ma_tthc", 64),
        _str("co_quan_tiep_nhan", 40), _fk("citizen_id", "citizens.id", nullable=False),
        sa.Column("results_issued", sa.Integer, nullable=False),
        _str("created_by", 120, nullable=False), sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("ma_ho_so", name="uq_dossiers_ma_ho_so"),
    )
    _indexes("dossiers", "citizen_id")
    _create_components()
    _create_documents()
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a constraint to a table
        op.create_foreign_key("fk_components_reuses_document_id_documents", "components", "documents",
                              ["reuses_document_id"], ["id"])
    op.create_table(
        "signatures", _id(), _fk("document_id", "documents.id", nullable=False),
        _str("role", 20, nullable=False), _str("signer_name", 300, nullable=False),
        _str("cert_serial", 100), _str("level", 8), sa.Column("signed_at", _TS, nullable=False),
        _str("pdf_key", 80, nullable=False), _str("requested_by", 120, nullable=False),
        _str("request_id", 64), sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("request_id", name="uq_signatures_request_id"),
    )
    _indexes("signatures", "document_id")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("at", _TS, nullable=False), _str("actor", 120, nullable=False),
        _str("action", 40, nullable=False), _str("record_type", 20, nullable=False),
        _str("record_id", 36), _str("citizen", 20), sa.Column("detail", _JSON, nullable=False),
    )
    _indexes("audit_log", "at", "actor", "record_id", "citizen")
    if op.get_bind().dialect.name == "postgresql":
        _postgres_search()
    elif op.get_bind().dialect.name == "sqlite":
        _sqlite_search()


def _create_components() -> None:
    op.create_table(
        "components", _id(), _fk("citizen_id", "citizens.id", nullable=False),
        _fk("dossier_id", "dossiers.id"), _str("ingest_key", 200, nullable=False),
        _str("file_name", 255, nullable=False), _str("content_type", 100, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False), _str("scan_key", 80, nullable=False),
        _str("scan_sha256", 64, nullable=False), _str("origin", 12, nullable=False),
        _str("reuses_document_id", 36), _str("status", 12, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False), _str("last_error_code", 40),
        sa.Column("last_error_message", sa.Text), sa.Column("result_json", _JSON),
        _str("submitted_by", 120, nullable=False), sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False), sa.Column("finished_at", _TS),
        sa.UniqueConstraint("ingest_key", name="uq_components_ingest_key"),
    )
    _indexes("components", "citizen_id", "dossier_id", "scan_sha256", "status")


def _create_documents() -> None:
    text = [_str(n, 300) for n in ("ten_giay_to", "co_quan_cap", "pham_vi_hieu_luc")]
    op.create_table(
        "documents", _id(), _str("lineage_id", 36, nullable=False),
        sa.Column("version", sa.Integer, nullable=False), sa.Column("is_current", sa.Boolean, nullable=False),
        _fk("supersedes_id", "documents.id"), _str("idempotency_key", 120),
        _fk("component_id", "components.id"), _fk("citizen_id", "citizens.id", nullable=False),
        _fk("dossier_id", "dossiers.id"), _str("kind", 12, nullable=False),
        _str("origin", 12, nullable=False), _str("status", 12, nullable=False),
        _str("doc_type", 40, nullable=False), sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("fields", _JSON, nullable=False), sa.Column("flags", _JSON, nullable=False),
        _str("ma_loai_giay_to", 60), _str("ma_dinh_danh_chu_so_huu", 20), _str("so_ky_hieu", 100),
        _str("ngay_cap", 10), sa.Column("trich_yeu", sa.Text), _str("thoi_han_hieu_luc", 40), *text,
        _str("so_dinh_danh", 12), _str("ho_ten", 200), _str("ngay_sinh", 10), _str("key_hash", 64),
        sa.Column("expires_on", sa.Date), _str("source_scan_key", 80), _str("source_sha256", 64),
        _str("searchable_pdf_key", 80), _str("signed_pdf_key", 80),
        sa.Column("page_start", sa.Integer, nullable=False), sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("page_info", _JSON, nullable=False), sa.Column("dpi", sa.Integer),
        sa.Column("color", sa.Boolean), sa.Column("ocr_text", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False), _str("ma_ho_so", 64), _str("ma_tthc", 64),
        _str("ma_ket_qua", 80), _str("digitized_by", 120), sa.Column("digitized_at", _TS, nullable=False),
        _str("confirmed_by", 120), sa.Column("confirmed_at", _TS), _str("revoked_by", 120),
        sa.Column("revoked_at", _TS), sa.Column("revoke_reason", sa.Text),
        _str("created_by", 120, nullable=False), sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("idempotency_key", name="uq_documents_idempotency_key"),
        sa.UniqueConstraint("lineage_id", "version", name="uq_documents_lineage_id"),
        sa.UniqueConstraint("ma_ket_qua", "version", name="uq_documents_ma_ket_qua"),
    )
    _indexes("documents", "lineage_id", "component_id", "dossier_id", "status", "ma_dinh_danh_chu_so_huu",
             "so_dinh_danh", "key_hash", "source_sha256")
    op.create_index("ix_documents_citizen_type", "documents", ["citizen_id", "doc_type", "is_current"])


def _postgres_search() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes the
    # wrapper safe to declare IMMUTABLE. Folds the way store.records._fold.fold does.
    op.execute(
        r"""
        CREATE OR REPLACE FUNCTION sohoa_fold(input text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
          SELECT btrim(regexp_replace(
                   lower(unaccent('unaccent'::regdictionary,
                                  translate(normalize(input, NFC), 'đĐ', 'dD'))),
                   '[^0-9a-z]+', ' ', 'g'))
        $$
        """
    )
    op.execute("CREATE INDEX ix_documents_search_trgm ON documents USING gin (search_text gin_trgm_ops)")


def _sqlite_search() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        "document_id UNINDEXED, citizen_id UNINDEXED, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )


def downgrade() -> None:
    """Drop everything this revision made."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
    for table in ("audit_log", "signatures"):
        op.drop_table(table)
    if dialect != "sqlite":
        op.drop_constraint("fk_components_reuses_document_id_documents", "components", type_="foreignkey")
    for table in ("documents", "components", "dossiers", "citizens"):
        op.drop_table(table)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS sohoa_fold(text)")
