"""Consents: a citizen lets one dossier (by its code) reuse one of their documents, and may take it back.

A consent covers every version of the document (its lineage), so a correction
does not end it. While it stands, officers of the dossier's agency may read that
document for that dossier and attach it (see ``_access``); revoking it stops
further reads and attachments, and what was already attached stays on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.errors import ErrorCode, InputError, NotFoundError
from store.records._access import deny, require_role
from store.records._audit import audit
from store.records._intake import check_codes
from store.records._models import Citizen, Document, utcnow
from store.records._tables import Consent
from store.records._types import Principal


@dataclass(frozen=True)
class ConsentView:
    """A consent as the citizen sees it.

    Attributes:
        document_id: the document version the citizen picked (the consent covers its later versions).
        revoked_at: when it was taken back, ``None`` while it stands.
    """

    id: str
    citizen: str
    document_id: str
    lineage_id: str
    ma_ho_so: str
    created_at: datetime
    revoked_at: datetime | None


def _view(row: Consent, citizen: str) -> ConsentView:
    return ConsentView(row.id, citizen, row.document_id, row.lineage_id, row.ma_ho_so, row.created_at,
                       row.revoked_at)


def grant_consent(session: Session, by: Principal, *, document_id: str, ma_ho_so: str) -> ConsentView:
    """Let the dossier ``ma_ho_so`` reuse one of the citizen's documents (a standing consent is returned as is).

    Raises:
        InputError: a malformed dossier code.
        NotFoundError: no such document among the citizen's own.
        AccessDenied: anyone but the citizen themself.
    """
    require_role(by, "citizen")
    check_codes(ma_ho_so, None)
    doc = session.get(Document, document_id)
    owner = session.get(Citizen, doc.citizen_id) if doc is not None else None
    if doc is None or owner is None or (by.role == "citizen" and owner.ma_dinh_danh != by.id):
        raise NotFoundError("no such document in your store", detail={"document_id": document_id})
    standing = session.scalar(select(Consent).where(
        Consent.lineage_id == doc.lineage_id, Consent.ma_ho_so == ma_ho_so, Consent.revoked_at.is_(None)))
    if standing is not None:
        return _view(standing, owner.ma_dinh_danh)
    row = Consent(citizen_id=owner.id, lineage_id=doc.lineage_id, document_id=doc.id, ma_ho_so=ma_ho_so,
                  created_by=str(by), created_at=utcnow())
    session.add(row)
    session.flush()
    audit(session, by, "grant_consent", "consent", row.id, citizen=owner.ma_dinh_danh, dossier=ma_ho_so,
          document_id=doc.id)
    return _view(row, owner.ma_dinh_danh)


def revoke_consent(session: Session, by: Principal, consent_id: str) -> ConsentView:
    """Take a consent back (revoking it twice changes nothing).

    Raises:
        NotFoundError: no such consent among the citizen's own.
        AccessDenied: anyone but the citizen themself.
    """
    require_role(by, "citizen")
    row = session.get(Consent, consent_id)
    owner = session.get(Citizen, row.citizen_id) if row is not None else None
    if row is None or owner is None or (by.role == "citizen" and owner.ma_dinh_danh != by.id):
        raise NotFoundError("no such consent", detail={"consent_id": consent_id})
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = utcnow(), str(by)
        audit(session, by, "revoke_consent", "consent", row.id, citizen=owner.ma_dinh_danh, dossier=row.ma_ho_so)
    return _view(row, owner.ma_dinh_danh)


def list_consents(session: Session, by: Principal, *, ma_dinh_danh: str | None = None,
                  include_revoked: bool = False) -> list[ConsentView]:
    """A citizen's consents, newest first.

    Args:
        ma_dinh_danh: whose (a citizen may only name themself; defaults to ``by``).

    Raises:
        AccessDenied: another citizen's consents.
        InputError: the system must say whose.
    """
    require_role(by, "citizen")
    who = ma_dinh_danh or (by.id if by.role == "citizen" else None)
    if who is None:
        raise InputError("say whose consents", code=ErrorCode.INVALID_VALUE)
    if by.role == "citizen" and who != by.id:
        raise deny("a citizen sees only their own consents")
    query = (select(Consent).join(Citizen, Citizen.id == Consent.citizen_id)
             .where(Citizen.ma_dinh_danh == who).order_by(Consent.created_at.desc(), Consent.id))
    if not include_revoked:
        query = query.where(Consent.revoked_at.is_(None))
    return [_view(row, who) for row in session.scalars(query)]
