"""The whole stack the browser tests and the browser bench run against: ``sohoa serve`` and a real worker.

Both are the console scripts an operator runs, on the test's own PostgreSQL
database, RabbitMQ queue and SeaweedFS server (``tests.workers.services``),
with the real pipeline and PAdES signing by the development PKI.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from tests.fixtures_services import free_port
from tests.workers.services import Services, sohoa_command


@dataclass(frozen=True)
class Served:
    """Where the API and its pages answer."""

    origin: str
    process: subprocess.Popen[bytes]


def _wait_healthy(origin: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sohoa serve exited with {process.returncode}")
        try:
            if httpx.get(f"{origin}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"sohoa serve did not answer on {origin} within {timeout_s}s")


@contextmanager
def serve(services: Services, *, extra_env: dict[str, str] | None = None, timeout_s: float = 60) -> Iterator[Served]:
    """Run ``sohoa serve`` on a free loopback port with the test's services; stop it after."""
    port = free_port()
    env = services.env(pipeline=True) | {"SOHOA_ENVIRONMENT": "development"} | (extra_env or {})
    log = (services.data_dir / "serve.log").open("ab")
    process = subprocess.Popen([*sohoa_command(), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT, cwd=services.data_dir, start_new_session=True)
    origin = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(origin, process, timeout_s)
        yield Served(origin, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log.close()
