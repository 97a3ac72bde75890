"""Components whose job was lost are enqueued again or given up on; a component that kills workers is stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dramatiq import Message
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import update

from schemas.settings import Settings
from store import Store
from store.objects import Bucket
from store.records import (
    SYSTEM_WORKER,
    Principal,
    audit_trail,
    begin_processing,
    create_result_job,
    ensure_citizen,
    ensure_dossier,
    get_component,
)
from store.records._models import Component
from store.records._tables import ResultJob
from tests.workers.conftest import CARD, CITIZEN, DOSSIER, OFFICER, upload
from tests.workers.services import Producer, Services
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


def _queued_messages(services: Services) -> list[tuple[str, str]]:
    """Every message waiting in the test's RabbitMQ queue, as (actor, first argument); taken off the queue."""
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(services.broker_url))
    try:
        channel, found = conn.channel(), []
        while True:
            _method, _props, body = channel.basic_get(services.queue, auto_ack=True)
            if body is None:
                return found
            message = Message.decode(body)
            found.append((message.actor_name, str(message.args[0])))
    finally:
        conn.close()


def test_lost_jobs_are_swept_while_the_queue_is_busy_and_a_backlog_is_left_waiting(
        services: Services, producer: Producer) -> None:
    """On PostgreSQL and RabbitMQ: a backlog waits in the queue (nobody consumes it) while jobs were lost.

    What a worker had taken (a ``running`` result job) is swept once stale; what was never
    taken is swept only once the queue has passed it by (a worker already took something
    created a stale period after it), so stale components still waiting in the backlog
    are not enqueued twice.
    """
    cfg = services.settings().worker
    stale = timedelta(seconds=stale_after_s(cfg))
    now = datetime.now(UTC)
    *backlog, taken = producer.ingest([CARD] * 4, enqueue=False)
    for component_id in backlog:  # three messages wait in the queue
        producer.dispatcher.digitize(component_id)
    records, objects = producer.store.records, producer.store.objects
    source = objects.put_bytes(Bucket.DOCUMENTS, b"%PDF-1.7\n% a result\n", content_type="application/pdf",
                               owner="")
    resolution = Principal("resolution_system", "motcua", frozenset({DOSSIER.split("-")[0]}))
    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER)
        jobs = [create_result_job(s, resolution, ma_ho_so=DOSSIER, ten_giay_to="Quyết định", so_ky_hieu=f"{n}/QĐ",
                                  level="B-B", source=source, page_count=1, callback_url="http://127.0.0.1:9/cb").id
                for n in range(4)]
        begin_processing(s, SYSTEM_WORKER, taken)  # a worker took this one (and is still on it)
    never_sent, died_running, call_lost, call_waiting = jobs
    with records.transaction() as s:
        # the newest job a worker took was created two stale periods ago ...
        s.execute(update(Component).where(Component.id == taken).values(created_at=now - 2 * stale))
        # ... after this job was last touched, a stale period earlier still: its message was lost
        s.execute(update(ResultJob).where(ResultJob.id == never_sent).values(updated_at=now - 3 * stale - timedelta(
            minutes=1)))
        s.execute(update(ResultJob).where(ResultJob.id == died_running).values(  # long ago, and taken long ago
            state="running", attempts=1, created_at=now - 4 * stale, updated_at=now - stale - timedelta(minutes=1)))
        s.execute(update(ResultJob).where(ResultJob.id == call_lost).values(
            state="done", callback_state="pending", updated_at=now - 3 * stale - timedelta(minutes=1)))
        s.execute(update(ResultJob).where(ResultJob.id == call_waiting).values(
            state="done", callback_state="pending", updated_at=now - stale - timedelta(minutes=1)))
        # the backlog is stale too, but nothing created after it was taken: it may be on its way
        s.execute(update(Component).where(Component.id.in_(backlog)).values(
            updated_at=now - stale - timedelta(minutes=1)))

    outcome = sweep_stuck(records, producer.dispatcher, cfg)

    assert outcome.skipped is not None and "3 message(s) still queued" in outcome.skipped
    assert sorted(outcome.jobs) == sorted([never_sent, died_running])
    assert outcome.callbacks == (call_lost,) and outcome.requeued == () and outcome.given_up == ()
    queued = _queued_messages(services)
    assert sorted(queued) == sorted([*[("sohoa.digitize_component", c) for c in backlog],
                                     ("sohoa.sign_result", never_sent), ("sohoa.sign_result", died_running),
                                     ("sohoa.deliver_callback", call_lost)])


def test_a_pending_component_the_queue_passed_by_is_enqueued_again_while_the_queue_is_busy(
        runtime: Runtime, store: Store, settings: Settings, tmp_path: Path) -> None:
    broker = make_broker(settings, set_global=False)
    assert isinstance(broker, StubBroker)
    dispatcher = QueueDispatcher(declare_actors(broker, settings, lambda: runtime))
    stale = stale_after_s(settings.worker)
    lost = upload(store, tmp_path, seed=1, name="lost.png")  # enqueueing it failed after the upload
    later = upload(store, tmp_path, seed=2, name="later.png")
    with runtime.records.transaction() as s:
        begin_processing(s, SYSTEM_WORKER, later.id)
        s.execute(update(Component).where(Component.id == later.id).values(
            created_at=datetime.now(UTC) - timedelta(seconds=stale + 60)))
    _age(runtime, lost.id, seconds=2 * stale + 120)
    dispatcher.digitize(upload(store, tmp_path, seed=3, name="busy.png").id)  # the queue is busy
    outcome = sweep_stuck(runtime.records, dispatcher, settings.worker)
    assert outcome.requeued == (lost.id,) and outcome.skipped is not None
    broker.close()
