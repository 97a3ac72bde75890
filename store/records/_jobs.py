"""Result jobs: the resolution system asks for a signed result; a worker signs it and issues its code.

A job is ``queued`` → ``running`` → ``done`` | ``failed``. The result document
(``{ma_ho_so}-KQ{n}``), its signature and the job's end are written in one
transaction, so a job run twice (a worker killed after the commit) issues one
result. A job with a ``callback_url`` then has its callback ``pending`` until it
is ``delivered`` or given up on (``failed``); every attempt is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.errors import NotFoundError, SohoaError
from store.objects import StoredObject
from store.records._access import check_dossier, find_dossier, require_role
from store.records._audit import audit
from store.records._build import SignatureInput
from store.records._documents import add_signature, issue_result
from store.records._models import Citizen, Dossier, utcnow
from store.records._tables import CallbackAttempt, ResultJob
from store.records._types import Principal

#: the document type of a result of a procedure (``kết quả``)
RESULT_DOC_TYPE = "ket_qua"
_FINAL = ("done", "failed")


@dataclass(frozen=True)
class ResultJobView:
    """A result job as the resolution system sees it.

    Attributes:
        state: ``queued``, ``running``, ``done`` or ``failed``.
        callback_state: ``none``, ``pending``, ``delivered`` or ``failed``.
        ma_ket_qua: the result code once done.
        document_id: the result document once done.
    """

    id: str
    ma_ho_so: str
    agency: str | None
    citizen: str
    state: str
    level: str
    ten_giay_to: str
    so_ky_hieu: str | None
    callback_url: str | None
    callback_state: str
    document_id: str | None
    ma_ket_qua: str | None
    attempts: int
    error_code: str | None
    error_message: str | None
    requested_by: str
    source_key: str
    page_count: int
    created_at: datetime
    finished_at: datetime | None

    @property
    def done(self) -> bool:
        """Whether the job reached a final state."""
        return self.state in _FINAL

    def callback_body(self) -> dict[str, Any]:
        """What the callback says: the job's end, no personal data beyond the codes."""
        return {"job_id": self.id, "state": self.state, "ma_ho_so": self.ma_ho_so, "ma_ket_qua": self.ma_ket_qua,
                "document_id": self.document_id,
                "error": {"code": self.error_code, "message": self.error_message} if self.error_code else None,
                "finished_at": self.finished_at.isoformat() if self.finished_at else None}


@dataclass(frozen=True)
class CallbackAttemptView:
    """One try at a callback."""

    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    delivered: bool


def _view(session: Session, row: ResultJob) -> ResultJobView:
    dossier = session.get_one(Dossier, row.dossier_id)
    owner = session.get_one(Citizen, dossier.citizen_id)
    return ResultJobView(
        id=row.id, ma_ho_so=row.ma_ho_so, agency=dossier.co_quan_tiep_nhan, citizen=owner.ma_dinh_danh,
        state=row.state,
        level=row.level, ten_giay_to=row.ten_giay_to, so_ky_hieu=row.so_ky_hieu, callback_url=row.callback_url,
        callback_state=row.callback_state, document_id=row.document_id, ma_ket_qua=row.ma_ket_qua,
        attempts=row.attempts, error_code=row.error_code, error_message=row.error_message,
        requested_by=row.requested_by, source_key=row.source_key, page_count=row.page_count,
        created_at=row.created_at, finished_at=row.finished_at,
    )


def _row(session: Session, job_id: str, *, lock: bool = False) -> ResultJob:
    query = select(ResultJob).where(ResultJob.id == job_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundError("no such result job", detail={"job_id": job_id})
    return row


def create_result_job(
    session: Session, by: Principal, *, ma_ho_so: str, ten_giay_to: str, so_ky_hieu: str | None, level: str,
    source: StoredObject, page_count: int, callback_url: str | None = None,
) -> ResultJobView:
    """Queue the signing of a result of a dossier (the caller then dispatches the job).

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: not the resolution system acting for the dossier's agency.
    """
    require_role(by, "resolution_system")
    dossier = find_dossier(session, ma_ho_so)
    check_dossier(by, dossier, write=True)
    now = utcnow()
    row = ResultJob(dossier_id=dossier.id, ma_ho_so=ma_ho_so, state="queued", level=level,
                    ten_giay_to=ten_giay_to[:300], so_ky_hieu=so_ky_hieu, source_key=source.key,
                    source_sha256=source.sha256, page_count=page_count, callback_url=callback_url,
                    callback_state="none", attempts=0, requested_by=str(by), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    audit(session, by, "request_result", "job", row.id, dossier=ma_ho_so, level=level)
    return _view(session, row)


def check_result_request(session: Session, by: Principal, ma_ho_so: str | None = None) -> None:
    """Whether ``by`` may ask for results (of this dossier, when named): checked before a byte is stored.

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: not the resolution system acting for the dossier's agency.
    """
    require_role(by, "resolution_system")
    if ma_ho_so is not None:
        check_dossier(by, find_dossier(session, ma_ho_so), write=True)


def get_result_job(session: Session, by: Principal, job_id: str) -> ResultJobView:
    """A result job.

    Raises:
        NotFoundError: no such job.
        AccessDenied: not the resolution system acting for the job's dossier's agency.
    """
    require_role(by, "resolution_system")
    row = _row(session, job_id)
    dossier = session.get(Dossier, row.dossier_id)
    assert dossier is not None
    check_dossier(by, dossier)
    return _view(session, row)


def begin_result_job(session: Session, by: Principal, job_id: str) -> ResultJobView | None:
    """Mark a job ``running`` and count the attempt; ``None`` when it already ended (a duplicate delivery)."""
    require_role(by)
    row = _row(session, job_id, lock=True)
    if row.state in _FINAL:
        return None
    row.state, row.attempts, row.updated_at = "running", row.attempts + 1, utcnow()
    return _view(session, row)


def finish_result_job(session: Session, by: Principal, job_id: str, *, signed: StoredObject,
                      signature: SignatureInput) -> ResultJobView:
    """Issue the result (next ``{ma_ho_so}-KQ{n}``), record its signature and end the job, at once (idempotent)."""
    require_role(by)
    row = _row(session, job_id, lock=True)
    if row.state in _FINAL:
        return _view(session, row)
    metadata = {"ten_giay_to": row.ten_giay_to, "so_ky_hieu": row.so_ky_hieu}
    doc = issue_result(session, by, ma_ho_so=row.ma_ho_so, doc_type=RESULT_DOC_TYPE, pdf_key=row.source_key,
                       pdf_sha256=row.source_sha256, page_count=row.page_count, metadata=metadata,
                       requested_by=row.requested_by)
    add_signature(session, by, doc.id, signature, pdf_key=signed.key, request_id=f"job:{row.id}")
    now = utcnow()
    row.state, row.document_id, row.ma_ket_qua = "done", doc.id, doc.ma_ket_qua
    row.updated_at = row.finished_at = now
    row.callback_state = "pending" if row.callback_url else "none"
    audit(session, by, "finish_result", "job", row.id, dossier=row.ma_ho_so, ma_ket_qua=doc.ma_ket_qua)
    return _view(session, row)


def fail_result_job(session: Session, by: Principal, job_id: str, error: SohoaError, *, final: bool) -> ResultJobView:
    """Keep the error on the job: ``failed`` when final, back to ``queued`` when a retry follows."""
    require_role(by)
    row = _row(session, job_id, lock=True)
    if row.state in _FINAL:
        return _view(session, row)
    row.error_code, row.error_message, row.updated_at = str(error.code), error.message[:2000], utcnow()
    if final:
        row.state, row.finished_at = "failed", row.updated_at
        row.callback_state = "pending" if row.callback_url else "none"
        audit(session, by, "fail_result", "job", row.id, dossier=row.ma_ho_so, code=str(error.code))
    else:
        row.state = "queued"
    return _view(session, row)


def callback_due(session: Session, by: Principal, job_id: str) -> ResultJobView | None:
    """The job, locked until the transaction ends, when its callback is still to be made; else ``None``.

    Holding the lock through the call keeps two deliveries of the same message from both calling.
    """
    require_role(by)
    row = _row(session, job_id, lock=True)
    return _view(session, row) if row.callback_state == "pending" and row.callback_url else None


def record_callback_attempt(session: Session, by: Principal, job_id: str, *, status_code: int | None,
                            error: str | None, duration_ms: int, delivered: bool, final: bool) -> int:
    """Keep one attempt; the callback is ``delivered``, or ``failed`` after the last attempt. Returns its number."""
    require_role(by)
    row = _row(session, job_id, lock=True)
    number = int(session.scalar(select(func.count()).where(CallbackAttempt.job_id == job_id)) or 0) + 1
    session.add(CallbackAttempt(job_id=job_id, attempt=number, at=utcnow(), status_code=status_code,
                                error=(error or None) and str(error)[:2000], duration_ms=duration_ms,
                                delivered=delivered))
    if delivered:
        row.callback_state = "delivered"
    elif final:
        row.callback_state = "failed"
    row.updated_at = utcnow()
    return number


def callback_attempts(session: Session, by: Principal, job_id: str) -> list[CallbackAttemptView]:
    """Every attempt at a job's callback, oldest first.

    Raises:
        NotFoundError: no such job. AccessDenied: as :func:`get_result_job`.
    """
    get_result_job(session, by, job_id)
    rows = session.scalars(select(CallbackAttempt).where(CallbackAttempt.job_id == job_id)
                           .order_by(CallbackAttempt.attempt))
    return [CallbackAttemptView(r.attempt, r.at, r.status_code, r.error, r.duration_ms, r.delivered) for r in rows]


def stale_jobs(session: Session, by: Principal, *, before: datetime, limit: int = 200,
               waiting_before: datetime | None = None) -> tuple[list[str], list[str]]:
    """Jobs left unfinished, and callbacks left pending, since before ``before`` (their message was lost).

    Rows are touched so that repeated sweeps do not take them up again at once.

    Args:
        waiting_before: while the queue is busy, a ``queued`` job or a pending callback may
            simply be waiting its turn: then only those untouched since before this time
            (:func:`store.records.last_taken`) are taken up, with every stale ``running`` job
            (a worker had taken it).

    Returns:
        the jobs to dispatch again, and the jobs whose callback to dispatch again.
    """
    require_role(by)
    waited = before if waiting_before is None else min(before, waiting_before)
    jobs = list(session.scalars(select(ResultJob).where(
        ((ResultJob.state == "running") & (ResultJob.updated_at < before))
        | ((ResultJob.state == "queued") & (ResultJob.updated_at < waited)))
                                .order_by(ResultJob.updated_at).limit(limit).with_for_update(skip_locked=True)))
    calls = list(session.scalars(select(ResultJob).where(ResultJob.callback_state == "pending",
                                                         ResultJob.updated_at < waited)
                                 .order_by(ResultJob.updated_at).limit(limit).with_for_update(skip_locked=True)))
    for row in (*jobs, *calls):
        row.updated_at = utcnow()
    return [r.id for r in jobs], [r.id for r in calls]
