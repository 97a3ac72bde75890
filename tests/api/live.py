"""The API as an operator runs it: ``sohoa serve`` in its own process, on the live services of a test."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from api import mint_dev_token
from schemas.settings import ApiSettings, Settings
from tests.api.conftest import CALLERS, TOKEN_SECRET
from tests.fixtures_services import REDIS_URL, free_port
from tests.workers.services import Services, sohoa_command


@dataclass
class LiveApi:
    """A running ``sohoa serve`` and a token per caller."""

    url: str
    process: subprocess.Popen[bytes]
    tokens: dict[str, str]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}


def api_env(services: Services, port: int, **extra: str) -> dict[str, str]:
    """The environment of ``sohoa serve`` on the test's services (RabbitMQ, PostgreSQL, S3, Redis)."""
    return {**services.env(), "SOHOA_API__PORT": str(port), "SOHOA_API__TOKEN_SECRET": TOKEN_SECRET,
            "SOHOA_REDIS_URL": REDIS_URL, "SOHOA_API__RATE_LIMIT_PER_MINUTE": "100000", **extra}


@contextmanager
def live_api(services: Services, **extra_env: str) -> Iterator[LiveApi]:
    """Start ``sohoa serve`` on a free port, wait until it is ready, stop it (SIGTERM) after."""
    port = free_port()
    log = (services.data_dir / "api.log").open("ab")
    proc = subprocess.Popen([*sohoa_command(), "serve", "--port", str(port)], env=api_env(services, port, **extra_env),
                            stdout=log, stderr=subprocess.STDOUT, cwd=services.data_dir, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, services)
        settings = Settings(data_dir=services.data_dir, api=ApiSettings(token_secret=TOKEN_SECRET))  # type: ignore[arg-type]
        tokens = {who: mint_dev_token(settings, role=role, sub=sub, agency=agency)
                  for who, (role, sub, agency) in CALLERS.items()}
        yield LiveApi(url, proc, tokens)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], services: Services, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sohoa serve exited: {(services.data_dir / 'api.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"sohoa serve not ready: {(services.data_dir / 'api.log').read_text()[-2000:]}")


def poll(client: httpx.Client, path: str, headers: dict[str, str], *, key: str, until: tuple[str, ...],
         timeout_s: float = 180) -> Any:
    """GET ``path`` until its ``key`` is one of ``until`` (bounded)."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get(path, headers=headers).json()
        if body.get(key) in until or time.monotonic() > deadline:
            return body
        time.sleep(0.3)
