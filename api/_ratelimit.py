"""Requests per minute per token: counted in Redis so the limit holds across API replicas, or in this process.

A fixed one-minute window per principal (``INCR`` + ``EXPIRE`` in one round trip: one small
Lua script, run by its digest).
If Redis stops answering, requests are let through (and the failure logged, and
``/readyz`` says so): a broken counter must not take the counter service down.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from typing import Any, Protocol

log = logging.getLogger("sohoa.api")

_WINDOW_S = 60
#: count one request in the window's key; the key expires a little after the window ends
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RateLimiter(Protocol):
    """Counts a request of ``key``; says how long to wait when over the limit (on the event loop)."""

    async def hit(self, key: str) -> float | None:
        """``None`` when the request may go ahead, else seconds until the window ends."""

    def ping(self) -> None:
        """Raise when the counter's store is unreachable."""


class MemoryLimiter:
    """The in-process limiter of the embedded default (one process, one count)."""

    def __init__(self, per_minute: int, *, clock: object = time.time) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    async def hit(self, key: str) -> float | None:
        """Count one request of ``key`` in the current minute."""
        if self.per_minute <= 0:
            return None
        now = float(self._clock())  # type: ignore[operator]
        window = int(now // _WINDOW_S)
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return None if count <= self.per_minute else (window + 1) * _WINDOW_S - now

    def ping(self) -> None:
        """Always there."""


class RedisLimiter:
    """The limiter shared by every replica, in Redis.

    Args:
        url: ``redis://host:6379/0``.
        per_minute: requests allowed per principal per minute.
        prefix: key prefix (tests give each run its own).
    """

    def __init__(self, url: str, per_minute: int, *, prefix: str = "sohoa:rl", timeout_s: float = 0.5) -> None:
        import redis

        self.url, self.per_minute, self.prefix, self.timeout_s = url, per_minute, prefix, timeout_s
        self._redis = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        self._loops: dict[int, Any] = {}  # the script on an asyncio client per event loop (one per uvicorn worker)

    def _script(self) -> Any:
        """The counting script of this event loop's client (``EVALSHA``, loaded again if Redis lost it)."""
        import redis.asyncio

        loop = id(asyncio.get_running_loop())
        if loop not in self._loops:
            client = redis.asyncio.Redis.from_url(self.url, socket_timeout=self.timeout_s,
                                                  socket_connect_timeout=self.timeout_s)
            self._loops[loop] = client.register_script(_COUNT)
        return self._loops[loop]

    async def hit(self, key: str) -> float | None:
        """Count one request of ``key`` in the current minute, in Redis (one round trip, on the event loop)."""
        if self.per_minute <= 0:
            return None
        import redis

        now = time.time()
        window = int(now // _WINDOW_S)
        name = f"{self.prefix}:{key}:{window}"
        try:
            count = int(await self._script()(keys=[name], args=[_WINDOW_S + 5]))
        except (redis.RedisError, OSError) as e:
            log.warning("rate limit not applied: Redis is unreachable (%s)", e)
            return None
        return None if count <= self.per_minute else max((window + 1) * _WINDOW_S - now, 0.001)

    def ping(self) -> None:
        """Raise ``redis.RedisError`` when Redis does not answer."""
        self._redis.ping()

    def close(self) -> None:
        """Close the connections."""
        self._redis.close()


def retry_after(seconds: float) -> int:
    """Whole seconds for a ``Retry-After`` header (at least 1)."""
    return max(1, math.ceil(seconds))
