"""Handing jobs to workers: through the broker (RabbitMQ), or run here and now (the embedded default).

With no ``SOHOA_BROKER_URL`` there is no worker process to hand a job to and a
StubBroker's queue would vanish with this process, so :class:`InlineDispatcher`
runs the job at once, with a few quick retries of transient failures.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Protocol

from dramatiq.errors import BrokerConnectionError

from schemas.errors import ErrorCode, SohoaError, TransientError
from schemas.settings import Settings
from store.records import Principal
from workers import _callbacks, _results, _tasks
from workers._actors import Actors, declare_actors
from workers._broker import make_broker
from workers._runtime import LazyRuntime, Runtime

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    """Where jobs go."""

    def digitize(self, component_id: str) -> None:
        """Have a component digitized."""

    def sign(self, document_id: str, *, requested_by: Principal, request_id: str | None = None) -> None:
        """Have a document signed by the agency (results)."""

    def certify_copy(self, document_id: str, *, requested_by: Principal, request_id: str | None = None,
                     copy_form: str = "SAO Y") -> None:
        """Have an electronic copy certified by the agency."""

    def sign_result(self, job_id: str) -> None:
        """Have a result job signed (its callback follows when it ends)."""

    def deliver_callback(self, job_id: str) -> None:
        """Have a job's callback made (again)."""

    def queued(self) -> int:
        """Messages waiting to be taken (in the queue and its delay queue); 0 when jobs run inline."""


@contextmanager
def broker_errors() -> Iterator[None]:
    """A broker that cannot be reached is a retryable ``broker_unavailable``."""
    try:
        yield
    except (BrokerConnectionError, OSError) as e:
        raise TransientError("the message broker is unreachable", code=ErrorCode.BROKER_UNAVAILABLE) from e


class QueueDispatcher:
    """Sends messages (ids and keys only) to the actors' queue."""

    def __init__(self, actors: Actors) -> None:
        self.actors = actors

    def digitize(self, component_id: str) -> None:
        """Enqueue the digitizing of a component."""
        with broker_errors():
            self.actors.digitize.send(component_id)

    def sign(self, document_id: str, *, requested_by: Principal, request_id: str | None = None) -> None:
        """Enqueue an agency signature."""
        with broker_errors():
            self.actors.sign.send(document_id, requested_by.qualified(), request_id or uuid.uuid4().hex)

    def certify_copy(self, document_id: str, *, requested_by: Principal, request_id: str | None = None,
                     copy_form: str = "SAO Y") -> None:
        """Enqueue a certified electronic copy."""
        with broker_errors():
            self.actors.certify_copy.send(document_id, requested_by.qualified(), request_id or uuid.uuid4().hex,
                                          copy_form)

    def sign_result(self, job_id: str) -> None:
        """Enqueue a result job."""
        with broker_errors():
            self.actors.sign_result.send(job_id)

    def deliver_callback(self, job_id: str) -> None:
        """Enqueue a job's callback."""
        with broker_errors():
            self.actors.callback.send(job_id)

    def queued(self) -> int:
        """Messages waiting in the actors' queue and its delay queue (not those a worker holds)."""
        counts = getattr(self.actors.broker, "get_queue_message_counts", None)
        if counts is None:  # the StubBroker of tests: its queues are in memory
            return sum(q.qsize() for q in getattr(self.actors.broker, "queues", {}).values())
        with broker_errors():
            ready, delayed, _dead = counts(self.actors.digitize.queue_name)
        return int(ready) + int(delayed)

    def close(self) -> None:
        """Close the broker's connections."""
        self.actors.broker.close()


class InlineDispatcher:
    """Runs each job in this process at once; transient failures get ``attempts`` tries with backoff."""

    def __init__(self, runtime: Callable[[], Runtime], *, attempts: int = 3, backoff_s: float = 0.5) -> None:
        self.runtime = runtime
        self.attempts = attempts
        self.backoff_s = backoff_s

    def _run(self, job: Callable[[bool], object]) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                job(attempt == self.attempts)
                return
            except SohoaError as e:
                if not e.retryable or attempt == self.attempts:
                    raise
                time.sleep(self.backoff_s * 2 ** (attempt - 1))

    def digitize(self, component_id: str) -> None:
        """Digitize the component now."""
        self._run(lambda final: _tasks.digitize_component(self.runtime(), component_id, final=final))

    def sign(self, document_id: str, *, requested_by: Principal, request_id: str | None = None) -> None:
        """Sign the document now."""
        rid = request_id or uuid.uuid4().hex
        self._run(lambda _final: _tasks.sign_document(self.runtime(), document_id, requested_by=requested_by,
                                                      request_id=rid))

    def certify_copy(self, document_id: str, *, requested_by: Principal, request_id: str | None = None,
                     copy_form: str = "SAO Y") -> None:
        """Certify the copy now."""
        rid = request_id or uuid.uuid4().hex
        self._run(lambda _final: _tasks.certify_copy(self.runtime(), document_id, requested_by=requested_by,
                                                     request_id=rid, copy_form=copy_form))

    def sign_result(self, job_id: str) -> None:
        """Sign the result now, then make its callback (a few tries)."""
        self._run(lambda final: _results.sign_result_job(self.runtime(), job_id, final=final))
        self.deliver_callback(job_id)

    def deliver_callback(self, job_id: str) -> None:
        """Make the job's callback now, if one is due: ``callbacks.max_attempts`` tries with backoff (capped
        at 30 s between tries, since this thread waits them out)."""
        rt = self.runtime()
        cfg = rt.settings.callbacks
        for attempt in range(1, cfg.max_attempts + 1):
            try:
                _callbacks.deliver_callback(rt, job_id, final=attempt == cfg.max_attempts)
                return
            except SohoaError as e:
                if not e.retryable or attempt == cfg.max_attempts:
                    raise
                time.sleep(min(cfg.min_backoff_ms * 2 ** (attempt - 1), cfg.max_backoff_ms, 30_000) / 1000)

    def queued(self) -> int:
        """Nothing waits: jobs run at once."""
        return 0

    def close(self) -> None:
        """Nothing to release."""


class BackgroundDispatcher:
    """Runs the inline jobs on a few threads of this process: the API's embedded default.

    A request hands its job over and returns at once; digitizing and signing never run
    on the event loop nor hold the request. Jobs still waiting when the process stops
    are taken up by the sweep (``sohoa sweep``) on the next start.

    Args:
        inline: the jobs themselves.
        threads: how many run at a time.
    """

    def __init__(self, inline: InlineDispatcher, *, threads: int = 2) -> None:
        self.inline = inline
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sohoa-job")
        self._pending = 0
        self._lock = threading.Lock()

    def _submit(self, kind: str, job: Callable[[], None]) -> None:
        with self._lock:
            self._pending += 1

        def run() -> None:
            try:
                job()
            except Exception:  # the job recorded its failure; a bug must not kill the pool's thread
                log.exception("background %s job failed", kind)
            finally:
                with self._lock:
                    self._pending -= 1

        self._pool.submit(contextvars.copy_context().run, run)

    def digitize(self, component_id: str) -> None:
        """Digitize the component on a background thread."""
        self._submit("digitize", lambda: self.inline.digitize(component_id))

    def sign(self, document_id: str, *, requested_by: Principal, request_id: str | None = None) -> None:
        """Sign the document on a background thread."""
        self._submit("sign", lambda: self.inline.sign(document_id, requested_by=requested_by, request_id=request_id))

    def certify_copy(self, document_id: str, *, requested_by: Principal, request_id: str | None = None,
                     copy_form: str = "SAO Y") -> None:
        """Certify the copy on a background thread."""
        self._submit("copy", lambda: self.inline.certify_copy(document_id, requested_by=requested_by,
                                                              request_id=request_id, copy_form=copy_form))

    def sign_result(self, job_id: str) -> None:
        """Sign the result (then call back) on a background thread."""
        self._submit("result", lambda: self.inline.sign_result(job_id))

    def deliver_callback(self, job_id: str) -> None:
        """Make the callback on a background thread."""
        self._submit("callback", lambda: self.inline.deliver_callback(job_id))

    def queued(self) -> int:
        """Jobs handed over and not finished."""
        with self._lock:
            return self._pending

    def close(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let the running ones finish."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


def open_dispatcher(settings: Settings, runtime: LazyRuntime | None = None) -> QueueDispatcher | InlineDispatcher:
    """The dispatcher the settings call for: RabbitMQ when ``broker_url`` is set, else inline.

    Args:
        settings: ``broker_url`` and the ``worker`` section.
        runtime: the runtime inline jobs run on (built lazily from ``settings`` when ``None``).
    """
    lazy = runtime or LazyRuntime(settings)
    if settings.broker_url:
        return QueueDispatcher(declare_actors(make_broker(settings), settings, lazy))
    return InlineDispatcher(lazy)
