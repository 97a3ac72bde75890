"""A stand-in for the national portal's sync interface, on 127.0.0.1 (tests and ``bench/portal.py``).

It speaks what ``workers._portal`` expects: a login giving a session, a post service
that answers "already exists" (``2``) for a dossier it has, an update service that
answers ``3`` for one it has not. Told to, it fails one request in ``fail_every``
(HTTP 503, nothing applied) and waits ``delay_s`` before each answer. It records
every request and what it holds, keeps that across :meth:`restart` (a real portal
keeps its database) and forgets its sessions.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Ledger:
    """What the stand-in received and holds."""

    #: MaHoSo → the record it holds
    held: dict[str, dict[str, Any]] = field(default_factory=dict)
    creates: Counter[str] = field(default_factory=Counter)
    updates: Counter[str] = field(default_factory=Counter)
    #: updates that carried exactly the record already held (a resend after a lost answer)
    same_updates: Counter[str] = field(default_factory=Counter)
    exists_answers: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    failed: int = 0
    logins: int = 0


class PortalStandIn:
    """The stand-in server. ``url`` is its base URL once started.

    Args:
        username: the account it accepts.
        password: its password.
        fail_every: fail every n-th sync request (post or update) with a 503; 0 never.
        delay_s: seconds to wait before answering a sync request.
        port: 0 for a free port (kept on restart).
    """

    def __init__(self, *, username: str = "sohoa", password: str = "portal-test-password", fail_every: int = 0,
                 delay_s: float = 0.0, port: int = 0) -> None:
        self.username, self.password = username, password
        self.fail_every, self.delay_s = fail_every, delay_s
        self.port = port
        self.ledger = Ledger()
        self.sessions: set[str] = set()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self.first_request = threading.Event()

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:<port>``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> PortalStandIn:
        """Listen (on the same port again after a restart)."""
        handler = type("Handler", (_Handler,), {"portal": self})
        self.server = _Server(("127.0.0.1", self.port), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (what it holds stays; sessions are forgotten)."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        with self.lock:
            self.sessions.clear()

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()

    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer a login."""
        if body.get("username") != self.username or body.get("password") != self.password:
            return {"error_code": "1", "message": "Sai tài khoản hoặc mật khẩu"}
        token = secrets.token_hex(16)
        with self.lock:
            self.sessions.add(token)
            self.ledger.logins += 1
        return {"error_code": "0", "session": token}

    def sync(self, service: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer a post or an update of a batch."""
        with self.lock:
            self.ledger.requests += 1
            if self.fail_every and self.ledger.requests % self.fail_every == 0:
                self.ledger.failed += 1
                return 503, {"error_code": "-1", "message": "Hệ thống đang bận"}
            if body.get("session") not in self.sessions:
                return 200, {"error_code": "401", "message": "Phiên làm việc hết hạn"}
            results = [self._one(service, r) for r in body.get("data") or []]
        return 200, {"error_code": "0", "message": "Thành công", "result": results}

    def _one(self, service: str, record: dict[str, Any]) -> dict[str, Any]:
        code = str(record.get("MaHoSo"))
        led = self.ledger
        if service == "post":
            if code in led.held:
                led.exists_answers[code] += 1
                return {"MaHoSo": code, "error_code": "2", "message": "Hồ sơ đã tồn tại"}
            led.held[code] = record
            led.creates[code] += 1
            return {"MaHoSo": code, "error_code": "0", "message": "Thêm mới thành công"}
        if code not in led.held:
            return {"MaHoSo": code, "error_code": "3", "message": "Không tìm thấy hồ sơ"}
        if _digest(led.held[code]) == _digest(record):
            led.same_updates[code] += 1
        led.held[code] = record
        led.updates[code] += 1
        return {"MaHoSo": code, "error_code": "0", "message": "Cập nhật thành công"}


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone before its answer (a killed worker) is expected here: nothing to print."""


class _Handler(BaseHTTPRequestHandler):
    portal: PortalStandIn

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._answer(400, {"error_code": "400", "message": "JSON không hợp lệ"})
            return
        self.portal.first_request.set()
        if self.path == "/login":
            self._answer(200, self.portal.login(body))
            return
        service = {"/hoso": "post", "/hoso/capnhat": "update"}.get(self.path)
        if service is None:
            self._answer(404, {"error_code": "404", "message": "Không có dịch vụ này"})
            return
        if self.portal.delay_s:
            threading.Event().wait(self.portal.delay_s)
        status, answer = self.portal.sync(service, body)
        self._answer(status, answer)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
