"""The JSON log lines (api/_logging.py): what a line carries, and its timestamp written as datetime writes it."""

from __future__ import annotations

import json
import logging
import random
from datetime import UTC, datetime

from api._logging import REQUEST_ID, JsonFormatter


def test_the_timestamp_is_written_to_the_millisecond_as_datetime_writes_it() -> None:
    """Given instants across the epoch and at the edges of a millisecond and a second, then each is the same."""
    formatter, rng = JsonFormatter(), random.Random(7)
    edges = (0.0, 0.0005, 0.0009995, 0.0009996, 0.9994999, 0.9995, 0.9999994, 0.9999995, 0.9999999)
    instants = [rng.uniform(0, 4e9) for _ in range(20_000)]
    instants += [1.7e9 + rng.randint(0, 10**6) + edge for edge in edges for _ in range(200)]
    instants += sorted(instants[-1000:])  # (then one second after another, as a log is written)
    for instant in instants:
        assert formatter.timestamp(instant) == datetime.fromtimestamp(instant, UTC).isoformat(timespec="milliseconds")


def test_a_line_carries_the_request_id_and_the_extra_fields() -> None:
    record = logging.LogRecord("sohoa.api", logging.INFO, __file__, 1, "%s %s", ("GET", "/x"), None)
    record.__dict__.update({"status": 200, "route": "/x"})
    token = REQUEST_ID.set("abc123")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "GET /x"
    assert line["request_id"] == "abc123"
    assert (line["level"], line["logger"], line["status"], line["route"]) == ("info", "sohoa.api", 200, "/x")
    assert line["ts"] == datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
