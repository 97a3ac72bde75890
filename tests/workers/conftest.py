"""Fixtures of the worker tests: a runtime on the embedded stores with the in-tree fakes, and live services.

``services`` / ``outage_services`` give a test PostgreSQL, RabbitMQ (a queue of its own)
and an S3 server (shared, or private so the test may stop it), and stop the worker
processes the test started; ``producer`` uploads and enqueues like ``sohoa ingest``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from schemas.settings import Settings, WorkerSettings
from store import Store
from store.objects import LocalObjectStore
from store.records import ComponentView, Principal, open_records
from tests.fixtures_services import WeedServer
from tests.workers.services import Producer, Services, producer_for
from workers import FakeDigitizer, FakeSigner, Runtime, fake_scan

OFFICER = Principal("officer", "cb01", frozenset({"000.00.15.H55"}))
#: an operator's command in development: acts for every agency (files outside dossiers)
OPERATOR = Principal("officer", "cb01", None)
CITIZEN = "001090000001"
DOSSIER = "000.00.15.H55-230612-0001"
CARD = {"doc_type": "can_cuoc", "fields": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN,
                                           "ngay_cap": "2021-05-01"}}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data",
                    worker=WorkerSettings(digitizer="fake", signer="fake", max_retries=3, min_backoff_ms=10,
                                          max_backoff_ms=50))


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(settings, LocalObjectStore(settings.data_dir / "objects"), open_records(settings),
                 FakeDigitizer(), FakeSigner())
    yield rt
    rt.close()


@pytest.fixture
def store(runtime: Runtime) -> Store:
    return Store(runtime.objects, runtime.records)


def upload(store: Store, tmp_path: Path, spec: dict[str, Any] | None = None, *, name: str = "scan.png",
           seed: int = 0, dossier: str | None = DOSSIER, raw: bytes | None = None) -> ComponentView:
    """Write a fake scan to a file and take it in as a pending component."""
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else fake_scan(spec or CARD, seed=seed))
    by = OFFICER if dossier else OPERATOR
    return store.upload_component(path, citizen=CITIZEN, by=by, dossier=dossier).component


def _services(request: pytest.FixtureRequest, tmp_path: Path, s3: WeedServer) -> Iterator[Services]:
    services = Services(
        database_url=request.getfixturevalue("empty_postgres"), s3=s3,
        bucket_prefix=request.getfixturevalue("bucket_prefix"), broker_url=request.getfixturevalue("rabbitmq_url"),
        queue=request.getfixturevalue("rabbit_queue"), data_dir=tmp_path / "data",
    )
    services.data_dir.mkdir(parents=True)
    try:
        yield services
    finally:
        services.stop_workers()


@pytest.fixture
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """The live services on the session's S3 server; worker processes are stopped after the test."""
    yield from _services(request, tmp_path, request.getfixturevalue("seaweedfs"))


@pytest.fixture
def outage_services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """The live services on an S3 server of the test's own (it may stop and start it)."""
    yield from _services(request, tmp_path, request.getfixturevalue("private_seaweedfs"))


@pytest.fixture
def producer(services: Services, tmp_path: Path) -> Iterator[Producer]:
    """Uploads and enqueues like ``sohoa ingest``, and reads the outcome."""
    with producer_for(services, tmp_path / "scans") as made:
        yield made
