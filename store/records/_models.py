"""The tables of the per-citizen data store (Kho quản lý dữ liệu điện tử), SQLAlchemy 2.

These are database rows, not the API's models nor the pipeline's results:
repository functions turn them into the frozen views of ``_views``. A
document's content is never changed in place once confirmed: a correction is
a new row of the same ``lineage_id`` with ``version + 1`` (see ``_documents``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

_JSON = JSON().with_variant(JSONB(), "postgresql")
_BIGID = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A new record id (UUID4 text)."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Now, timezone-aware UTC (timestamps are stored in UTC and shown in +07:00)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic diffs stay readable)."""

    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite hands back naive ones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


_TS = UtcDateTime()


class Citizen(Base):
    """A person (by ``so_dinh_danh``) or an organization (by its enterprise or tax code)."""

    __tablename__ = "citizens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    ma_dinh_danh: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="person")
    ho_ten: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)


class Dossier(Base):
    """A dossier (hồ sơ) received at a counter; its code never changes (Decree 45/2020 Art. 12)."""

    __tablename__ = "dossiers"
    __table_args__ = (Index("ix_dossiers_agency_created", "co_quan_tiep_nhan", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    ma_ho_so: Mapped[str] = mapped_column(String(64), unique=True)
    ma_tthc: Mapped[str | None] = mapped_column(String(64))
    co_quan_tiep_nhan: Mapped[str | None] = mapped_column(String(40))
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    results_issued: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)


class Component(Base):
    """One file handed in for a dossier (or for a citizen's store), and its digitizing status."""

    __tablename__ = "components"
    __table_args__ = (Index("ix_components_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    dossier_id: Mapped[str | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: the same file handed in twice for the same dossier is one component
    ingest_key: Mapped[str] = mapped_column(String(200), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    scan_key: Mapped[str] = mapped_column(String(80))
    scan_sha256: Mapped[str] = mapped_column(String(64), index=True)
    origin: Mapped[str] = mapped_column(String(12), default="scanned")
    reuses_document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id", use_alter=True))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    #: the pipeline's whole DigitizeResult, as ``digitize --json`` prints it
    result_json: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    submitted_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(_TS)


class Document(Base):
    """One version of a digitized document: fields, Art. 9 metadata, files, who and when."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("lineage_id", "version"),
        # a corrected result keeps its code: one code per version of one lineage
        UniqueConstraint("ma_ket_qua", "version"),
        Index("ix_documents_citizen_type", "citizen_id", "doc_type", "is_current"),
        # the service index's corrected versions (v0004)
        Index("ix_documents_corrected", "digitized_at", postgresql_where=text("version > 1"),
              sqlite_where=text("version > 1")),
        Index("ix_documents_current_components", "digitized_at", postgresql_include=["doc_type", "dossier_id"],
              postgresql_where=text("is_current AND kind = 'component'"),
              sqlite_where=text("is_current AND kind = 'component'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    lineage_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    #: ``component:<id>:<n>`` for the n-th document read from a component; makes workers idempotent
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    component_id: Mapped[str | None] = mapped_column(ForeignKey("components.id"), index=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"))
    dossier_id: Mapped[str | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="component")
    origin: Mapped[str] = mapped_column(String(12), default="scanned")
    status: Mapped[str] = mapped_column(String(12), default="extracted", index=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    #: name → {value, confidence, page, bbox, flags}
    fields: Mapped[dict[str, Any]] = mapped_column(_JSON, default=dict)
    flags: Mapped[list[str]] = mapped_column(_JSON, default=list)
    # Art. 9 of Circular 01/2023/TT-VPCP
    ma_loai_giay_to: Mapped[str | None] = mapped_column(String(60))
    ma_dinh_danh_chu_so_huu: Mapped[str | None] = mapped_column(String(20), index=True)
    ten_giay_to: Mapped[str | None] = mapped_column(String(300))
    so_ky_hieu: Mapped[str | None] = mapped_column(String(100))
    ngay_cap: Mapped[str | None] = mapped_column(String(10))
    co_quan_cap: Mapped[str | None] = mapped_column(String(300))
    trich_yeu: Mapped[str | None] = mapped_column(Text)
    thoi_han_hieu_luc: Mapped[str | None] = mapped_column(String(40))
    pham_vi_hieu_luc: Mapped[str | None] = mapped_column(String(300))
    # key fields promoted for lookups
    so_dinh_danh: Mapped[str | None] = mapped_column(String(12), index=True)
    ho_ten: Mapped[str | None] = mapped_column(String(200))
    ngay_sinh: Mapped[str | None] = mapped_column(String(10))
    key_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    expires_on: Mapped[date | None] = mapped_column(Date)
    # files and scan facts
    source_scan_key: Mapped[str | None] = mapped_column(String(80))
    source_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    searchable_pdf_key: Mapped[str | None] = mapped_column(String(80))
    signed_pdf_key: Mapped[str | None] = mapped_column(String(80))
    page_start: Mapped[int] = mapped_column(Integer, default=1)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    page_info: Mapped[list[dict[str, Any]]] = mapped_column(_JSON, default=list)
    dpi: Mapped[int | None] = mapped_column(Integer)
    color: Mapped[bool | None] = mapped_column(Boolean)
    ocr_text: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # the dossier it came in with, and the result code for results
    ma_ho_so: Mapped[str | None] = mapped_column(String(64))
    ma_tthc: Mapped[str | None] = mapped_column(String(64))
    ma_ket_qua: Mapped[str | None] = mapped_column(String(80))
    # who and when
    digitized_by: Mapped[str | None] = mapped_column(String(120))
    digitized_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    confirmed_by: Mapped[str | None] = mapped_column(String(120))
    confirmed_at: Mapped[datetime | None] = mapped_column(_TS)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(_TS)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    #: why this version was made (a correction's reason, given by the officer)
    change_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)


class Signature(Base):
    """A signature applied to a document's PDF (officer on a scan, agency on a result or copy)."""

    __tablename__ = "signatures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    signer_name: Mapped[str] = mapped_column(String(300))
    cert_serial: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(8))
    signed_at: Mapped[datetime] = mapped_column(_TS)
    #: the PDF as it is after this signature
    pdf_key: Mapped[str] = mapped_column(String(80))
    requested_by: Mapped[str] = mapped_column(String(120))
    #: the request (queue message) that asked for it: a redelivered request adds nothing
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)


class AuditEntry(Base):
    """Who did what to which record, and when; every read of personal data writes one."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(_TS, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str | None] = mapped_column(String(36), index=True)
    citizen: Mapped[str | None] = mapped_column(String(20), index=True)
    #: the dossier the act was for (an officer reads a citizen's data for one dossier)
    ma_ho_so: Mapped[str | None] = mapped_column(String(64))
    #: the HTTP request (``X-Request-ID``) or job it happened in
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(_JSON, default=dict)
