"""A worker SIGKILLed while the resolution system waits for its result: the job ends once, its callback fires once.

And the rate limit is one count across API replicas (it lives in Redis).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pikepdf
import pytest

from api._ratelimit import RedisLimiter
from tests.api.conftest import AGENCY, CITIZEN
from tests.api.live import REDIS_URL, live_api, poll
from tests.fixtures_services import free_port
from tests.workers.services import Services
from workers._fakes import SIGN_DELAY_MARK

pytestmark = pytest.mark.services

DOSSIER = f"{AGENCY}-261206-0003"


class Hook(BaseHTTPRequestHandler):
    calls: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        type(self).calls.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.calls = []
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/hook"
    server.shutdown()


def _slow_pdf(seconds: int) -> bytes:
    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(out)
    return out.getvalue() + SIGN_DELAY_MARK + str(seconds).encode() + b"\n"


def test_a_worker_killed_mid_signature_leaves_one_result_and_one_callback(live_services: Services, hook: str) -> None:
    allow = {"SOHOA_CALLBACKS__ALLOW": json.dumps([hook])}
    first = live_services.start_worker(threads=1, extra_env=allow)
    with live_api(live_services, **allow) as api, api.client() as http:
        officer, resolution, citizen = (api.headers(w) for w in ("officer", "resolution", "citizen"))
        assert http.post("/v1/dossiers", json={"ma_ho_so": DOSSIER, "so_dinh_danh": CITIZEN},
                         headers=officer).status_code == 201
        sent = http.post("/v1/results", headers=resolution, files={"file": ("kq.pdf", _slow_pdf(4), "application/pdf")},
                         data={"ma_ho_so": DOSSIER, "ten_giay_to": "Quyết định", "callback_url": hook})
        assert sent.status_code == 202, sent.text
        job_id = sent.json()["job_id"]
        running = poll(http, f"/v1/results/{job_id}", resolution, key="state", until=("running", "done"), timeout_s=60)
        assert running["state"] == "running"
        os.killpg(first.pid, signal.SIGKILL)  # mid-signature: no chance to finish, record or ack
        first.wait(timeout=10)
        live_services.start_worker(threads=1, extra_env=allow)
        job = poll(http, f"/v1/results/{job_id}", resolution, key="callback_state", until=("delivered", "failed"),
                   timeout_s=120)
        time.sleep(1.0)  # a duplicate callback, were there one, would land by now
        results = [d for d in http.get("/v1/me/documents", headers=citizen).json()["items"] if d["kind"] == "result"]
    assert (job["state"], job["ma_ket_qua"], job["callback_state"]) == ("done", f"{DOSSIER}-KQ1", "delivered")
    assert job["attempts"] == 2  # the killed attempt, then the one that finished
    assert [r["ma_ket_qua"] for r in results] == [f"{DOSSIER}-KQ1"]
    assert len(Hook.calls) == 1 and json.loads(Hook.calls[0])["job_id"] == job_id


def test_the_rate_limit_is_one_count_across_replicas(redis_url: str) -> None:
    prefix = f"sohoa-test-rl:{uuid.uuid4().hex[:8]}"
    replicas = [RedisLimiter(REDIS_URL, 5, prefix=prefix) for _ in range(2)]
    answers = [asyncio.run(replicas[n % 2].hit("officer:canbo01")) for n in range(6)]
    assert answers[:5] == [None] * 5 and answers[5] is not None and 0 < answers[5] <= 60
    assert asyncio.run(replicas[1].hit("officer:canbo02")) is None  # per token
    import redis

    keys = redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:officer:canbo01:*")
    assert len(keys) == 1 and 0 < redis.Redis.from_url(REDIS_URL).ttl(keys[0]) <= 65  # the window's key expires
    down = RedisLimiter("redis://127.0.0.1:1/0", 1, prefix=prefix, timeout_s=0.2)
    assert asyncio.run(down.hit("x")) is None and asyncio.run(down.hit("x")) is None  # down: let requests through


def test_concurrent_hits_of_one_token_are_each_counted(redis_url: str) -> None:
    """Given 30 requests of one token and 10 of another at once (their hits counted together), exactly the
    limit of each token's requests go ahead."""
    limiter = RedisLimiter(REDIS_URL, 12, prefix=f"sohoa-test-rl:{uuid.uuid4().hex[:8]}")

    async def at_once() -> list[float | None]:
        return list(await asyncio.gather(*(limiter.hit("officer:a" if n % 4 else "officer:b") for n in range(40))))

    answers = asyncio.run(at_once())
    a = [answer for n, answer in enumerate(answers) if n % 4]
    assert a[:12] == [None] * 12 and all(answer is not None for answer in a[12:])
    assert [answer for n, answer in enumerate(answers) if not n % 4] == [None] * 10
