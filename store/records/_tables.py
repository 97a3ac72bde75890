"""The tables of the API's work: consents, idempotency keys, result jobs and their callback attempts.

Database rows like those of ``_models`` (same declarative base, same naming
convention); repository functions turn them into the frozen views of ``_views``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.records._models import _BIGID, _JSON, _TS, Base, new_id, utcnow


class Consent(Base):
    """A citizen lets a dossier (by its code) reuse one of their documents, until revoked."""

    __tablename__ = "consents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    #: every version of the document: a correction does not end the consent
    lineage_id: Mapped[str] = mapped_column(String(36), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    ma_ho_so: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(_TS)
    revoked_by: Mapped[str | None] = mapped_column(String(120))


class IdempotencyKey(Base):
    """A POST's ``Idempotency-Key``: the first request's answer, replayed to its retries (on any replica)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("principal", "key"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True, autoincrement=True)
    principal: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200))
    #: the method, path and body digest of the first request: a different request under the same key is refused
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: ``pending`` while the first request runs, ``done`` once its answer is kept
    state: Mapped[str] = mapped_column(String(12), default="pending")
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(_TS)


class ResultJob(Base):
    """The resolution system's request for a signed result, and where it is."""

    __tablename__ = "result_jobs"
    __table_args__ = (Index("ix_result_jobs_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    ma_ho_so: Mapped[str] = mapped_column(String(64))
    #: ``queued``, ``running``, ``done`` or ``failed``
    state: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    level: Mapped[str] = mapped_column(String(8))
    ten_giay_to: Mapped[str] = mapped_column(String(300))
    so_ky_hieu: Mapped[str | None] = mapped_column(String(100))
    #: the unsigned PDF as received (documents bucket)
    source_key: Mapped[str] = mapped_column(String(80))
    source_sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    #: ``none`` (no URL), ``pending``, ``delivered`` or ``failed``
    callback_state: Mapped[str] = mapped_column(String(12), default="none")
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    ma_ket_qua: Mapped[str | None] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(_TS)


class CallbackAttempt(Base):
    """One try at calling a job's ``callback_url``: when, what came back, how long it took."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("result_jobs.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[bool] = mapped_column(default=False)
