"""The request context, as pure ASGI middleware: request id, body limits, access log, metrics, last-resort 500.

Every response carries ``X-Request-ID`` (the caller's, when it is a sane token,
else a new one); every log line and audit line made while serving the request
carries it too. Bodies over the limit are refused with 413 from their
``Content-Length`` before any byte is read, and cut off at the limit when they
come chunked. A failure nobody meant becomes the one error body with code
``internal``; its traceback goes to the log, never to the client.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api._errors import error_body
from api._logging import REQUEST_ID
from api._metrics import Metrics
from schemas.errors import ErrorCode
from store.records import acting_in

log = logging.getLogger("sohoa.api")
_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _too_large() -> StarletteHTTPException:
    """A chunked body ran past the limit (an HTTP error, so the framework's body parsing lets it through)."""
    return StarletteHTTPException(413, "the request body is too large")


class RequestContext:
    """Wraps the app: see the module docstring.

    Args:
        app: the ASGI app.
        metrics: where requests are counted.
        max_body: the largest body of a multipart upload.
        max_json: the largest body of anything else.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body: int, max_json: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body
        self.max_json = max_json

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        given = headers.get("x-request-id", "")
        request_id = given if _ID.match(given) else uuid.uuid4().hex
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "started": False}
        token = REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            with acting_in(request_id):
                refusal = self._refusal(headers)
                if refusal is not None:
                    await self._error(send_with_id, *refusal)
                else:
                    limit = self.max_body if headers.get("content-type", "").startswith("multipart/") else self.max_json
                    await self.app(scope, _limited(receive, limit), send_with_id)
        except StarletteHTTPException as e:  # raised by the body limit where no handler was left to turn it
            if not state["started"]:
                await self._error(send_with_id, e.status_code, ErrorCode.REQUEST_TOO_LARGE, str(e.detail))
        except Exception:
            log.exception("unhandled failure serving %s %s", scope.get("method"), scope.get("path"))
            if not state["started"]:
                await self._error(send_with_id, 500, ErrorCode.INTERNAL,
                                  "something went wrong on our side; quote the request id when reporting it",
                                  {"request_id": request_id})
        finally:
            self._account(scope, state, started, request_id)
            REQUEST_ID.reset(token)

    def _refusal(self, headers: dict[str, str]) -> tuple[int, ErrorCode, str] | None:
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return 400, ErrorCode.INVALID_VALUE, "Content-Length is not a number"
            limit = self.max_body if headers.get("content-type", "").startswith("multipart/") else self.max_json
            if int(length) > limit:
                return 413, ErrorCode.REQUEST_TOO_LARGE, f"the request body is over {limit} bytes"
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            return 415, ErrorCode.UNSUPPORTED_TYPE, "compressed request bodies are not accepted"
        return None

    async def _error(self, send: Send, status: int, code: ErrorCode, message: str,
                     detail: dict[str, Any] | None = None) -> None:
        body = json.dumps(error_body(code, message, detail)).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    def _account(self, scope: Scope, state: dict[str, Any], started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        self.metrics.observe(scope.get("method", ""), route, int(state["status"]), elapsed)
        principal = (scope.get("state") or {}).get("principal")
        log.info("%s %s %s", scope.get("method"), scope.get("path"), state["status"],
                 extra={"request_id": request_id, "status": state["status"], "route": route,
                        "duration_ms": round(elapsed * 1000, 1), "principal": principal,
                        "client": (scope.get("client") or ("", 0))[0]})


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises a 413 HTTP error once more than ``limit`` body bytes arrived."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large()
        return message

    return wrapped
