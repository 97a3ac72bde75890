"""Reuse ("provide it once"): valid documents, attaching one by reference, duplicates, and search.

Search folds diacritics the same way on both databases (``_fold``):
PostgreSQL matches whole words with a regular expression served by the
trigram index on ``search_text``; SQLite asks its FTS5 table for the phrase.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from schemas.errors import ConflictError, NotFoundError
from store.records._access import (
    check_document_read,
    check_dossier,
    citizen_scope,
    known_citizen,
    require_role,
)
from store.records._audit import audit
from store.records._build import FTS
from store.records._documents import view_of
from store.records._fold import search_tokens
from store.records._intake import ensure_dossier, find_citizen
from store.records._models import Citizen, Component, Document, Dossier, utcnow
from store.records._types import ComponentStatus, DocumentStatus, Origin, Principal
from store.records._views import ComponentView, DocumentView, DuplicateHit, component_view

_REUSABLE = (DocumentStatus.CONFIRMED, DocumentStatus.SIGNED)


def _valid_query(citizen_id: str, today: date) -> Select[Document]:
    return select(Document).where(
        Document.citizen_id == citizen_id, Document.is_current.is_(True), Document.status.in_(_REUSABLE),
        or_(Document.expires_on.is_(None), Document.expires_on >= today),
    )


def valid_documents(
    session: Session, by: Principal, ma_dinh_danh: str, *, doc_type: str | None = None,
    today: date | None = None, for_dossier: str | None = None,
) -> list[DocumentView]:
    """A citizen's documents that can be reused: current, confirmed or signed, not expired (audited).

    Raises:
        NotFoundError: no such citizen.
        AccessDenied: see :func:`store.records._access.citizen_scope`.
    """
    citizen = known_citizen(session, by, ma_dinh_danh)
    if citizen is None:
        return []
    scope = citizen_scope(session, by, citizen, for_dossier=for_dossier)
    query = _valid_query(citizen.id, today or date.today()).order_by(Document.digitized_at.desc())
    if not scope.everything:
        query = query.where(Document.lineage_id.in_(sorted(scope.lineages)))
    if doc_type:
        query = query.where(Document.doc_type == doc_type)
    views = [view_of(session, row) for row in session.scalars(query)]
    audit(session, by, "read_valid_documents", "citizen", None, citizen=ma_dinh_danh, doc_type=doc_type,
          count=len(views), dossier=scope.ma_ho_so)
    return views


def attach_to_dossier(
    session: Session, by: Principal, document_id: str, *, ma_ho_so: str, ma_tthc: str | None = None,
    today: date | None = None,
) -> ComponentView:
    """Attach a valid document (its current version) to a dossier by reference: a component of the dossier's
    citizen, no new upload.

    The dossier is opened for the document's owner when it does not exist yet. A document of
    another citizen may be attached only with that citizen's consent for this dossier.

    Raises:
        NotFoundError: no such document.
        ConflictError: the document is not reusable (old version, unconfirmed, revoked, expired).
        AccessDenied: not an officer of the dossier's agency, or a document the dossier may not reuse.
    """
    require_role(by, "officer")
    named = session.get(Document, document_id)
    if named is None:
        raise NotFoundError("no such document", detail={"document_id": document_id})
    # any version names the document: its current version is what is attached
    doc = session.scalar(select(Document).where(Document.lineage_id == named.lineage_id,
                                                Document.is_current.is_(True))) or named
    document_id = doc.id
    owner = view_of(session, doc).citizen
    existing = session.scalar(select(Dossier).where(Dossier.ma_ho_so == ma_ho_so))
    if existing is not None:
        check_dossier(by, existing, write=True)
        dossier = ensure_dossier(session, by, session.get_one(Citizen, existing.citizen_id), ma_ho_so, ma_tthc)
    else:
        dossier = ensure_dossier(session, by, find_citizen(session, owner), ma_ho_so, ma_tthc)
    check_document_read(session, by, doc, for_dossier=ma_ho_so)
    valid = session.scalar(_valid_query(doc.citizen_id, today or date.today()).where(Document.id == document_id))
    if not valid:
        raise ConflictError("only a current, confirmed and unexpired document can be reused",
                            detail={"document_id": document_id})
    holder = session.get_one(Citizen, dossier.citizen_id).ma_dinh_danh
    key = f"dossier:{dossier.id}:reuse:{doc.lineage_id}"
    row = session.scalar(select(Component).where(Component.ingest_key == key))
    if row is None:
        now = utcnow()
        row = Component(
            citizen_id=dossier.citizen_id, dossier_id=dossier.id, ingest_key=key,
            file_name=doc.ten_giay_to or doc.doc_type, content_type="application/pdf", size_bytes=0,
            scan_key=doc.source_scan_key or "", scan_sha256=doc.source_sha256 or "", origin=Origin.REUSED,
            reuses_document_id=doc.id, status=ComponentStatus.EXTRACTED, attempts=0, submitted_by=str(by),
            created_at=now, updated_at=now, finished_at=now,
        )
        session.add(row)
        session.flush()
        audit(session, by, "attach", "component", row.id, citizen=holder, document_id=doc.id,
              ma_ho_so=ma_ho_so, owner=owner)
    return component_view(row, citizen=holder, ma_ho_so=ma_ho_so, document_ids=(row.reuses_document_id or doc.id,))


def find_duplicates(
    session: Session, by: Principal, ma_dinh_danh: str, *, sha256: str | None = None,
    key_hash: str | None = None, exclude: tuple[str, ...] = (),
) -> list[DuplicateHit]:
    """Records of this citizen that a new scan repeats: the same file, or the same type and key fields.

    Raises:
        AccessDenied: a principal who may not read the citizen's whole store.
    """
    citizen = known_citizen(session, by, ma_dinh_danh)
    if citizen is None or not citizen_scope(session, by, citizen).everything:
        return []
    return duplicates_in_store(session, by, ma_dinh_danh, sha256=sha256, key_hash=key_hash, exclude=exclude)


def duplicates_in_store(
    session: Session, by: Principal, ma_dinh_danh: str, *, sha256: str | None = None,
    key_hash: str | None = None, exclude: tuple[str, ...] = (),
) -> list[DuplicateHit]:
    """:func:`find_duplicates` for a caller that knows ``by`` may read the citizen's whole store (an officer
    who just handed a file in to a dossier of the citizen, of the officer's agency): the same hits and
    audit line, without reading the citizen and their dossiers again to tell."""
    conditions = []
    if sha256:
        conditions.append(Document.source_sha256 == sha256)
    if key_hash:
        conditions.append(Document.key_hash == key_hash)
    if not conditions:
        return []
    query = (select(Document).join(Citizen, Citizen.id == Document.citizen_id)
             .where(Citizen.ma_dinh_danh == ma_dinh_danh, Document.is_current.is_(True), or_(*conditions))
             .order_by(Document.digitized_at))
    if exclude:
        query = query.where(Document.id.not_in(exclude))
    hits = []
    for row in session.scalars(query):
        match = "sha256" if sha256 and row.source_sha256 == sha256 else "key_fields"
        hits.append(DuplicateHit(row.id, row.doc_type, match, row.digitized_at, row.status))
    if hits:
        audit(session, by, "find_duplicates", "citizen", None, citizen=ma_dinh_danh,
              documents=[h.document_id for h in hits])
    return hits


def search_documents(
    session: Session, by: Principal, query: str, *, ma_dinh_danh: str | None = None,
    doc_type: str | None = None, limit: int = 50,
) -> list[DocumentView]:
    """Current documents whose names, fields, metadata or text contain the words of ``query``, in order.

    ``"nguyen van an"`` finds ``Nguyễn Văn An`` (and not ``Nguyễn Văn Anh``); the read is audited.

    Raises:
        AccessDenied: see :func:`store.records._access.citizen_scope`; searching every citizen's
            store at once is for the system only.
    """
    scope, owner = None, None
    if ma_dinh_danh is None:
        require_role(by)
    else:
        owner = known_citizen(session, by, ma_dinh_danh)
        if owner is None:
            return []
        scope = citizen_scope(session, by, owner)
    tokens = search_tokens(query)
    if not tokens:
        return []
    stmt = select(Document).where(Document.is_current.is_(True))
    if session.get_bind().dialect.name == "sqlite":
        phrase = '"' + " ".join(tokens) + '"'
        hits = select(FTS.c.document_id).where(FTS.c.body.op("MATCH")(phrase))
        stmt = stmt.where(Document.id.in_(hits))
    else:
        # the database folds the query itself (sohoa_fold == _fold.fold, see the migration); the
        # folded text holds only [0-9a-z ] so it is safe inside the word-boundary pattern
        pattern = func.concat(r"\m", func.sohoa_fold(query), r"\M")
        stmt = stmt.where(Document.search_text.op("~")(pattern))
    if owner is not None:
        stmt = stmt.where(Document.citizen_id == owner.id)
    if doc_type:
        stmt = stmt.where(Document.doc_type == doc_type)
    views = [view_of(session, row) for row in session.scalars(stmt.order_by(Document.digitized_at.desc())
                                                              .limit(limit))]
    audit(session, by, "search", "citizen", None, citizen=ma_dinh_danh, query=query, count=len(views),
          dossier=scope.ma_ho_so if scope else None)
    return views
