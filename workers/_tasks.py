"""The jobs themselves, free of any broker: digitize a component, sign a document, certify a copy.

Each job reads ids and keys, fetches bytes from the object store (checked
against their SHA-256), calls the pipeline through its seam, writes new files
under content-addressed keys, and records the outcome in one transaction, so a
job run twice leaves one result. A retryable failure (S3, database, TSA) is
raised again for the broker to retry with backoff unless this was the last
attempt; anything else ends the component ``failed`` with its error code.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from dramatiq.middleware.time_limit import TimeLimitExceeded
from sqlalchemy.orm import Session

from schemas.documents import ErrorInfo
from schemas.errors import ErrorCode, InputError, SohoaError, TransientError
from store.objects import Bucket
from store.records import (
    SYSTEM_WORKER,
    ComponentView,
    DocumentView,
    Principal,
    add_signature,
    audit,
    begin_processing,
    claim_objects,
    complete_component,
    get_component,
    get_document,
    record_failure,
)
from workers._population import CrossCheck, cross_check
from workers._runtime import Runtime
from workers._seams import SignRole
from workers._sweep import max_attempts

log = logging.getLogger(__name__)

#: codes a pipeline result may carry that are worth another try later
RETRYABLE_CODES = frozenset({
    ErrorCode.OCR_TIMEOUT, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE,
    ErrorCode.BROKER_UNAVAILABLE, ErrorCode.TSA_UNAVAILABLE, ErrorCode.TSA_TIMEOUT,
})


def error_from_result(info: ErrorInfo) -> SohoaError:
    """The pipeline reports a file's failure in its result; make it an error of the right kind."""
    try:
        code = ErrorCode(info.code)
    except ValueError:
        code = ErrorCode.INTERNAL
    kind = TransientError if code in RETRYABLE_CODES else InputError
    return kind(info.message, code=code, detail=info.detail)


def as_error(exc: BaseException) -> SohoaError:
    """Any failure as one of ours: a time limit is ``job_timeout``, a bug is a retryable ``internal``."""
    if isinstance(exc, SohoaError):
        return exc
    if isinstance(exc, TimeLimitExceeded):
        return SohoaError("the job ran past its time limit", code=ErrorCode.JOB_TIMEOUT)
    return TransientError(f"unexpected failure: {exc!r}", code=ErrorCode.INTERNAL)


def digitize_component(rt: Runtime, component_id: str, *, final: bool,
                       by: Principal = SYSTEM_WORKER) -> ComponentView:
    """Digitize one component: fetch the scan, read it, sign its PDF, store the records.

    Args:
        rt: the process's runtime.
        component_id: the component to process.
        final: no retry follows this attempt; a retryable failure ends ``failed`` too.
        by: who is acting (the worker).

    Returns:
        the component as it stands afterwards.

    Raises:
        SohoaError: a retryable failure on a non-final attempt (the broker retries it).
    """
    with rt.records.transaction() as session:
        started = begin_processing(session, by, component_id)
        component = get_component(session, by, component_id)
    if not started:
        log.info("component %s already %s: duplicate delivery ignored", component_id, component.status)
        return component
    if component.attempts > max_attempts(rt.settings.worker):
        return _give_up(rt, component, by)
    try:
        _digitize(rt, component, by)
    except (Exception, TimeLimitExceeded) as exc:
        error = as_error(exc)
        retry = error.retryable and not final
        log.warning("component %s: %s (%s)", component_id, error, "will retry" if retry else "failed")
        with rt.records.transaction() as session:
            record_failure(session, by, component_id, error, final=not retry)
        if retry:
            raise error from exc
    with rt.records.transaction() as session:
        return get_component(session, by, component_id)


def _give_up(rt: Runtime, component: ComponentView, by: Principal) -> ComponentView:
    """A message delivered again and again without an outcome (each worker died on it): stop here."""
    error = SohoaError(f"delivered {component.attempts} times without finishing: a worker died on it each time",
                       code=ErrorCode.JOB_LOST)
    log.error("component %s: %s", component.id, error)
    with rt.records.transaction() as session:
        record_failure(session, by, component.id, error, final=True)
        return get_component(session, by, component.id)


def _digitize(rt: Runtime, component: ComponentView, by: Principal) -> None:
    laps = _Laps()
    scan = rt.objects.get_bytes(Bucket.SCANS, component.scan_key)
    laps.lap("fetch")
    output = rt.digitizer.digitize(scan, name=component.file_name)
    laps.lap("read")
    if output.result.error is not None:
        raise error_from_result(output.result.error)
    # after extraction: names, dates of birth and sexes against the population registry (flags, never values)
    checked = cross_check(output.result, rt.citizen_registry)
    if checked.warning:
        log.warning("component %s: registry check skipped: %s", component.id, checked.warning)
    laps.lap("registry")
    pdf_key, signature = None, None
    if output.searchable_pdf is not None:
        meta = {"reason": "Số hóa hồ sơ", "submitted_by": component.submitted_by,
                "ma_ho_so": component.ma_ho_so or "", "file": component.file_name}
        # the officer who submitted the scan (``officer:<id>``) signs it with their own key (Circular 01/2023 Art. 8)
        kind, _, officer = component.submitted_by.partition(":")
        signed = rt.signer.sign(output.searchable_pdf, role="officer", meta=meta,
                                officer=officer if kind == "officer" and officer else None)
        laps.lap("sign")
        stored = rt.objects.put_bytes(Bucket.DOCUMENTS, signed.data, content_type="application/pdf",
                                      owner=component.citizen)
        pdf_key, signature = stored.key, signed.signature
        laps.lap("put")
    with rt.records.transaction() as session:
        claim_objects(session)
        complete_component(session, by, component.id, checked.result, searchable_pdf_key=pdf_key,
                           signature=signature)
        _record_registry_check(session, by, component, checked)
        if pdf_key is not None:
            _still_there(rt, Bucket.DOCUMENTS, pdf_key)
    laps.lap("record")
    waited = (datetime.now(UTC) - component.created_at).total_seconds() * 1000 - laps.total
    log.info("component %s digitized: %s; %.0f ms from upload to start", component.id, laps, waited)


class _Laps:
    """Milliseconds per stage of one job, for the log line an operator reads when a job is slow."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self._laps.append((name, (now - self._last) * 1000))
        self._last = now

    @property
    def total(self) -> float:
        return sum(ms for _, ms in self._laps)

    def __str__(self) -> str:
        return f"{self.total:.0f} ms (" + ", ".join(f"{name} {ms:.0f}" for name, ms in self._laps) + ")"


def _record_registry_check(session: Session, by: Principal, component: ComponentView, checked: CrossCheck) -> None:
    """The audit line of a cross-check: which fields disagreed, or why it was skipped."""
    if checked.warning:
        audit(session, by, "registry_unavailable", "component", component.id, citizen=component.citizen,
              dossier=component.ma_ho_so, warning=checked.warning)
    elif checked.mismatches:
        audit(session, by, "registry_mismatch", "component", component.id, citizen=component.citizen,
              dossier=component.ma_ho_so, fields=checked.mismatches)


def sign_document(rt: Runtime, document_id: str, *, requested_by: Principal, request_id: str,
                  role: SignRole = "agency", meta: dict[str, str] | None = None) -> DocumentView:
    """Sign a document's current PDF (a result: the signer, then the agency seal).

    Returns:
        the document with its new signature; unchanged when ``request_id`` was done before.

    Raises:
        ConflictError: old version or revoked. InputError: no PDF to sign.
        TransientError: S3, database or TSA unreachable (retried by the broker).
    """
    with rt.records.transaction() as session:
        doc = get_document(session, requested_by, document_id)
    if role == "agency" and doc.status == "signed":
        return doc
    pdf = _current_pdf(rt, doc)
    signed = rt.signer.sign(pdf, role=role, meta=meta or {})
    stored = rt.objects.put_bytes(Bucket.SIGNED, signed.data, content_type="application/pdf", owner=doc.citizen)
    with rt.records.transaction() as session:
        claim_objects(session)
        done = add_signature(session, requested_by, document_id, signed.signature, pdf_key=stored.key,
                             request_id=request_id)
        _still_there(rt, Bucket.SIGNED, stored.key)
        return done


def _still_there(rt: Runtime, bucket: Bucket, key: str) -> None:
    """Under the object claim, after the rows are written: the file may have been swept as an orphan.

    Only bytes stored before (and then orphaned) can be swept; the retry makes and uploads them again.
    """
    if not rt.objects.exists(bucket, key):
        raise TransientError("a file vanished before it was recorded (swept as an orphan)",
                             code=ErrorCode.STORAGE_UNAVAILABLE, detail={"bucket": str(bucket), "key": key})


def certify_copy(rt: Runtime, document_id: str, *, requested_by: Principal, request_id: str,
                 copy_form: str = "SAO Y") -> DocumentView:
    """Make an electronic copy signed by the agency (top-right stamp, no image); kept in the signed bucket."""
    with rt.records.transaction() as session:
        doc = get_document(session, requested_by, document_id)
    meta = {"copy_form": copy_form, "number_symbol": doc.metadata.so_ky_hieu or ""}
    return sign_document(rt, document_id, requested_by=requested_by, request_id=request_id, role="copy",
                         meta=meta)


def _current_pdf(rt: Runtime, doc: DocumentView) -> bytes:
    if doc.signed_pdf_key:
        return rt.objects.get_bytes(Bucket.SIGNED, doc.signed_pdf_key)
    if doc.searchable_pdf_key:
        return rt.objects.get_bytes(Bucket.DOCUMENTS, doc.searchable_pdf_key)
    raise InputError("the document has no PDF to sign", code=ErrorCode.NOT_A_PDF,
                     detail={"document_id": doc.id})
