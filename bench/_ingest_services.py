"""The services ``bench/ingest.py`` runs on: a fresh PostgreSQL database, a RabbitMQ queue, SeaweedFS.

Everything is its own and on 127.0.0.1: the database is dropped, the queue
deleted and the S3 server stopped when the benchmark ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.fixtures_services import WeedServer, make_weed

RABBIT = "amqp://guest:guest@127.0.0.1:5672/%2F"


@dataclass(frozen=True)
class BenchServices:
    """Where the benchmark's services are."""

    database_url: str
    queue: str
    weed: WeedServer


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True)


@contextmanager
def fresh_database(prefix: str = "sohoa_bench") -> Iterator[str]:
    """A migrated PostgreSQL database of its own, named ``prefix_<random>``; dropped afterwards."""
    from sqlalchemy import create_engine

    from store.records import upgrade

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        engine = create_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@contextmanager
def start_services(tmp: Path) -> Iterator[BenchServices]:
    """Start SeaweedFS, make and migrate a database, name a queue; undo it all afterwards."""
    weed = make_weed(tmp / "weed")
    weed.start()
    queue = f"sohoa-bench-{uuid.uuid4().hex[:8]}"
    try:
        with fresh_database() as url:
            yield BenchServices(url, queue, weed)
    finally:
        weed.stop()
        _delete_queue(queue)


def _delete_queue(queue: str) -> None:
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(RABBIT))
    channel = conn.channel()
    for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
        channel.queue_delete(name)
    conn.close()
