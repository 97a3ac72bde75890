"""Result jobs and their callbacks, run as the workers run them (in-tree fakes, embedded stores).

Also the sweep: lost result jobs and callbacks are dispatched again, and a
component a dead worker left ``processing`` is taken up even while the queue is busy.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from dramatiq import Message
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import update

from schemas.errors import ErrorCode, TransientError
from schemas.settings import CallbackSettings, Settings
from store import Store
from store.objects import Bucket
from store.records import (
    SYSTEM_WORKER,
    Principal,
    ResultJobView,
    begin_processing,
    callback_attempts,
    create_result_job,
    ensure_citizen,
    ensure_dossier,
    get_result_job,
    list_documents,
)
from store.records._models import Component
from store.records._tables import ResultJob
from tests.fixtures_services import free_port
from tests.workers.conftest import CITIZEN, DOSSIER, upload
from workers import (
    SIGNATURE_HEADER,
    FakeDigitizer,
    FakeSigner,
    QueueDispatcher,
    Runtime,
    declare_actors,
    deliver_callback,
    fake_scan,
    make_broker,
    sign_result_job,
    stale_after_s,
    sweep_stuck,
    verify_signature,
)
from workers._callbacks import DEV_CALLBACK_SECRET

RESOLUTION = Principal("resolution_system", "motcua", frozenset({"000.00.15.H55"}))
OFFICER = Principal("officer", "cb01", frozenset({"000.00.15.H55"}))


class Receiver(BaseHTTPRequestHandler):
    """A resolution system's callback endpoint: keeps what it got, answers ``status``."""

    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).got.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.got, Receiver.status = [], 200
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/hook"
    server.shutdown()


def _job(runtime: Runtime, *, callback_url: str | None = None, level: str = "B-LT") -> ResultJobView:
    pdf = FakeDigitizer().digitize(fake_scan(seed=3), name="kq.png").searchable_pdf
    assert pdf is not None
    stored = runtime.objects.put_bytes(Bucket.DOCUMENTS, pdf, content_type="application/pdf", owner="")
    with runtime.records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER)
        return create_result_job(s, RESOLUTION, ma_ho_so=DOSSIER, ten_giay_to="Quyết định", so_ky_hieu="15/QĐ",
                                 level=level, source=stored, page_count=1, callback_url=callback_url)


def _allow(runtime: Runtime, url: str) -> None:
    runtime.settings = runtime.settings.model_copy(update={"callbacks": CallbackSettings(
        allow=(url.rsplit("/", 1)[0] + "/",), timeout_s=2, max_attempts=3)})


def test_a_result_job_run_twice_issues_one_result_signed_at_the_level_asked(runtime: Runtime) -> None:
    job = _job(runtime, level="B-LTA")
    first = sign_result_job(runtime, job.id, final=False)
    again = sign_result_job(runtime, job.id, final=False)  # a redelivered message
    assert (first.state, first.ma_ket_qua) == ("done", f"{DOSSIER}-KQ1") and again == first
    second = sign_result_job(runtime, _job(runtime).id, final=False)
    assert second.ma_ket_qua == f"{DOSSIER}-KQ2"
    with runtime.records.transaction() as s:
        results = [d for d in list_documents(s, SYSTEM_WORKER, CITIZEN) if d.kind == "result"]
    assert sorted(d.ma_ket_qua or "" for d in results) == [f"{DOSSIER}-KQ1", f"{DOSSIER}-KQ2"]
    kq1 = next(d for d in results if d.ma_ket_qua == f"{DOSSIER}-KQ1")
    assert kq1.status == "signed" and [(s.role, s.level) for s in kq1.signatures] == [("agency", "B-LTA")]
    assert kq1.digitized_by == "resolution_system:motcua"  # who asked, not the worker


class _Flaky(FakeSigner):
    def sign(self, pdf: bytes, **kwargs: Any) -> Any:  # type: ignore[override]
        raise TransientError("the TSA is unreachable", code=ErrorCode.TSA_UNAVAILABLE)


def test_a_failing_signature_is_retried_then_ends_the_job_failed_with_its_code(runtime: Runtime) -> None:
    runtime.signer = _Flaky()
    job = _job(runtime)
    with pytest.raises(TransientError):
        sign_result_job(runtime, job.id, final=False)
    with runtime.records.transaction() as s:
        assert get_result_job(s, RESOLUTION, job.id).state == "queued"
    failed = sign_result_job(runtime, job.id, final=True)
    assert (failed.state, failed.error_code, failed.attempts) == ("failed", "tsa_unavailable", 2)
    assert failed.ma_ket_qua is None


def test_the_callback_is_signed_delivered_once_and_recorded(runtime: Runtime, receiver: str) -> None:
    _allow(runtime, receiver)
    job = sign_result_job(runtime, _job(runtime, callback_url=receiver).id, final=False)
    assert job.callback_state == "pending"
    assert deliver_callback(runtime, job.id, final=False) is True
    assert deliver_callback(runtime, job.id, final=False) is True  # a second delivery of the message: no call
    assert len(Receiver.got) == 1
    headers, body = Receiver.got[0]
    assert verify_signature(DEV_CALLBACK_SECRET.encode(), body, headers[SIGNATURE_HEADER])
    assert not verify_signature(b"another key", body, headers[SIGNATURE_HEADER])
    sent = json.loads(body)
    assert (sent["job_id"], sent["state"], sent["ma_ket_qua"]) == (job.id, "done", f"{DOSSIER}-KQ1")
    assert headers["X-Sohoa-Delivery"] == job.id
    with runtime.records.transaction() as s:
        attempts = callback_attempts(s, RESOLUTION, job.id)
        assert get_result_job(s, RESOLUTION, job.id).callback_state == "delivered"
    assert [(a.attempt, a.status_code, a.delivered) for a in attempts] == [(1, 200, True)]


def test_a_refused_callback_is_retried_and_given_up_with_every_attempt_kept(runtime: Runtime, receiver: str) -> None:
    _allow(runtime, receiver)
    Receiver.status = 503
    job = sign_result_job(runtime, _job(runtime, callback_url=receiver).id, final=False)
    for attempt in range(1, 3):
        with pytest.raises(TransientError) as retry:
            deliver_callback(runtime, job.id, final=False)
        assert retry.value.code == ErrorCode.CALLBACK_FAILED and retry.value.detail["attempt"] == attempt
    assert deliver_callback(runtime, job.id, final=True) is False
    with runtime.records.transaction() as s:
        attempts = callback_attempts(s, RESOLUTION, job.id)
        assert get_result_job(s, RESOLUTION, job.id).callback_state == "failed"
    assert [(a.status_code, a.delivered) for a in attempts] == [(503, False)] * 3


def test_a_callback_no_longer_allowed_is_not_called(runtime: Runtime, receiver: str) -> None:
    _allow(runtime, receiver)
    job = sign_result_job(runtime, _job(runtime, callback_url=receiver).id, final=False)
    runtime.settings = runtime.settings.model_copy(update={"callbacks": CallbackSettings(allow=())})
    assert deliver_callback(runtime, job.id, final=False) is False
    assert Receiver.got == []
    with runtime.records.transaction() as s:
        assert callback_attempts(s, RESOLUTION, job.id)[0].error.startswith("refused")  # type: ignore[union-attr]


def _dispatcher(settings: Settings, runtime: Runtime) -> tuple[StubBroker, QueueDispatcher]:
    broker = make_broker(settings, set_global=False)
    assert isinstance(broker, StubBroker)
    return broker, QueueDispatcher(declare_actors(broker, settings, lambda: runtime))


def test_the_sweep_dispatches_lost_result_jobs_and_callbacks_again(runtime: Runtime, settings: Settings) -> None:
    broker, dispatcher = _dispatcher(settings, runtime)
    lost, waiting = _job(runtime), _job(runtime, callback_url="http://127.0.0.1:9/x")
    long_ago = datetime.now(UTC) - timedelta(seconds=stale_after_s(settings.worker) + 60)
    with runtime.records.transaction() as s:
        s.execute(update(ResultJob).where(ResultJob.id == lost.id).values(updated_at=long_ago))
        s.execute(update(ResultJob).where(ResultJob.id == waiting.id).values(
            state="done", callback_state="pending", updated_at=long_ago))
    outcome = sweep_stuck(runtime.records, dispatcher, settings.worker)
    assert (outcome.jobs, outcome.callbacks) == ((lost.id,), (waiting.id,))
    sent = [Message.decode(raw).actor_name for raw in broker.queues[settings.worker.queue].queue]
    assert sorted(sent) == ["sohoa.deliver_callback", "sohoa.sign_result"]
    broker.close()


def test_a_component_a_dead_worker_left_running_is_swept_even_while_the_queue_is_busy(
    runtime: Runtime, store: Store, settings: Settings, tmp_path: Path,
) -> None:
    broker, dispatcher = _dispatcher(settings, runtime)
    stuck, waiting = upload(store, tmp_path, seed=1, name="a.png"), upload(store, tmp_path, seed=2, name="b.png")
    with runtime.records.transaction() as s:
        begin_processing(s, SYSTEM_WORKER, stuck.id)  # a worker took it and died
    dispatcher.digitize(waiting.id)
    for n in range(4):  # a backlog nobody consumes yet
        dispatcher.digitize(upload(store, tmp_path, seed=10 + n, name=f"q{n}.png").id)
    long_ago = datetime.now(UTC) - timedelta(seconds=stale_after_s(settings.worker) + 60)
    with runtime.records.transaction() as s:
        s.execute(update(Component).where(Component.id.in_([stuck.id, waiting.id])).values(
            created_at=long_ago, updated_at=long_ago))
    outcome = sweep_stuck(runtime.records, dispatcher, settings.worker)
    assert outcome.requeued == (stuck.id,)  # the waiting one may be on its way in the backlog
    assert outcome.skipped is not None and "queued" in outcome.skipped
    broker.close()
