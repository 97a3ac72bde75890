"""Handing jobs to workers: through the broker (RabbitMQ), or run here and now (the embedded default).

With no ``SOHOA_BROKER_URL`` there is no worker process to hand a job to and a
StubBroker's queue would vanish with this process, so :class:`InlineDispatcher`
runs the job at once, with a few quick retries of transient failures.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from dramatiq.errors import BrokerConnectionError

from schemas.errors import ErrorCode, SohoaError, TransientError
from schemas.settings import Settings
from store.records import Principal
from workers import _tasks
from workers._actors import Actors, declare_actors
from workers._broker import make_broker
from workers._runtime import LazyRuntime, Runtime


class Dispatcher(Protocol):
    """Where jobs go."""

    def digitize(self, component_id: str) -> None:
        """Have a component digitized."""

    def sign(self, document_id: str, *, requested_by: Principal, request_id: str | None = None) -> None:
        """Have a document signed by the agency (results)."""

    def certify_copy(self, document_id: str, *, requested_by: Principal, request_id: str | None = None,
                     copy_form: str = "SAO Y") -> None:
        """Have an electronic copy certified by the agency."""

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
            self.actors.sign.send(document_id, str(requested_by), request_id or uuid.uuid4().hex)

    def certify_copy(self, document_id: str, *, requested_by: Principal, request_id: str | None = None,
                     copy_form: str = "SAO Y") -> None:
        """Enqueue a certified electronic copy."""
        with broker_errors():
            self.actors.certify_copy.send(document_id, str(requested_by), request_id or uuid.uuid4().hex,
                                          copy_form)

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

    def queued(self) -> int:
        """Nothing waits: jobs run at once."""
        return 0

    def close(self) -> None:
        """Nothing to release."""


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
