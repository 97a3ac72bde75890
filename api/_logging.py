"""Structured logs: one JSON object per line on stderr, each carrying the request id it happened in."""

from __future__ import annotations

import json
import logging
import math
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

#: the id of the HTTP request being served (``X-Request-ID``), for every log line made while serving it
REQUEST_ID: ContextVar[str | None] = ContextVar("sohoa_api_request_id", default=None)

#: attributes every LogRecord has: anything else was passed with ``extra=`` and goes into the line
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", …extra}``; exceptions as text in ``exc``."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._prefix = ""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": self.timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and k not in line})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)

    def timestamp(self, created: float) -> str:
        """``created`` as ``datetime.isoformat(timespec="milliseconds")`` in UTC writes it (rounded to the
        microsecond as ``datetime.fromtimestamp`` rounds), its date and time of day made once a second: the
        access log writes a line per request. (Called under the handler's lock.)"""
        fraction, whole = math.modf(created)
        micros, second = round(fraction * 1e6), int(whole)
        if micros >= 1_000_000:
            second, micros = second + 1, micros - 1_000_000
        if second != self._second:
            self._prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = second
        return f"{self._prefix}.{micros // 1000:03d}+00:00"


def configure_logging(level: str = "INFO") -> None:
    """Send every log line (ours, uvicorn's, the libraries') to stderr as JSON."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # what a line never carries is not looked up for every record (the logging HOWTO's "Optimization"):
    # the calling frame, thread, process and process name
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our own access line carries more
    logging.getLogger("pika").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("fontTools").setLevel(max(logging.WARNING, root.level))  # lines per page in embedded jobs
