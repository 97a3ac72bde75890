"""The audit log: who did what to which record, and when. Reads of personal data are logged too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.records._models import AuditEntry, utcnow
from store.records._types import Principal
from store.records._views import AuditView, audit_view


def audit(
    session: Session,
    by: Principal,
    action: str,
    record_type: str,
    record_id: str | None = None,
    *,
    citizen: str | None = None,
    **detail: Any,
) -> None:
    """Add one line to the audit log, in the caller's transaction (so it stands or falls with it).

    Args:
        session: the open session.
        by: who acts.
        action: a short verb (``ingest``, ``read_documents``, ``confirm``, ``correct`` …).
        record_type: ``citizen``, ``dossier``, ``component`` or ``document``.
        record_id: the record acted on.
        citizen: whose data it is (``ma_dinh_danh``), so a citizen's trail can be listed.
        **detail: JSON-serializable context.
    """
    session.add(AuditEntry(at=utcnow(), actor=str(by), action=action, record_type=record_type,
                           record_id=record_id, citizen=citizen, detail=detail))


def audit_trail(
    session: Session,
    *,
    citizen: str | None = None,
    record_id: str | None = None,
    actor: str | None = None,
    limit: int = 200,
) -> list[AuditView]:
    """The newest audit lines matching every filter given, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if citizen is not None:
        query = query.where(AuditEntry.citizen == citizen)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    return [audit_view(row) for row in session.scalars(query)]
