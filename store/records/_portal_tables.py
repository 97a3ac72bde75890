"""The portal sync's tables: an outbox of changed dossiers, one sync row per dossier, every attempt.

The outbox is written in the same transaction as the change it marks (a flush hook
below), so a change is never lost between the store and the sync: a dossier, a
component or document of it, a result job for it, or its owner's name changing
bumps the dossier's outbox row. The sync worker turns outbox rows into records,
and sends a record only when its hash differs from the last one the portal took.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from store.records._models import _BIGID, _JSON, _TS, Base, Citizen, Component, Document, Dossier, utcnow
from store.records._tables import ResultJob


class PortalOutbox(Base):
    """A dossier changed since the sync last looked: ``version`` grows with every change."""

    __tablename__ = "portal_outbox"

    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)


class PortalSync(Base):
    """Where one dossier is with the portal: the record to send, what the portal last took, the last answer."""

    __tablename__ = "portal_sync"

    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    ma_ho_so: Mapped[str] = mapped_column(String(64), index=True)
    #: ``pending`` (to send), ``synced`` (the portal holds the current record), ``failing`` (kept failing)
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    #: the record to send and its SHA-256 (over canonical JSON)
    record: Mapped[dict[str, Any]] = mapped_column(_JSON)
    record_hash: Mapped[str] = mapped_column(String(64))
    #: the hash the portal last answered ``0`` for (``None``: never taken)
    sent_hash: Mapped[str | None] = mapped_column(String(64))
    #: hashes of records sent with no answer since the portal last answered ``0`` (a worker killed mid-call):
    #: the portal may hold any of them, so "already exists" means "holds this record" only when it is the one
    unanswered: Mapped[list[str]] = mapped_column(_JSON, default=list)
    #: the portal knows this dossier: send changes to the update service
    on_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: failed tries of the current record (reset when it is taken or changes)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(_TS, default=utcnow, index=True)
    #: a worker holds the row until then (a killed worker's rows come back when it passes)
    lease_until: Mapped[datetime | None] = mapped_column(_TS)
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_answer: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    last_attempt_at: Mapped[datetime | None] = mapped_column(_TS)
    synced_at: Mapped[datetime | None] = mapped_column(_TS)
    updated_at: Mapped[datetime] = mapped_column(_TS, default=utcnow)


class PortalAttempt(Base):
    """One call to the portal for one dossier: which service, which record, what came back."""

    __tablename__ = "portal_attempts"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    ma_ho_so: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(_TS, default=utcnow)
    #: ``post`` (new dossiers) or ``update``
    service: Mapped[str] = mapped_column(String(12))
    record_hash: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the portal's ``error_code``, or ours when no answer came (``portal_unreachable`` …)
    error_code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


def _changed_dossiers(session: Session) -> set[str]:
    ids: set[str] = set()
    owners: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Dossier):
            ids.add(obj.id)
        elif isinstance(obj, Component | Document | ResultJob) and obj.dossier_id:
            ids.add(obj.dossier_id)
        elif isinstance(obj, Citizen) and obj in session.dirty:
            owners.add(obj.id)
    if owners:
        ids.update(session.scalars(select(Dossier.id).where(Dossier.citizen_id.in_(sorted(owners)))))
    return {i for i in ids if i}


@event.listens_for(Session, "after_flush")
def _mark_changed(session: Session, _ctx: UOWTransaction) -> None:
    """Bump the outbox row of every dossier this flush touched, in the same transaction."""
    ids = _changed_dossiers(session)
    if not ids:
        return
    conn = session.connection()
    maker = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    for dossier_id in sorted(ids):  # one order everywhere: concurrent flushes never deadlock on these rows
        stmt = maker(PortalOutbox).values(dossier_id=dossier_id, version=1, changed_at=now)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[PortalOutbox.dossier_id],
            set_={"version": PortalOutbox.version + 1, "changed_at": now}))
