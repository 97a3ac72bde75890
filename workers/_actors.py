"""The actors: thin wrappers that call the jobs of ``_tasks`` with ids and keys only.

Actors are declared on a broker made by :func:`workers.make_broker` (never at
import time), with their retry policy and time limit on the declaration: only
retryable errors are retried, with backoff, and the last attempt records the
failure instead of raising.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq.middleware import CurrentMessage

from schemas.errors import SohoaError
from schemas.settings import Settings
from store.records import Principal
from workers import _callbacks, _portal, _results, _tasks
from workers._runtime import Runtime

log = logging.getLogger(__name__)

DIGITIZE = "sohoa.digitize_component"
SIGN = "sohoa.sign_document"
CERTIFY_COPY = "sohoa.certify_copy"
SIGN_RESULT = "sohoa.sign_result"
CALLBACK = "sohoa.deliver_callback"
PORTAL_SYNC = "sohoa.portal_sync"


def should_retry(max_retries: int) -> Callable[[int, BaseException], bool]:
    """The retry predicate: retryable errors only (never bad input), at most ``max_retries`` times."""

    def retry_when(retries: int, exc: BaseException) -> bool:
        retryable = exc.retryable if isinstance(exc, SohoaError) else isinstance(exc, Exception)
        return retryable and retries < max_retries

    return retry_when


@contextmanager
def _retry_quietly() -> Iterator[None]:
    """Turn a retryable failure into Dramatiq's ``Retry`` (backoff as usual, no traceback logged each time).

    The job itself logs one warning line per failed attempt.
    """
    try:
        yield
    except SohoaError as e:
        if e.retryable:
            raise dramatiq.Retry(f"{e.code}: {e.message}") from e
        raise


def _final_attempt(max_retries: int) -> bool:
    message = CurrentMessage.get_current_message()
    return message is None or int(message.options.get("retries", 0)) >= max_retries


@dataclass(frozen=True)
class Actors:
    """The declared actors of one broker."""

    broker: dramatiq.Broker
    digitize: dramatiq.Actor[[str], None]
    sign: dramatiq.Actor[[str, str, str], None]
    certify_copy: dramatiq.Actor[[str, str, str, str], None]
    sign_result: dramatiq.Actor[[str], None]
    callback: dramatiq.Actor[[str], None]
    portal_sync: dramatiq.Actor[[], None]


def declare_actors(broker: dramatiq.Broker, settings: Settings, runtime: Callable[[], Runtime]) -> Actors:
    """Declare the actors on ``broker``, on the queue ``settings.worker.queue``.

    Args:
        broker: from :func:`workers.make_broker`.
        settings: the ``worker`` section (queue, retries, backoff, time limits).
        runtime: gives the process's :class:`Runtime` (built once, on first use).
    """
    cfg = settings.worker
    common: dict[str, Any] = {
        "broker": broker, "queue_name": cfg.queue, "max_retries": cfg.max_retries,
        "min_backoff": cfg.min_backoff_ms, "max_backoff": cfg.max_backoff_ms,
        "retry_when": should_retry(cfg.max_retries),
    }
    digitize_ms = int(cfg.digitize_time_limit_s * 1000)
    sign_ms = int(cfg.sign_time_limit_s * 1000)

    def digitize_component(component_id: str) -> None:
        with _retry_quietly():
            _tasks.digitize_component(runtime(), component_id, final=_final_attempt(cfg.max_retries))

    def sign_document(document_id: str, requested_by: str, request_id: str) -> None:
        with _retry_quietly():
            _tasks.sign_document(runtime(), document_id, requested_by=Principal.parse(requested_by),
                                 request_id=request_id)

    def certify_copy(document_id: str, requested_by: str, request_id: str, copy_form: str) -> None:
        with _retry_quietly():
            _tasks.certify_copy(runtime(), document_id, requested_by=Principal.parse(requested_by),
                                request_id=request_id, copy_form=copy_form)

    callback = _callback_actor(broker, settings, runtime)

    def sign_result(job_id: str) -> None:
        with _retry_quietly():
            job = _results.sign_result_job(runtime(), job_id, final=_final_attempt(cfg.max_retries))
        if job.callback_state == "pending":
            callback.send(job_id)

    return Actors(
        broker=broker,
        digitize=dramatiq.actor(actor_name=DIGITIZE, time_limit=digitize_ms, **common)(digitize_component),
        sign=dramatiq.actor(actor_name=SIGN, time_limit=sign_ms, **common)(sign_document),
        certify_copy=dramatiq.actor(actor_name=CERTIFY_COPY, time_limit=sign_ms, **common)(certify_copy),
        sign_result=dramatiq.actor(actor_name=SIGN_RESULT, time_limit=sign_ms, **common)(sign_result),
        callback=callback,
        portal_sync=_portal_actor(broker, settings, runtime),
    )


def _callback_actor(broker: dramatiq.Broker, settings: Settings,
                    runtime: Callable[[], Runtime]) -> dramatiq.Actor[[str], None]:
    """The callback actor: its own retry budget and backoff (``callbacks`` settings), a short time limit."""
    cfg = settings.callbacks
    retries = cfg.max_attempts - 1

    def deliver_callback(job_id: str) -> None:
        with _retry_quietly():
            _callbacks.deliver_callback(runtime(), job_id, final=_final_attempt(retries))

    limit_ms = int((cfg.timeout_s + 30) * 1000)
    return dramatiq.actor(actor_name=CALLBACK, broker=broker, queue_name=settings.worker.queue, max_retries=retries,
                          min_backoff=cfg.min_backoff_ms, max_backoff=cfg.max_backoff_ms,
                          retry_when=should_retry(retries), time_limit=limit_ms)(deliver_callback)


def _portal_actor(broker: dramatiq.Broker, settings: Settings,
                  runtime: Callable[[], Runtime]) -> dramatiq.Actor[[], None]:
    """The portal sync: one pass over the due dossiers. Never retried by Dramatiq: each dossier's retries and
    backoff are kept in the database, and the next pass (``portal.interval_s``) takes them up."""

    def portal_sync() -> None:
        rt = runtime()
        report = _portal.sync_configured(rt.records, rt.settings)
        if report.failed:
            log.warning("portal sync: %d dossiers failed this pass (%s)", report.failed, report.errors)

    # a pass ends when nothing is due; stopped by the limit mid-batch, its dossiers come back when their lease ends
    limit_ms = int(max(600.0, 4 * settings.portal.lease_s) * 1000)
    return dramatiq.actor(actor_name=PORTAL_SYNC, broker=broker, queue_name=settings.worker.queue, max_retries=0,
                          time_limit=limit_ms)(portal_sync)
