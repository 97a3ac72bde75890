"""A component as an officer works on it: what was read from it, corrections, confirmation, its files.

The documents of a component are shown at their current version (a correction
makes a new version of the same lineage); every read of them is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.errors import ConflictError, ErrorCode, InputError, NotFoundError
from store.objects import Bucket
from store.records._access import check_component, check_document_read
from store.records._audit import audit
from store.records._documents import confirm_document, correct_document, view_of, views_of
from store.records._intake import component_row, component_view_of
from store.records._models import Component, Document
from store.records._types import ComponentStatus, Principal
from store.records._views import ComponentView, DocumentView

Variant = Literal["original", "searchable", "signed"]


@dataclass(frozen=True)
class FileRef:
    """Where the bytes of a file asked for are, and what to call them."""

    bucket: Bucket
    key: str
    content_type: str
    file_name: str


def _all_versions(session: Session, component: Component) -> list[Document]:
    """Every version of the documents of a component (one query): those read from it, or the one it reuses."""
    if component.reuses_document_id:
        reused = session.get(Document, component.reuses_document_id)
        lineage = [reused.lineage_id] if reused is not None else []
        return list(session.scalars(select(Document).where(Document.lineage_id.in_(lineage))))
    # corrections keep the component id, so every version of the component's documents is here
    return list(session.scalars(select(Document).where(Document.component_id == component.id)))


def _current(versions: list[Document]) -> list[Document]:
    """The current version of each document, in page order."""
    first = {r.lineage_id: r.page_start for r in versions if r.version == 1}
    return sorted((r for r in versions if r.is_current), key=lambda r: (first.get(r.lineage_id, 0), r.lineage_id))


def _current_rows(session: Session, view: ComponentView) -> list[Document]:
    row = component_row(session, view.id)
    return _current(_all_versions(session, row))


def read_component(session: Session, by: Principal, component_id: str) -> tuple[ComponentView, list[DocumentView]]:
    """A component and the current version of each document read from it (the read is audited).

    Raises:
        NotFoundError: no such component.
        AccessDenied: another agency's dossier, another citizen's component.
    """
    row = component_row(session, component_id, with_owner=True)
    check_component(session, by, row)
    versions = _all_versions(session, row) if row.status == ComponentStatus.EXTRACTED else []
    view = component_view_of(session, row, documents=versions)
    docs = views_of(session, _current(versions))
    audit(session, by, "read_component", "component", component_id, citizen=view.citizen, dossier=view.ma_ho_so,
          documents=[d.id for d in docs])
    return view, docs


def _target(session: Session, by: Principal, component_id: str, document_id: str | None) -> list[Document]:
    row = component_row(session, component_id)
    check_component(session, by, row, write=True)
    view = component_view_of(session, row)
    if row.status != ComponentStatus.EXTRACTED:
        raise ConflictError("the component is not digitized yet (or failed)",
                            detail={"component_id": component_id, "status": row.status})
    current = _current_rows(session, view)
    if document_id is not None:
        picked = [d for d in current if document_id in (d.id, d.lineage_id)]
        if not picked:
            raise NotFoundError("no such document in this component", detail={"document_id": document_id})
        return picked
    return current


def correct_component(
    session: Session, by: Principal, component_id: str, *, reason: str, fields: dict[str, str | None] | None = None,
    metadata: dict[str, str | None] | None = None, doc_type: str | None = None, document_id: str | None = None,
) -> tuple[ComponentView, list[DocumentView]]:
    """Correct what was read from a component: a new version of its document, with who and why.

    Args:
        reason: why (required: an officer says why a value changed).
        document_id: which document of the component (needed when it holds several).

    Raises:
        InputError: no reason, or a component of several documents without ``document_id``.
        ConflictError: not digitized yet; the document is revoked.
        AccessDenied: not an officer of the dossier's agency.
    """
    if not reason.strip():
        raise InputError("say why the values are corrected (reason)", code=ErrorCode.INVALID_VALUE)
    targets = _target(session, by, component_id, document_id)
    if len(targets) != 1:
        raise InputError("the component holds several documents: name one (document_id)",
                         detail={"document_ids": [t.id for t in targets]})
    correct_document(session, by, targets[0].id, fields=fields, metadata=metadata, doc_type=doc_type,
                     reason=reason.strip())
    return read_component(session, by, component_id)


def confirm_component(session: Session, by: Principal, component_id: str, *,
                      document_id: str | None = None) -> tuple[ComponentView, list[DocumentView]]:
    """Confirm what was read (every document of the component, or one): filed in the citizen's store for reuse.

    Raises:
        ConflictError: not digitized yet; a revoked document.
        AccessDenied: not an officer of the dossier's agency.
    """
    for doc in _target(session, by, component_id, document_id):
        confirm_document(session, by, doc.id)
    return read_component(session, by, component_id)


def component_file(session: Session, by: Principal, component_id: str, variant: Variant) -> FileRef:
    """Where a component's file is: the scan as received, the searchable PDF, or the signed PDF (audited).

    Raises:
        NotFoundError: no such component, or no such file (yet).
        AccessDenied: another agency's dossier, another citizen's component.
    """
    row = component_row(session, component_id)
    check_component(session, by, row)
    view = component_view_of(session, row)
    docs = _current_rows(session, view)
    ref = _file_ref(view.file_name, view.scan_key, docs[0] if docs else None, variant,
                    scan_type=row.content_type)
    audit(session, by, "read_file", "component", component_id, citizen=view.citizen, dossier=view.ma_ho_so,
          variant=variant)
    return ref


def document_file(session: Session, by: Principal, document_id: str, variant: Variant, *,
                  for_dossier: str | None = None) -> FileRef:
    """Where a document's file is (as :func:`component_file`), checked and audited like reading the document.

    Raises:
        NotFoundError: no such document or file.
        AccessDenied: see :func:`store.records._access.check_document_read`.
    """
    row = session.get(Document, document_id)
    if row is None:
        raise NotFoundError("no such document", detail={"document_id": document_id})
    dossier = check_document_read(session, by, row, for_dossier=for_dossier)
    view = view_of(session, row)
    ref = _file_ref(view.metadata.ten_giay_to or view.doc_type, row.source_scan_key, row, variant,
                    scan_type="application/octet-stream")
    audit(session, by, "read_file", "document", document_id, citizen=view.citizen, dossier=dossier, variant=variant)
    return ref


def _file_ref(name: str, scan_key: str | None, doc: Document | None, variant: Variant, *, scan_type: str) -> FileRef:
    stem = name.rsplit(".", 1)[0] or "tai-lieu"
    if variant == "original" and scan_key:
        bucket = Bucket.DOCUMENTS if doc is not None and doc.kind == "result" else Bucket.SCANS
        return FileRef(bucket, scan_key, scan_type if bucket == Bucket.SCANS else "application/pdf", name)
    if variant == "searchable" and doc is not None and doc.searchable_pdf_key:
        return FileRef(Bucket.DOCUMENTS, doc.searchable_pdf_key, "application/pdf", f"{stem}.pdf")
    if variant == "signed" and doc is not None and doc.signed_pdf_key:
        return FileRef(Bucket.SIGNED, doc.signed_pdf_key, "application/pdf", f"{stem}.signed.pdf")
    if variant == "signed" and doc is not None and doc.searchable_pdf_key and doc.kind != "result":
        # a scan's searchable PDF is signed by the digitizing officer as it is made
        return FileRef(Bucket.DOCUMENTS, doc.searchable_pdf_key, "application/pdf", f"{stem}.signed.pdf")
    raise NotFoundError(f"no {variant} file (yet)", detail={"variant": variant})
