"""The actors on Dramatiq's in-process StubBroker: retries with backoff, no retry for bad input, time limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dramatiq import Worker
from dramatiq.brokers.stub import StubBroker

from schemas.errors import InputError, TransientError
from schemas.settings import Settings
from store import Store
from store.records import SYSTEM_WORKER, get_component
from tests.workers.conftest import upload
from workers import Actors, FakeDigitizer, Runtime, declare_actors, make_broker, should_retry
from workers._dispatch import QueueDispatcher


@pytest.fixture
def actors(settings: Settings, runtime: Runtime) -> Iterator[Actors]:
    broker = make_broker(settings, set_global=False)
    assert isinstance(broker, StubBroker)
    declared = declare_actors(broker, settings, lambda: runtime)
    broker.emit_after("process_boot")  # starts the time-limit watchdog, as a worker process does
    worker = Worker(broker, worker_timeout=50, worker_threads=2)
    worker.start()
    yield declared
    worker.stop()
    broker.close()


def _run(actors: Actors, settings: Settings) -> None:
    broker = actors.broker
    assert isinstance(broker, StubBroker)
    broker.join(settings.worker.queue, timeout=30_000, fail_fast=False)


def _status(runtime: Runtime, component_id: str) -> tuple[str, int, str | None]:
    with runtime.records.transaction() as s:
        c = get_component(s, SYSTEM_WORKER, component_id)
    return c.status, c.attempts, c.last_error_code


def test_transient_failures_are_retried_with_backoff_until_done(actors: Actors, settings: Settings,
                                                                runtime: Runtime, store: Store,
                                                                tmp_path: Path) -> None:
    runtime.digitizer = FakeDigitizer(transient_failures=2)
    comp = upload(store, tmp_path)
    QueueDispatcher(actors).digitize(comp.id)
    _run(actors, settings)
    assert _status(runtime, comp.id) == ("extracted", 3, "storage_unavailable")


def test_transient_failures_past_the_retry_budget_end_failed(actors: Actors, settings: Settings, runtime: Runtime,
                                                             store: Store, tmp_path: Path) -> None:
    runtime.digitizer = FakeDigitizer(transient_failures=99)
    comp = upload(store, tmp_path)
    QueueDispatcher(actors).digitize(comp.id)
    _run(actors, settings)
    assert _status(runtime, comp.id) == ("failed", settings.worker.max_retries + 1, "storage_unavailable")


def test_bad_input_is_not_retried(actors: Actors, settings: Settings, runtime: Runtime, store: Store,
                                  tmp_path: Path) -> None:
    comp = upload(store, tmp_path, raw=b"\x00garbage")
    QueueDispatcher(actors).digitize(comp.id)
    _run(actors, settings)
    assert _status(runtime, comp.id) == ("failed", 1, "corrupt_image")


def test_a_job_past_its_time_limit_ends_failed(tmp_path: Path, runtime: Runtime, store: Store) -> None:
    worker_cfg = runtime.settings.worker.model_copy(update={"digitize_time_limit_s": 0.3})
    settings = runtime.settings.model_copy(update={"worker": worker_cfg})
    broker = make_broker(settings, set_global=False)
    actors = declare_actors(broker, settings, lambda: runtime)
    broker.emit_after("process_boot")
    worker = Worker(broker, worker_timeout=50, worker_threads=1)
    worker.start()
    try:
        comp = upload(store, tmp_path, {"doc_type": "khac", "delay_s": 1.5})
        QueueDispatcher(actors).digitize(comp.id)
        _run(actors, settings)
    finally:
        worker.stop()
        broker.close()
    assert _status(runtime, comp.id) == ("failed", 1, "job_timeout")


def test_retry_policy_retries_only_retryable_errors_within_budget() -> None:
    retry = should_retry(3)
    assert retry(0, TransientError("S3 down"))
    assert retry(2, ConnectionResetError())
    assert not retry(3, TransientError("S3 down"))
    assert not retry(0, InputError("bad scan"))
