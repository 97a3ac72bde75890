"""A citizen's documents page by page, with the filters callers combine: words, reusable only, type, dossier.

Pages are keyed on (``digitized_at``, ``id``), newest first, so a page is the
same whatever was added since the first one. The read is audited once per page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from store.records._access import Scope, citizen_and_dossiers, citizen_scope
from store.records._audit import audit
from store.records._build import FTS
from store.records._documents import views_of
from store.records._fold import search_tokens
from store.records._models import Document
from store.records._reuse import _REUSABLE
from store.records._types import Principal
from store.records._views import DocumentView


def browse_documents(
    session: Session, by: Principal, ma_dinh_danh: str, *, q: str | None = None, valid: bool = False,
    doc_type: str | None = None, for_dossier: str | None = None, after: tuple[datetime, str] | None = None,
    limit: int = 50, today: date | None = None,
) -> list[DocumentView]:
    """Up to ``limit`` of the citizen's current documents, newest first, after the position ``after``.

    Args:
        q: words to find; ``nguyen van an`` finds ``Nguyễn Văn An``.
        valid: only documents that can be reused (confirmed or signed, not expired).
        doc_type: only this type.
        for_dossier: the dossier the officer reads for (a dossier of another citizen sees only
            the documents consented to it).
        after: the (``digitized_at``, ``id``) of the last document of the previous page.

    Raises:
        AccessDenied: see :func:`store.records._access.citizen_scope`.
        NotFoundError: ``for_dossier`` does not exist.
    """
    citizen, dossiers = citizen_and_dossiers(session, by, ma_dinh_danh)
    if citizen is None:
        return []
    scope = citizen_scope(session, by, citizen, for_dossier=for_dossier, dossiers=dossiers)
    stmt = browse_query(citizen.id, scope, q=q, valid=valid, doc_type=doc_type, after=after, limit=limit,
                        today=today, sqlite=session.get_bind().dialect.name == "sqlite")
    views = views_of(session, list(session.scalars(stmt)))
    audit(session, by, **browse_audit(ma_dinh_danh, scope, views, q=q, valid=valid, doc_type=doc_type))
    return views


def browse_query(citizen_id: str, scope: Scope, *, q: str | None, valid: bool, doc_type: str | None,
                 after: tuple[datetime, str] | None, limit: int, today: date | None, sqlite: bool) -> Select[Any]:
    """The page of :func:`browse_documents` as one query (run by the session, or on the event loop)."""
    stmt = select(Document).where(Document.citizen_id == citizen_id, Document.is_current.is_(True))
    if not scope.everything:
        stmt = stmt.where(Document.lineage_id.in_(sorted(scope.lineages)))
    if valid:
        stmt = stmt.where(Document.status.in_(_REUSABLE), or_(Document.expires_on.is_(None),
                                                              Document.expires_on >= (today or date.today())))
    if doc_type:
        stmt = stmt.where(Document.doc_type == doc_type)
    if q:
        stmt = _matching(stmt, q, sqlite=sqlite)
    if after is not None:
        at, last = after
        stmt = stmt.where(or_(Document.digitized_at < at, (Document.digitized_at == at) & (Document.id < last)))
    return stmt.order_by(Document.digitized_at.desc(), Document.id.desc()).limit(limit)


def browse_audit(ma_dinh_danh: str, scope: Scope, views: list[DocumentView], *, q: str | None, valid: bool,
                 doc_type: str | None) -> dict[str, Any]:
    """The arguments of the audit line of a page (see :func:`store.records._audit.audit_line`)."""
    return {"action": "search" if q else "read_documents", "record_type": "citizen", "record_id": None,
            "citizen": ma_dinh_danh, "dossier": scope.ma_ho_so, "count": len(views), "query": q, "valid": valid,
            "doc_type": doc_type}


def _matching(stmt: Select[Any], q: str, *, sqlite: bool) -> Select[Any]:
    tokens = search_tokens(q)
    if not tokens:
        return stmt
    if sqlite:
        phrase = '"' + " ".join(tokens) + '"'
        return stmt.where(Document.id.in_(select(FTS.c.document_id).where(FTS.c.body.op("MATCH")(phrase))))
    pattern = func.concat(r"\m", func.sohoa_fold(q), r"\M")
    return stmt.where(Document.search_text.op("~")(pattern))
