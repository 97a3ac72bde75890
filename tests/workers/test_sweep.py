"""Components whose job was lost are enqueued again or given up on; a component that kills workers is stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dramatiq.brokers.stub import StubBroker
from sqlalchemy import update

from schemas.settings import Settings
from store import Store
from store.records import SYSTEM_WORKER, audit_trail, begin_processing, get_component
from store.records._models import Component
from tests.workers.conftest import upload
from workers import (
    FakeDigitizer,
    InlineDispatcher,
    QueueDispatcher,
    Runtime,
    declare_actors,
    digitize_component,
    make_broker,
    max_attempts,
    stale_after_s,
    sweep_stuck,
)


def _age(runtime: Runtime, component_id: str, *, seconds: float, attempts: int | None = None,
         status: str | None = None) -> None:
    """Make a component look untouched for ``seconds`` (and change its attempts/status)."""
    values: dict[str, object] = {"updated_at": datetime.now(UTC) - timedelta(seconds=seconds)}
    if attempts is not None:
        values["attempts"] = attempts
    if status is not None:
        values["status"] = status
    with runtime.records.transaction() as s:
        s.execute(update(Component).where(Component.id == component_id).values(**values))


def _status(runtime: Runtime, component_id: str) -> tuple[str, int, str | None]:
    with runtime.records.transaction() as s:
        c = get_component(s, SYSTEM_WORKER, component_id)
    return c.status, c.attempts, c.last_error_code


def test_a_component_stuck_processing_after_its_job_was_lost_is_enqueued_again_and_done(
        runtime: Runtime, store: Store, settings: Settings, tmp_path: Path) -> None:
    comp = upload(store, tmp_path)
    with runtime.records.transaction() as s:
        begin_processing(s, SYSTEM_WORKER, comp.id)  # a worker took it, then its message was dead-lettered
    _age(runtime, comp.id, seconds=stale_after_s(settings.worker) + 60)
    outcome = sweep_stuck(runtime.records, InlineDispatcher(lambda: runtime), settings.worker)
    assert (outcome.requeued, outcome.given_up, outcome.skipped) == ((comp.id,), (), None)
    assert _status(runtime, comp.id) == ("extracted", 2, None)
    with runtime.records.transaction() as s:
        assert "requeue" in [a.action for a in audit_trail(s, record_id=comp.id)]


def test_a_stale_component_past_its_attempts_ends_failed_with_job_lost(runtime: Runtime, store: Store,
                                                                       settings: Settings, tmp_path: Path) -> None:
    comp = upload(store, tmp_path)
    budget = max_attempts(settings.worker)
    _age(runtime, comp.id, seconds=stale_after_s(settings.worker) + 60, attempts=budget, status="processing")
    outcome = sweep_stuck(runtime.records, InlineDispatcher(lambda: runtime), settings.worker)
    assert outcome.given_up == (comp.id,) and outcome.requeued == ()
    with runtime.records.transaction() as s:
        view = get_component(s, SYSTEM_WORKER, comp.id)
    assert (view.status, view.last_error_code) == ("failed", "job_lost")
    assert f"{budget} attempts" in (view.last_error_message or "")


def test_recent_components_and_dry_runs_are_left_alone(runtime: Runtime, store: Store, settings: Settings,
                                                       tmp_path: Path) -> None:
    fresh = upload(store, tmp_path, seed=1, name="fresh.png")
    stale = upload(store, tmp_path, seed=2, name="stale.png")
    _age(runtime, stale.id, seconds=stale_after_s(settings.worker) + 60)
    dry = sweep_stuck(runtime.records, InlineDispatcher(lambda: runtime), settings.worker, dry_run=True)
    assert dry.requeued == (stale.id,)
    assert _status(runtime, stale.id) == ("pending", 0, None) and _status(runtime, fresh.id) == ("pending", 0, None)


def test_no_sweep_while_messages_still_wait_in_the_queue(runtime: Runtime, store: Store, settings: Settings,
                                                         tmp_path: Path) -> None:
    broker = make_broker(settings, set_global=False)
    assert isinstance(broker, StubBroker)
    dispatcher = QueueDispatcher(declare_actors(broker, settings, lambda: runtime))
    comp = upload(store, tmp_path)
    dispatcher.digitize(comp.id)  # its message waits: nobody consumes this broker
    _age(runtime, comp.id, seconds=stale_after_s(settings.worker) + 60)
    outcome = sweep_stuck(runtime.records, dispatcher, settings.worker)
    assert outcome.skipped is not None and outcome.requeued == ()
    broker.close()


def test_a_component_delivered_past_its_attempts_is_given_up_without_running(runtime: Runtime, store: Store,
                                                                             settings: Settings,
                                                                             tmp_path: Path) -> None:
    runtime.digitizer = digitizer = FakeDigitizer()
    comp = upload(store, tmp_path)
    _age(runtime, comp.id, seconds=0, attempts=max_attempts(settings.worker), status="processing")
    done = digitize_component(runtime, comp.id, final=False)  # one more redelivery after workers kept dying
    assert (done.status, done.last_error_code) == ("failed", "job_lost")
    assert digitizer.calls == {}
