"""The result job: sign the resolution system's PDF as the agency (signer, then seal) and issue its code.

Signed at the level the request asked (B-LT by default); the signed file goes
to the signed bucket, then one transaction issues ``{ma_ho_so}-KQ{n}``, records
the signature and ends the job, so a job delivered twice issues one result. A
retryable failure (S3, database, TSA) is raised for the broker to retry unless
this was the last attempt; anything else ends the job ``failed`` with its code.
"""

from __future__ import annotations

import logging

from dramatiq.middleware.time_limit import TimeLimitExceeded

from store.objects import Bucket
from store.records import (
    SYSTEM_WORKER,
    Principal,
    ResultJobView,
    begin_result_job,
    claim_objects,
    fail_result_job,
    finish_result_job,
    get_result_job,
)
from workers._runtime import Runtime
from workers._tasks import _still_there, as_error

log = logging.getLogger(__name__)


def sign_result_job(rt: Runtime, job_id: str, *, final: bool, by: Principal = SYSTEM_WORKER) -> ResultJobView:
    """Sign one result job's PDF and issue the result (idempotent).

    Args:
        rt: the process's runtime.
        job_id: the job.
        final: no retry follows this attempt; a retryable failure ends ``failed`` too.
        by: who is acting (the worker).

    Returns:
        the job as it stands afterwards (its callback may now be due).

    Raises:
        SohoaError: a retryable failure on a non-final attempt.
    """
    with rt.records.transaction() as session:
        job = begin_result_job(session, by, job_id)
        if job is None:
            log.info("result job %s already ended: duplicate delivery ignored", job_id)
            return get_result_job(session, by, job_id)
    try:
        _sign(rt, job, by)
    except (Exception, TimeLimitExceeded) as exc:
        error = as_error(exc)
        retry = error.retryable and not final
        log.warning("result job %s: %s (%s)", job_id, error, "will retry" if retry else "failed")
        with rt.records.transaction() as session:
            fail_result_job(session, by, job_id, error, final=not retry)
        if retry:
            raise error from exc
    with rt.records.transaction() as session:
        return get_result_job(session, by, job_id)


def _sign(rt: Runtime, job: ResultJobView, by: Principal) -> None:
    pdf = rt.objects.get_bytes(Bucket.DOCUMENTS, job.source_key)
    meta = {"reason": "Ban hành kết quả", "title": job.ten_giay_to, "number_symbol": job.so_ky_hieu or "",
            "ma_ho_so": job.ma_ho_so}
    signed = rt.signer.sign(pdf, role="agency", meta=meta, level=job.level)  # type: ignore[arg-type]  # checked on intake
    stored = rt.objects.put_bytes(Bucket.SIGNED, signed.data, content_type="application/pdf", owner=job.citizen)
    with rt.records.transaction() as session:
        claim_objects(session)
        finish_result_job(session, by, job.id, signed=stored, signature=signed.signature)
        _still_there(rt, Bucket.SIGNED, stored.key)
