"""Document records: read (audited), confirm, correct (a new version), revoke, sign, issue results.

A confirmed record is never edited in place: :func:`correct_document` writes
version ``n + 1`` of the same lineage and keeps the old one, and a mapper hook
refuses any flush that would change the content of a confirmed, signed or
revoked row (``record_locked``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from schemas.codes import result_code
from schemas.documents import METADATA_FIELDS
from schemas.errors import ConflictError, ErrorCode, InputError, NotFoundError
from store.records._access import (
    check_document_read,
    check_document_write,
    check_dossier,
    citizen_scope,
    find_dossier,
    known_citizen,
    require_role,
)
from store.records._audit import audit
from store.records._build import SignatureInput, index_for_search, refresh_derived, signature_row
from store.records._models import Citizen, Document, Signature, new_id, utcnow
from store.records._types import LOCKED_STATUSES, DocumentKind, DocumentStatus, Origin, Principal
from store.records._views import DocumentView, document_view, signature_view

#: what may change on a locked row: its life-cycle columns, never its content
_LIFECYCLE = frozenset({
    "status", "is_current", "confirmed_by", "confirmed_at", "revoked_by", "revoked_at", "revoke_reason",
    "signed_pdf_key", "ma_ket_qua",
})


@event.listens_for(Document, "before_update")
def _refuse_in_place_edits(_mapper: Any, _conn: Any, target: Document) -> None:
    state = inspect(target)
    history = state.attrs.status.history
    before = history.deleted[0] if history.deleted else target.status
    if before not in LOCKED_STATUSES:
        return
    changed = [a.key for a in state.attrs if a.key not in _LIFECYCLE and a.history.has_changes()]
    if changed:
        raise ConflictError("a confirmed record is never edited in place: correct it as a new version",
                            code=ErrorCode.RECORD_LOCKED, detail={"id": target.id, "fields": changed})


def view_of(session: Session, row: Document) -> DocumentView:
    """A document row with its owner and signatures, as a view."""
    citizen = session.get(Citizen, row.citizen_id)
    sigs = session.scalars(select(Signature).where(Signature.document_id == row.id)
                           .order_by(Signature.signed_at, Signature.id))
    return document_view(row, citizen=citizen.ma_dinh_danh if citizen else "",
                         signatures=tuple(signature_view(s) for s in sigs))


def views_of(session: Session, rows: list[Document]) -> list[DocumentView]:
    """Document rows as views, with their owners and signatures read in one query each (lists, pages)."""
    if not rows:
        return []
    owners: dict[str, str] = {}
    for citizen_id in {r.citizen_id for r in rows}:
        known = session.identity_map.get(identity_key(Citizen, citizen_id))
        if isinstance(known, Citizen):
            owners[citizen_id] = known.ma_dinh_danh
    missing = {r.citizen_id for r in rows} - set(owners)
    if missing:
        owners.update({c.id: c.ma_dinh_danh for c in session.scalars(select(Citizen).where(Citizen.id.in_(missing)))})
    return assemble_views(rows, owners, session.scalars(signatures_query(rows)))


def signatures_query(rows: Sequence[Document]) -> Select[Signature]:
    """The signatures of these documents, oldest first."""
    return (select(Signature).where(Signature.document_id.in_([r.id for r in rows]))
            .order_by(Signature.signed_at, Signature.id))


def assemble_views(rows: Sequence[Document], owners: dict[str, str], signatures: Iterable[Signature]) -> list[
        DocumentView]:
    """Document rows as views, given their owners (citizen id → ``ma_dinh_danh``) and their signatures
    (rows read by the session, or plain rows read on the event loop: only their columns are used)."""
    sigs: dict[str, list[Signature]] = {}
    for sig in signatures:
        sigs.setdefault(sig.document_id, []).append(sig)
    return [document_view(r, citizen=owners.get(r.citizen_id, ""),
                          signatures=tuple(signature_view(s) for s in sigs.get(r.id, ()))) for r in rows]


def _row(session: Session, document_id: str, *, lock: bool = False) -> Document:
    query = select(Document).where(Document.id == document_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundError("no such document", detail={"document_id": document_id})
    return row


def _current(session: Session, document_id: str) -> Document:
    row = _row(session, document_id, lock=True)
    if not row.is_current:
        raise ConflictError("this is an old version of the document; act on the current one",
                            detail={"document_id": document_id, "lineage_id": row.lineage_id})
    return row


def get_document(session: Session, by: Principal, document_id: str, *,
                 for_dossier: str | None = None) -> DocumentView:
    """One document version (the read is audited, with the dossier it was read for).

    Raises:
        NotFoundError: no such document.
        AccessDenied: see :func:`store.records._access.check_document_read`.
    """
    row = _row(session, document_id)
    dossier = check_document_read(session, by, row, for_dossier=for_dossier)
    view = view_of(session, row)
    audit(session, by, "read_document", "document", document_id, citizen=view.citizen, dossier=dossier)
    return view


def list_documents(
    session: Session, by: Principal, ma_dinh_danh: str, *, doc_type: str | None = None,
    all_versions: bool = False, for_dossier: str | None = None,
) -> list[DocumentView]:
    """A citizen's documents, newest first: current versions unless ``all_versions`` (audited).

    Raises:
        NotFoundError: no such citizen (or ``for_dossier`` does not exist).
        AccessDenied: see :func:`store.records._access.citizen_scope`.
    """
    known = known_citizen(session, by, ma_dinh_danh)
    if known is None:
        return []  # nothing filed for this citizen yet
    scope = citizen_scope(session, by, known, for_dossier=for_dossier)
    query = (select(Document).join(Citizen, Citizen.id == Document.citizen_id)
             .where(Citizen.ma_dinh_danh == ma_dinh_danh)
             .order_by(Document.digitized_at.desc(), Document.version.desc()))
    if not scope.everything:
        query = query.where(Document.lineage_id.in_(sorted(scope.lineages)))
    if not all_versions:
        query = query.where(Document.is_current.is_(True))
    if doc_type:
        query = query.where(Document.doc_type == doc_type)
    views = [view_of(session, row) for row in session.scalars(query)]
    audit(session, by, "read_documents", "citizen", None, citizen=ma_dinh_danh, dossier=scope.ma_ho_so,
          count=len(views), doc_type=doc_type)
    return views


def history(session: Session, by: Principal, document_id: str) -> list[DocumentView]:
    """Every version of a document, oldest first (audited).

    Raises:
        NotFoundError: no such document.
        AccessDenied: see :func:`store.records._access.check_document_read`.
    """
    first = _row(session, document_id)
    dossier = check_document_read(session, by, first)
    rows = session.scalars(select(Document).where(Document.lineage_id == first.lineage_id)
                           .order_by(Document.version))
    views = [view_of(session, row) for row in rows]
    audit(session, by, "read_history", "document", document_id, citizen=views[0].citizen if views else None,
          dossier=dossier)
    return views


def confirm_document(session: Session, by: Principal, document_id: str) -> DocumentView:
    """An officer confirms what was read; from now on the content is locked.

    Raises:
        ConflictError: an old version, or revoked.
        AccessDenied: see :func:`store.records._access.check_document_write`.
    """
    row = _current(session, document_id)
    check_document_write(session, by, row)
    if row.status in (DocumentStatus.PENDING, DocumentStatus.EXTRACTED):
        row.status = DocumentStatus.CONFIRMED
        row.confirmed_by, row.confirmed_at = str(by), utcnow()
        audit(session, by, "confirm", "document", row.id, citizen=view_of(session, row).citizen)
    elif row.status == DocumentStatus.REVOKED:
        raise ConflictError("a revoked document cannot be confirmed", detail={"document_id": document_id})
    return view_of(session, row)


def correct_document(
    session: Session, by: Principal, document_id: str, *, fields: dict[str, str | None] | None = None,
    metadata: dict[str, str | None] | None = None, doc_type: str | None = None, confirm: bool = False,
    reason: str | None = None,
) -> DocumentView:
    """Write a corrected version ``n + 1``; the old version stays, no longer current.

    Args:
        fields: field name → corrected value (``None`` clears it); recorded with confidence 1.
        metadata: Art. 9 metadata name → corrected value.
        doc_type: a corrected document type.
        confirm: confirm the new version at once.
        reason: why (kept on the new version and in the audit log).

    Raises:
        ConflictError: not the current version, or the document is revoked.
        InputError: an unknown metadata name.
        AccessDenied: see :func:`store.records._access.check_document_write`.
    """
    old = _current(session, document_id)
    check_document_write(session, by, old)
    if old.status == DocumentStatus.REVOKED:
        raise ConflictError("a revoked document cannot be corrected", detail={"document_id": document_id})
    unknown = set(metadata or {}) - set(METADATA_FIELDS)
    if unknown:
        raise InputError("unknown metadata names", detail={"names": sorted(unknown)})
    new = _copy_version(old, by)
    for name, value in (fields or {}).items():
        entry = dict(new.fields.get(name) or {"page": None, "bbox": None})
        entry.update(value=value, confidence=1.0, flags=[*entry.get("flags", []), "corrected"])
        new.fields = {**new.fields, name: entry}
    for name, value in (metadata or {}).items():
        setattr(new, name, value)
    new.doc_type = doc_type or new.doc_type
    new.change_reason = reason
    if confirm:
        new.status, new.confirmed_by, new.confirmed_at = DocumentStatus.CONFIRMED, str(by), utcnow()
    refresh_derived(new)
    old.is_current = False
    session.flush()
    session.add(new)
    session.flush()
    for sig in session.scalars(select(Signature).where(Signature.document_id == old.id)):
        session.add(signature_row(new.id, SignatureInput(sig.role, sig.signer_name, sig.cert_serial,
                                                         sig.level, sig.signed_at), sig.pdf_key, by))
    index_for_search(session, new, replaces=old.id)
    audit(session, by, "correct", "document", new.id, citizen=view_of(session, new).citizen,
          previous=old.id, version=new.version, fields=sorted(fields or {}), metadata=sorted(metadata or {}),
          reason=reason, dossier=new.ma_ho_so)
    return view_of(session, new)


_NOT_COPIED = {"id", "version", "is_current", "supersedes_id", "idempotency_key", "status", "confirmed_by",
               "confirmed_at", "created_by", "created_at", "ma_ket_qua", "change_reason"}


def _copy_version(old: Document, by: Principal) -> Document:
    values = {c.key: getattr(old, c.key) for c in inspect(Document).column_attrs if c.key not in _NOT_COPIED}
    return Document(**values, id=new_id(), version=old.version + 1, is_current=True, supersedes_id=old.id,
                    status=DocumentStatus.EXTRACTED, created_by=str(by), created_at=utcnow(),
                    ma_ket_qua=old.ma_ket_qua)


def revoke_document(session: Session, by: Principal, document_id: str, *, reason: str) -> DocumentView:
    """Revoke a document (it stays in the store and in its history, no longer valid for reuse).

    Raises:
        AccessDenied: see :func:`store.records._access.check_document_write`.
    """
    row = _current(session, document_id)
    check_document_write(session, by, row)
    row.status = DocumentStatus.REVOKED
    row.revoked_by, row.revoked_at, row.revoke_reason = str(by), utcnow(), reason
    audit(session, by, "revoke", "document", row.id, citizen=view_of(session, row).citizen, reason=reason)
    return view_of(session, row)


def add_signature(
    session: Session, by: Principal, document_id: str, signature: SignatureInput, *, pdf_key: str,
    request_id: str | None = None,
) -> DocumentView:
    """Record a signature on the current version; an agency signature makes it ``signed``.

    Args:
        request_id: the request that asked for it; a second call with the same id changes nothing.

    Raises:
        ConflictError: old version, or revoked.
        AccessDenied: see :func:`store.records._access.check_document_write`.
    """
    if request_id and session.scalar(select(Signature.id).where(Signature.request_id == request_id)):
        return view_of(session, _row(session, document_id))
    row = _current(session, document_id)
    check_document_write(session, by, row)
    if row.status == DocumentStatus.REVOKED:
        raise ConflictError("a revoked document cannot be signed", detail={"document_id": document_id})
    session.add(signature_row(row.id, signature, pdf_key, by, request_id=request_id))
    if signature.role in ("agency", "signer"):
        row.status, row.signed_pdf_key = DocumentStatus.SIGNED, pdf_key
    audit(session, by, "sign", "document", row.id, citizen=view_of(session, row).citizen,
          role=signature.role, pdf_key=pdf_key)
    return view_of(session, row)


def issue_result(
    session: Session, by: Principal, *, ma_ho_so: str, doc_type: str, pdf_key: str, pdf_sha256: str,
    page_count: int, metadata: dict[str, str | None] | None = None, fields: dict[str, Any] | None = None,
    requested_by: str | None = None,
) -> DocumentView:
    """Register a result of a dossier's procedure under the next code ``{ma_ho_so}-KQ{n}``.

    Args:
        requested_by: who asked for it, when a worker registers it on their behalf.

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: not the resolution system (or the system) acting for the dossier's agency.
    """
    require_role(by, "resolution_system")
    dossier = find_dossier(session, ma_ho_so, lock=True)
    check_dossier(by, dossier, write=True)
    author = requested_by or str(by)
    citizen = session.get(Citizen, dossier.citizen_id)
    assert citizen is not None
    dossier.results_issued += 1
    doc_id = new_id()
    row = Document(
        id=doc_id, lineage_id=doc_id, version=1, is_current=True, citizen_id=citizen.id,
        dossier_id=dossier.id, kind=DocumentKind.RESULT, origin=Origin.ONLINE,
        status=DocumentStatus.CONFIRMED, doc_type=doc_type, confidence=1.0, fields=dict(fields or {}),
        flags=[], source_scan_key=pdf_key, source_sha256=pdf_sha256, searchable_pdf_key=pdf_key,
        page_count=page_count, page_info=[], ocr_text="", ma_ho_so=ma_ho_so, ma_tthc=dossier.ma_tthc,
        ma_ket_qua=result_code(ma_ho_so, dossier.results_issued), digitized_by=author,
        digitized_at=utcnow(), confirmed_by=author, confirmed_at=utcnow(), created_by=author,
        created_at=utcnow(), **{"ma_dinh_danh_chu_so_huu": citizen.ma_dinh_danh, **(metadata or {})},
    )
    refresh_derived(row)
    session.add(row)
    session.flush()
    index_for_search(session, row)
    audit(session, by, "issue_result", "document", row.id, citizen=citizen.ma_dinh_danh, dossier=ma_ho_so,
          ma_ket_qua=row.ma_ket_qua, requested_by=author)
    return view_of(session, row)
