"""The audit log: who did what to which record, when, for which dossier, in which request.

Reads of personal data are logged too. The request id comes from the caller's
context (:func:`acting_in`): the API sets it per HTTP request, a worker per job,
so a line can be traced to the request log.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store.records._access import require_role
from store.records._models import AuditEntry, utcnow
from store.records._types import Principal
from store.records._views import AuditView, audit_view

#: the statement that writes audit lines (:func:`audit_line` gives its values)
AUDIT_INSERT = insert(AuditEntry.__table__)  # type: ignore[arg-type]
_REQUEST_ID: ContextVar[str | None] = ContextVar("sohoa_request_id", default=None)

#: actions that read personal data (what a citizen's access log shows)
READ_ACTIONS = frozenset({
    "read_document", "read_documents", "read_history", "read_valid_documents", "search", "find_duplicates",
    "read_component", "read_dossier", "read_file", "read_result", "kho_lookup", "read_portal_record",
    "send_portal",
})


@contextmanager
def acting_in(request_id: str | None) -> Iterator[None]:
    """Within this block, audit lines carry ``request_id`` (an HTTP request's, a job's)."""
    token = _REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)


def current_request_id() -> str | None:
    """The request id audit lines get now (``None`` outside any request)."""
    return _REQUEST_ID.get()


def audit(
    session: Session,
    by: Principal,
    action: str,
    record_type: str,
    record_id: str | None = None,
    *,
    citizen: str | None = None,
    dossier: str | None = None,
    **detail: Any,
) -> None:
    """Add one line to the audit log, in the caller's transaction (so it stands or falls with it).

    Args:
        session: the open session.
        by: who acts.
        action: a short verb (``ingest``, ``read_documents``, ``confirm``, ``correct`` …).
        record_type: ``citizen``, ``dossier``, ``component``, ``document``, ``consent`` or ``job``.
        record_id: the record acted on.
        citizen: whose data it is (``ma_dinh_danh``), so a citizen's trail can be listed.
        dossier: the dossier code the act was for (``ma_ho_so`` in ``detail`` is taken when not given).
        **detail: JSON-serializable context.
    """
    # a plain Core INSERT of the table (no unit of work, no ORM bulk path, no id fetched back), one
    # statement whose compiled form is cached: reads write one of these per request
    session.execute(AUDIT_INSERT, audit_line(by, action, record_type, record_id, citizen=citizen, dossier=dossier,
                                             **detail))


def audit_line(by: Principal, action: str, record_type: str, record_id: str | None = None, *,
               citizen: str | None = None, dossier: str | None = None, **detail: Any) -> dict[str, Any]:
    """The values of one audit line (:func:`audit`'s arguments), for :data:`AUDIT_INSERT`, stamped now."""
    if dossier is None and isinstance(detail.get("ma_ho_so"), str):
        dossier = detail["ma_ho_so"]
    return {"at": utcnow(), "actor": str(by), "action": action, "record_type": record_type, "record_id": record_id,
            "citizen": citizen, "ma_ho_so": dossier, "request_id": _REQUEST_ID.get(), "detail": detail}


def audit_trail(
    session: Session,
    *,
    citizen: str | None = None,
    record_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    reads_only: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 200,
) -> list[AuditView]:
    """The newest audit lines matching every filter given, newest first (no access check: see ``_access``).

    Args:
        before_id: only lines older than this one (the cursor of a paged listing).
        reads_only: only reads of personal data.
    """
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    filters = {AuditEntry.citizen: citizen, AuditEntry.record_id: record_id, AuditEntry.actor: actor,
               AuditEntry.action: action}
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if reads_only:
        query = query.where(AuditEntry.action.in_(sorted(READ_ACTIONS)))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [audit_view(row) for row in session.scalars(query)]


def access_log(session: Session, by: Principal, *, before_id: int | None = None, limit: int = 50) -> list[AuditView]:
    """Who read a citizen's data, when and for which dossier: the citizen's own log, newest first.

    Their own reads are left out (a citizen knows what they looked at).

    Raises:
        AccessDenied: anyone but a citizen.
    """
    require_role(by, "citizen")
    lines = audit_trail(session, citizen=by.id, reads_only=True, before_id=before_id, limit=limit + 50)
    return [line for line in lines if line.actor != str(by)][:limit]


def audit_log(session: Session, by: Principal, *, citizen: str | None = None, actor: str | None = None,
              action: str | None = None, since: datetime | None = None, until: datetime | None = None,
              before_id: int | None = None, limit: int = 50) -> list[AuditView]:
    """The audit log, filtered and paged, for an administrator (reading it is not itself a read of personal data).

    Raises:
        AccessDenied: anyone but an admin (or the system).
    """
    require_role(by, "admin")
    return audit_trail(session, citizen=citizen, actor=actor, action=action, since=since, until=until,
                       before_id=before_id, limit=limit)
