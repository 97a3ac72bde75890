"""The portal sync's bookkeeping: outbox → records to send, leases for a worker, every answer kept.

A worker (``workers._portal``) calls :func:`refresh_outbox`, then :func:`claim_due`
for a batch, sends it, and :func:`record_outcomes` in one transaction per call. A
record is re-sent only when its hash changed since the portal last took it; the
portal's "already exists" turns the dossier into an update. A worker killed while
sending holds its rows only until its lease ends; what it had sent is sent again
(the portal answers "already exists" and the update carries the same record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from schemas.settings import PortalSettings
from store.records._access import check_dossier, find_dossier, require_role
from store.records._audit import current_request_id
from store.records._models import AuditEntry, Dossier, utcnow
from store.records._portal import build_records, record_hash, record_json
from store.records._portal_tables import PortalAttempt, PortalOutbox, PortalSync
from store.records._types import Principal

#: rows still to be taken by the portal
UNSYNCED = ("pending", "failing")


@dataclass(frozen=True)
class PortalJob:
    """A dossier a worker holds to send: the record and its hash, and whether to post or update."""

    dossier_id: str
    ma_ho_so: str
    record: dict[str, Any]
    record_hash: str
    on_portal: bool
    #: records sent before this claim that got no answer (see ``PortalSync.unanswered``)
    unanswered: tuple[str, ...] = ()


@dataclass(frozen=True)
class PortalOutcome:
    """What the portal answered for one dossier of a call.

    Attributes:
        service: ``post`` or ``update``.
        ok: the portal took it (``error_code == "0"``).
        exists: the portal already has this dossier (a post answered "already exists"): update it.
        unknown: the update service does not know the dossier: post it next time.
        error_code: the portal's code, or ours when no answer came.
        answer: the portal's answer for this dossier (or the whole call's), kept as the last answer.
    """

    job: PortalJob
    service: str
    ok: bool
    error_code: str | None
    message: str | None
    answer: dict[str, Any] | None
    http_status: int | None = None
    duration_ms: int = 0
    exists: bool = False
    unknown: bool = False


@dataclass(frozen=True)
class PortalSyncView:
    """Where a dossier is with the portal (no personal data: codes and the portal's answers)."""

    ma_ho_so: str
    state: str
    attempts: int
    on_portal: bool
    record_hash: str
    sent_hash: str | None
    last_error_code: str | None
    last_answer: dict[str, Any] | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime
    synced_at: datetime | None


def _view(row: PortalSync) -> PortalSyncView:
    return PortalSyncView(row.ma_ho_so, row.state, row.attempts, row.on_portal, row.record_hash, row.sent_hash,
                          row.last_error_code, row.last_answer, row.last_attempt_at, row.next_attempt_at,
                          row.synced_at)


def refresh_outbox(session: Session, *, base_url: str | None = None, limit: int = 500) -> int:
    """Turn up to ``limit`` outbox rows into records to send; returns how many rows were taken.

    A record equal to the one the portal holds is not sent again; a changed one is
    (as an update once the portal knows the dossier). The records are built together
    (a handful of queries for the lot).
    """
    # not locked: a writer bumping a row is never held up by a sync; the versioned delete below leaves any row
    # changed meanwhile for the next round (two syncs taking the same row only build the same record twice)
    marks = list(session.scalars(select(PortalOutbox).order_by(PortalOutbox.changed_at).limit(limit)))
    if not marks:
        return 0
    ids = [m.dossier_id for m in marks]
    dossiers = list(session.scalars(select(Dossier).where(Dossier.id.in_(ids))))
    built = build_records(session, dossiers, base_url=base_url)
    syncs = {r.dossier_id: r for r in session.scalars(select(PortalSync).where(PortalSync.dossier_id.in_(ids))
                                                       .with_for_update())}
    now = utcnow()
    for dossier in dossiers:
        body = record_json(built[dossier.id])
        digest = record_hash(body)
        sync = syncs.get(dossier.id)
        if sync is None:
            session.add(PortalSync(dossier_id=dossier.id, ma_ho_so=dossier.ma_ho_so, state="pending", record=body,
                                   record_hash=digest, unanswered=[], on_portal=False, attempts=0,
                                   next_attempt_at=now, updated_at=now))
        elif digest != sync.record_hash:
            sync.record, sync.record_hash, sync.attempts, sync.next_attempt_at = body, digest, 0, now
            sync.state = "synced" if digest == sync.sent_hash else "pending"
            sync.updated_at = now
    # a change made meanwhile bumped the version: its row stays for the next round
    session.execute(delete(PortalOutbox).where(
        tuple_(PortalOutbox.dossier_id, PortalOutbox.version).in_([(m.dossier_id, m.version) for m in marks])))
    session.flush()
    return len(marks)


def claim_due(session: Session, *, limit: int, lease_s: float, due_by: datetime | None = None) -> list[PortalJob]:
    """Hold up to ``limit`` dossiers due (by ``due_by``, default now) for ``lease_s`` seconds; rows others hold
    are skipped."""
    now = utcnow()
    query = (select(PortalSync).where(PortalSync.state.in_(UNSYNCED), PortalSync.next_attempt_at <= (due_by or now),
                                      or_(PortalSync.lease_until.is_(None), PortalSync.lease_until < now))
             .order_by(PortalSync.next_attempt_at, PortalSync.dossier_id).limit(limit)
             .with_for_update(skip_locked=True))
    jobs = []
    for row in session.scalars(query):
        row.lease_until = now + timedelta(seconds=lease_s)
        jobs.append(PortalJob(row.dossier_id, row.ma_ho_so, row.record, row.record_hash, row.on_portal,
                              tuple(row.unanswered)))
        if row.record_hash not in row.unanswered:  # committed before the call: a kill leaves it behind
            row.unanswered = [*row.unanswered, row.record_hash]
    session.flush()
    return jobs


def backoff(attempts: int, cfg: PortalSettings) -> timedelta:
    """The wait before try ``attempts + 1``: doubling from ``min_backoff_ms``, at most ``max_backoff_ms``."""
    ms = min(cfg.max_backoff_ms, cfg.min_backoff_ms * 2 ** min(max(attempts - 1, 0), 30))
    return timedelta(milliseconds=ms)


def record_outcomes(session: Session, outcomes: list[PortalOutcome], cfg: PortalSettings, *,
                    by: Principal) -> list[PortalJob]:
    """Keep every answer as an attempt and move each dossier on: synced, to update, or retried later.

    One call's outcomes are written together (a few statements for the batch, not a few per dossier).

    Returns:
        The dossiers the portal already has in another version: to send to the update service now.
    """
    if not outcomes:
        return []
    now = utcnow()
    session.execute(insert(PortalAttempt), [
        {"dossier_id": o.job.dossier_id, "ma_ho_so": o.job.ma_ho_so, "at": now, "service": o.service,
         "record_hash": o.job.record_hash, "ok": o.ok, "error_code": o.error_code,
         "message": (o.message or "")[:2000] or None, "http_status": o.http_status, "duration_ms": o.duration_ms}
        for o in outcomes])
    rows = {r.dossier_id: r for r in session.scalars(select(PortalSync).where(
        PortalSync.dossier_id.in_(sorted({o.job.dossier_id for o in outcomes}))).with_for_update())}
    to_update, taken = [], []
    for out in outcomes:
        job, row = out.job, rows[out.job.dossier_id]
        row.last_attempt_at, row.last_answer, row.updated_at = now, out.answer, now
        if out.exists and not holds_it(job):  # the caller updates it at once, under the same lease
            row.on_portal, row.last_error_code = True, out.error_code
            to_update.append(job)
            continue
        row.lease_until = None
        if out.ok or out.exists:
            _taken(row, job, now)
            taken.append(job)
            continue
        if out.unknown:
            row.on_portal = False
        row.attempts += 1
        row.last_error_code = out.error_code
        row.next_attempt_at = now + backoff(row.attempts, cfg)
        row.state = "failing" if row.attempts >= cfg.max_attempts else "pending"
    if taken:  # the portal now holds personal data: each disclosure is in the owner's access log
        session.execute(insert(AuditEntry), [
            {"at": now, "actor": str(by), "action": "send_portal", "record_type": "dossier", "record_id": j.dossier_id,
             "citizen": str(j.record.get("SoGiayToChuHoSo")), "ma_ho_so": j.ma_ho_so,
             "request_id": current_request_id(), "detail": {"record_hash": j.record_hash}} for j in taken])
    session.flush()
    return to_update


def holds_it(job: PortalJob) -> bool:
    """Whether a portal that says it already has the dossier holds this very record: it was sent before without
    an answer, and no other was (a worker killed after the portal took it), so an update would only repeat it."""
    return job.unanswered == (job.record_hash,)


def _taken(row: PortalSync, job: PortalJob, now: datetime) -> None:
    row.sent_hash, row.on_portal, row.last_error_code, row.unanswered = job.record_hash, True, None, []
    if row.record_hash == job.record_hash:
        row.state, row.attempts, row.synced_at = "synced", 0, now
    else:  # changed while it was on its way: send the new record next
        row.state, row.attempts, row.next_attempt_at = "pending", 0, now


def next_due(session: Session) -> datetime | None:
    """When the next unsynced dossier may be tried, a held one once its lease ends (``None``: nothing left)."""
    if session.scalar(select(func.count()).select_from(PortalOutbox)):
        return utcnow()
    held = and_(PortalSync.lease_until.is_not(None), PortalSync.lease_until > PortalSync.next_attempt_at)
    when = case((held, PortalSync.lease_until), else_=PortalSync.next_attempt_at)
    due: datetime | None = session.scalar(select(func.min(when)).where(PortalSync.state.in_(UNSYNCED)))
    return due


def _readable(session: Session, by: Principal) -> Any:
    require_role(by, "officer", "admin")
    query = select(PortalSync).join(Dossier, Dossier.id == PortalSync.dossier_id)
    if by.role == "officer" and by.agencies is not None:
        query = query.where(Dossier.co_quan_tiep_nhan.in_(sorted(by.agencies)))
    return query


def portal_sync_status(session: Session, by: Principal, ma_ho_so: str) -> PortalSyncView | None:
    """Where a dossier is with the portal (``None``: not looked at yet), for an officer of its agency or an admin.

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: anyone else.
    """
    require_role(by, "officer", "admin")
    dossier = find_dossier(session, ma_ho_so)
    if by.role != "admin":
        check_dossier(by, dossier)
    row = session.get(PortalSync, dossier.id)
    return _view(row) if row is not None else None


def failing_syncs(session: Session, by: Principal, *, limit: int = 100) -> list[PortalSyncView]:
    """Dossiers the portal keeps refusing (or that never reached it), most tried first, with their last answer.

    Raises:
        AccessDenied: neither an officer (sees their agencies') nor an admin.
    """
    query = _readable(session, by).where(PortalSync.state == "failing")
    return [_view(r) for r in session.scalars(query.order_by(PortalSync.attempts.desc(), PortalSync.ma_ho_so)
                                              .limit(limit))]


def portal_attempts(session: Session, by: Principal, ma_ho_so: str) -> list[dict[str, Any]]:
    """Every call made to the portal for a dossier, oldest first.

    Raises:
        NotFoundError: no such dossier; AccessDenied: see :func:`portal_sync_status`.
    """
    if portal_sync_status(session, by, ma_ho_so) is None:
        return []
    rows = session.scalars(select(PortalAttempt).where(PortalAttempt.ma_ho_so == ma_ho_so)
                           .order_by(PortalAttempt.id))
    return [{"at": r.at.isoformat(), "service": r.service, "ok": r.ok, "error_code": r.error_code,
             "message": r.message, "http_status": r.http_status, "duration_ms": r.duration_ms,
             "record_hash": r.record_hash} for r in rows]


def sync_counts(session: Session) -> dict[str, int]:
    """How many dossiers are in each sync state, and how many changes wait in the outbox (for the system)."""
    counts = {state: n for state, n in session.execute(select(PortalSync.state, func.count())
                                                         .group_by(PortalSync.state))}
    counts["outbox"] = session.scalar(select(func.count()).select_from(PortalOutbox)) or 0
    return counts

