"""Helpers of the live-service worker tests: settings and environment for real ``sohoa worker`` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select

from schemas.settings import Settings, WorkerSettings
from store import Store
from store.records import SYSTEM_WORKER, ComponentView, get_component
from store.records._models import Document
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, WeedServer, free_port
from workers import fake_scan, open_dispatcher, wait_for
from workers._dispatch import QueueDispatcher

CITIZEN = "001090000001"


def sohoa_command() -> list[str]:
    """The ``sohoa`` console script of this venv, as an operator runs it.

    Not ``python -m cli.main``: that puts the working directory first on ``sys.path``,
    and a data dir holds a ``pki/`` folder that would shadow the ``pki`` package.
    """
    script = Path(sys.executable).parent / "sohoa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]

WORKER_ENV = {"MIN_BACKOFF_MS": "200", "MAX_BACKOFF_MS": "1500", "MAX_RETRIES": "30", "DIGITIZER": "fake",
              "SIGNER": "fake"}


@dataclass
class Services:
    """Where a test's services are, and the worker processes it started."""

    database_url: str
    s3: WeedServer
    bucket_prefix: str
    broker_url: str
    queue: str
    data_dir: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    #: the development PKI's port (its TSA/OCSP/CRL), made per test so no other PKI answers there
    pki_port: int = field(default_factory=free_port)

    def settings(self, **changes: Any) -> Settings:
        """Settings of the test process itself (the producer and the checks)."""
        worker = WorkerSettings(queue=self.queue, digitizer="fake", signer="fake", max_retries=30,
                                min_backoff_ms=200, max_backoff_ms=1500)
        values: dict[str, Any] = dict(
            data_dir=self.data_dir, database_url=self.database_url, s3_endpoint=self.s3.endpoint,
            s3_access_key=S3_ACCESS_KEY, s3_secret_key=SecretStr(S3_SECRET_KEY), s3_secure=False,
            bucket_prefix=self.bucket_prefix, broker_url=self.broker_url, worker=worker,
        )
        values.update(changes)
        return Settings(**values)

    def env(self, *, database_url: str | None = None, pipeline: bool = False) -> dict[str, str]:
        """The environment of a worker process (or of ``sohoa ingest``).

        Args:
            database_url: instead of the test's database (a proxy the test can cut).
            pipeline: the real pipeline and PAdES signing with the development PKI, made under
                ``data_dir/pki`` for ``pki_port`` (the worker serves its TSA/OCSP itself), instead of the fakes.
        """
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
        env.update({
            "OMP_THREAD_LIMIT": "1", "SOHOA_DATA_DIR": str(self.data_dir),
            "SOHOA_DATABASE_URL": database_url or self.database_url, "SOHOA_S3_ENDPOINT": self.s3.endpoint,
            "SOHOA_S3_ACCESS_KEY": S3_ACCESS_KEY, "SOHOA_S3_SECRET_KEY": S3_SECRET_KEY, "SOHOA_S3_SECURE": "false",
            "SOHOA_BUCKET_PREFIX": self.bucket_prefix, "SOHOA_BROKER_URL": self.broker_url,
            "SOHOA_WORKER__QUEUE": self.queue,
        })
        env.update({f"SOHOA_WORKER__{k}": v for k, v in WORKER_ENV.items()})
        if pipeline:
            env.update({"SOHOA_WORKER__DIGITIZER": "pipeline", "SOHOA_WORKER__SIGNER": "pipeline",
                        "SOHOA_PKI__PORT": str(self.pki_port)})
        return env

    def start_worker(self, *, threads: int = 2, database_url: str | None = None, pipeline: bool = False,
                     extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start ``sohoa worker`` in its own process group; its log goes to ``data_dir/worker-N.log``."""
        log = (self.data_dir / f"worker-{len(self.workers)}.log").open("ab")
        env = self.env(database_url=database_url, pipeline=pipeline) | (extra_env or {})
        proc = subprocess.Popen([*sohoa_command(), "worker", "--threads", str(threads)], env=env, stdout=log,
                                stderr=subprocess.STDOUT, cwd=self.data_dir, start_new_session=True)
        self.workers.append(proc)
        return proc

    def stop_workers(self) -> None:
        """SIGTERM every worker this test started, SIGKILL those that linger."""
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@dataclass
class Producer:
    """The test's side: uploads and enqueues like ``sohoa ingest``, and reads the outcome."""

    store: Store
    dispatcher: QueueDispatcher
    tmp: Path

    @classmethod
    def open(cls, settings: Settings, tmp: Path) -> Producer:
        dispatcher = open_dispatcher(settings)
        assert isinstance(dispatcher, QueueDispatcher)
        tmp.mkdir(parents=True, exist_ok=True)
        return cls(Store.open(settings), dispatcher, tmp)

    def close(self) -> None:
        self.dispatcher.close()
        self.store.close()

    def ingest(self, specs: Sequence[dict[str, Any] | bytes], *, enqueue: bool = True) -> list[str]:
        """Upload one file per spec (a fake scan spec, or raw bytes) and enqueue it; returns component ids."""
        from store.records import Principal

        ids = []
        for n, spec in enumerate(specs):
            path = self.tmp / f"scan-{n}-{time.monotonic_ns()}.png"
            path.write_bytes(spec if isinstance(spec, bytes) else fake_scan(spec, seed=n))
            up = self.store.upload_component(path, citizen=CITIZEN, by=Principal("officer", "cb01", None))
            ids.append(up.component.id)
            if enqueue:
                self.dispatcher.digitize(up.component.id)
        return ids

    def components(self, ids: Sequence[str]) -> list[ComponentView]:
        with self.store.records.transaction() as s:
            return [get_component(s, SYSTEM_WORKER, cid) for cid in ids]

    def wait(self, ids: Sequence[str], timeout_s: float = 120) -> list[ComponentView]:
        return wait_for(self.store, ids, timeout_s=timeout_s, poll_s=0.3)

    def wait_until(self, ids: Sequence[str], predicate: Any, timeout_s: float = 60) -> list[ComponentView]:
        """Poll until ``predicate(views)`` holds (bounded)."""
        deadline = time.monotonic() + timeout_s
        while True:
            views = self.components(ids)
            if predicate(views) or time.monotonic() > deadline:
                return views
            time.sleep(0.2)

    def document_counts(self, ids: Sequence[str]) -> dict[str, int]:
        """How many document rows each component has (any version)."""
        with self.store.records.transaction() as s:
            rows = s.execute(select(Document.component_id, func.count()).where(Document.component_id.in_(ids))
                             .group_by(Document.component_id)).all()
        counts = {cid: 0 for cid in ids}
        counts.update({str(cid): int(n) for cid, n in rows})
        return counts


@contextmanager
def producer_for(services: Services, tmp: Path) -> Iterator[Producer]:
    """A producer for the test, closed afterwards."""
    producer = Producer.open(services.settings(), tmp)
    try:
        yield producer
    finally:
        producer.close()
