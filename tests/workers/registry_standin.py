"""A stand-in for the national population registry on 127.0.0.1: answers ``GET /citizens/{id}`` from fixtures.

It checks the bearer token (401 otherwise), answers 404 for an id it does not hold, and can be
told to fail (``down``: 503) or to be slow (``delay_s``); it records the ids it was asked for.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "registry.json"
TOKEN = "registry-test-token-0123456789abcdef"


class RegistryStandIn:
    """The server's state: who it knows, how it misbehaves, what it was asked."""

    def __init__(self, people: dict[str, Any]) -> None:
        self.people = people
        self.down = False
        self.delay_s = 0.0
        self.asked: list[str] = []
        self.url = ""


def _handler(state: RegistryStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(state.delay_s)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._answer(401, {"error": "bad token"})
            if state.down:
                return self._answer(503, {"error": "down"})
            prefix = "/citizens/"
            if not self.path.startswith(prefix):
                return self._answer(404, {"error": "no such route"})
            ident = self.path[len(prefix):]
            state.asked.append(ident)
            person = state.people.get(ident)
            return self._answer(200, person) if person else self._answer(404, {"error": "not registered"})

        def _answer(self, status: int, body: Any) -> None:
            raw = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def registry_standin() -> Iterator[RegistryStandIn]:
    """The stand-in listening on a free port of 127.0.0.1 until the block ends."""
    state = RegistryStandIn(json.loads(FIXTURES.read_text(encoding="utf-8")))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
