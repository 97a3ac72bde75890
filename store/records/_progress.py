"""A component's way through the workers: pending → processing → extracted | failed, exactly once.

:func:`complete_component` writes every document of a file, its signature and
the component's final status in the caller's single transaction, keyed by
``component:<id>:<n>``: a message delivered twice (a worker killed after the
commit, before the ack) finds the work done and changes nothing, and a worker
killed before the commit leaves nothing behind but the status ``processing``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.documents import ComponentResult, DigitizeResult
from schemas.errors import ErrorCode, NotFoundError, SohoaError
from store.records._access import require_role
from store.records._audit import audit
from store.records._build import (
    SignatureInput,
    index_for_search,
    metadata_columns,
    page_facts,
    parts_of,
    refresh_derived,
    signature_row,
)
from store.records._models import Citizen, Component, Document, Dossier, new_id, utcnow
from store.records._tables import ResultJob
from store.records._types import ComponentStatus, DocumentKind, DocumentStatus, Origin, Principal

_FINAL = (ComponentStatus.EXTRACTED, ComponentStatus.FAILED)
#: a document that names an owner other than the citizen of the dossier it was filed in
OWNER_MISMATCH = "owner_mismatch"


def _locked_component(session: Session, component_id: str) -> Component:
    row = session.scalar(select(Component).where(Component.id == component_id).with_for_update())
    if row is None:
        raise NotFoundError("no such component", detail={"component_id": component_id})
    return row


def begin_processing(session: Session, by: Principal, component_id: str) -> bool:
    """Mark a component ``processing`` and count the attempt.

    Returns:
        ``False`` when the component already reached a final status (a duplicate delivery).

    Raises:
        NotFoundError: no such component.
        AccessDenied: not the system (workers).
    """
    require_role(by)
    row = _locked_component(session, component_id)
    if row.status in _FINAL:
        return False
    row.status = ComponentStatus.PROCESSING
    row.attempts += 1
    row.updated_at = utcnow()
    audit(session, by, "process", "component", row.id, attempt=row.attempts)
    return True


def record_failure(session: Session, by: Principal, component_id: str, error: SohoaError, *,
                   final: bool) -> None:
    """Keep the error on the component: ``failed`` when final, back to ``pending`` when a retry follows."""
    require_role(by)
    row = _locked_component(session, component_id)
    if row.status in _FINAL:
        return
    row.last_error_code = str(error.code)
    row.last_error_message = error.message[:2000]
    row.updated_at = utcnow()
    if final:
        row.status = ComponentStatus.FAILED
        row.finished_at = row.updated_at
        audit(session, by, "fail", "component", row.id, code=str(error.code), attempts=row.attempts)
    else:
        row.status = ComponentStatus.PENDING


def last_taken(session: Session) -> datetime | None:
    """When the newest component or result job that a worker has already taken was created.

    Jobs go through one FIFO queue: a message enqueued before that one and still waiting
    would have been taken first. So a job left untouched since well before this time (more
    than the longest backoff a retry waits in the delay queue) is not waiting in a backlog:
    its message was lost. ``None`` when no worker has taken anything yet.
    """
    newest = [session.scalar(select(func.max(Component.created_at)).where(Component.attempts > 0)),
              session.scalar(select(func.max(ResultJob.created_at)).where(ResultJob.attempts > 0))]
    known = [t for t in newest if t is not None]
    return max(known) if known else None


def sweep_stale(session: Session, by: Principal, *, before: datetime, max_attempts: int,
                limit: int = 200, dry_run: bool = False, pending_before: datetime | None = None,
                ) -> tuple[list[str], list[str]]:
    """Take up components left ``pending`` or ``processing`` since before ``before`` (their job was lost).

    Each one is either put back to ``pending`` for the caller to enqueue again, or,
    after ``max_attempts`` attempts, ends ``failed`` with ``job_lost``. Rows another
    sweeper holds are skipped (PostgreSQL ``SKIP LOCKED``), and every row taken is
    touched, so concurrent or repeated sweeps do not enqueue it twice. With
    ``dry_run`` nothing is changed: the answer says what would be done.

    Args:
        pending_before: while the queue is busy, a ``pending`` component may simply be waiting
            its turn: then only those untouched since before this time (see :func:`last_taken`)
            are taken up, with every stale ``processing`` one (a worker had taken it).

    Returns:
        the ids to enqueue again, and the ids given up on.
    """
    require_role(by)
    processing = (Component.status == ComponentStatus.PROCESSING) & (Component.updated_at < before)
    pending = (Component.status == ComponentStatus.PENDING) & (
        Component.updated_at < (before if pending_before is None else min(before, pending_before)))
    rows = list(session.scalars(
        select(Component)
        .where(processing | pending)
        .order_by(Component.updated_at).limit(limit).with_for_update(skip_locked=True)
    ))
    again: list[str] = []
    lost: list[str] = []
    for row in rows:
        if dry_run:
            (lost if row.attempts >= max_attempts else again).append(row.id)
            continue
        was = row.status
        row.updated_at = utcnow()
        if row.attempts >= max_attempts:
            message = (f"no worker finished it: its job was lost or kept dying ({row.attempts} attempts, last error "
                       f"{row.last_error_code or 'none'}); see the workers' logs")
            record_failure(session, by, row.id, SohoaError(message, code=ErrorCode.JOB_LOST), final=True)
            lost.append(row.id)
        else:
            row.status = ComponentStatus.PENDING
            audit(session, by, "requeue", "component", row.id, was=was, attempts=row.attempts)
            again.append(row.id)
    return again, lost


def complete_component(
    session: Session,
    by: Principal,
    component_id: str,
    result: DigitizeResult,
    *,
    searchable_pdf_key: str | None,
    signature: SignatureInput | None,
) -> list[str]:
    """Store the documents read from a component and mark it ``extracted`` (idempotent).

    Args:
        session: the open session; everything is written in its transaction.
        by: the worker (or process) storing the result.
        component_id: the component processed.
        result: the pipeline's result for the whole file.
        searchable_pdf_key: the officer-signed searchable PDF in the documents bucket.
        signature: the digitizing officer's signature on that PDF.

    Returns:
        the ids of the documents made from the component, in page order.

    Raises:
        AccessDenied: not the system (workers).
    """
    require_role(by)
    row = _locked_component(session, component_id)
    existing = list(session.scalars(
        select(Document.id).where(Document.component_id == row.id, Document.version == 1)
        .order_by(Document.page_start)
    ))
    if row.status == ComponentStatus.EXTRACTED:
        return existing
    citizen = session.get(Citizen, row.citizen_id)
    dossier = session.get(Dossier, row.dossier_id) if row.dossier_id else None
    assert citizen is not None
    ids: list[str] = []
    for n, part in enumerate(parts_of(result), start=1):
        doc = _document_row(row, citizen, dossier, result, n=n, part=part, by=by,
                            pdf_key=searchable_pdf_key)
        session.add(doc)
        session.flush()
        index_for_search(session, doc)
        if signature and searchable_pdf_key:
            session.add(signature_row(doc.id, signature, searchable_pdf_key, by))
        ids.append(doc.id)
    row.status = ComponentStatus.EXTRACTED
    row.result_json = result.model_dump(mode="json")
    row.updated_at = row.finished_at = utcnow()
    others = sorted({str(p.metadata.ma_dinh_danh_chu_so_huu) for p in parts_of(result)
                     if p.metadata.ma_dinh_danh_chu_so_huu not in (None, citizen.ma_dinh_danh)})
    audit(session, by, "extract", "component", row.id, citizen=citizen.ma_dinh_danh, documents=ids,
          dossier=dossier.ma_ho_so if dossier else None, **({"names_other_owner": others} if others else {}))
    return ids


def _document_row(
    component: Component, citizen: Citizen, dossier: Dossier | None, result: DigitizeResult, *,
    n: int, part: ComponentResult, by: Principal, pdf_key: str | None,
) -> Document:
    pages, dpi, color = page_facts(result, part)
    doc_id = new_id()
    flags = list(part.flags)
    named = part.metadata.ma_dinh_danh_chu_so_huu
    if named and named != citizen.ma_dinh_danh:
        # filed in the dossier's citizen's store all the same; the officer is shown why to look twice
        flags.append(OWNER_MISMATCH)
    doc = Document(
        id=doc_id, lineage_id=doc_id, version=1, is_current=True,
        idempotency_key=f"component:{component.id}:{n}", component_id=component.id,
        citizen_id=citizen.id, dossier_id=dossier.id if dossier else None,
        kind=DocumentKind.COMPONENT, origin=component.origin or Origin.SCANNED,
        status=DocumentStatus.EXTRACTED, doc_type=str(part.doc_type), confidence=part.confidence,
        fields={k: v.to_json() for k, v in part.fields.items()}, flags=flags,
        source_scan_key=component.scan_key, source_sha256=component.scan_sha256,
        searchable_pdf_key=pdf_key, page_start=part.page_range[0], page_count=part.pages,
        page_info=pages, dpi=dpi, color=color, ocr_text=part.text,
        ma_ho_so=dossier.ma_ho_so if dossier else None, ma_tthc=dossier.ma_tthc if dossier else None,
        digitized_by=component.submitted_by, digitized_at=utcnow(), created_by=str(by),
        created_at=utcnow(), **metadata_columns(part, citizen.ma_dinh_danh),
    )
    refresh_derived(doc)
    return doc

