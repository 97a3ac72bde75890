"""Requests per minute per token: counted in Redis so the limit holds across API replicas, or in this process.

A fixed one-minute window per principal: ``INCR`` of the window's key, and ``EXPIRE … NX``
(an expiry a little after the window ends, set by the first request only). Concurrent
requests share a round trip: their commands go to Redis in one pipeline
(:class:`store.GroupRunner`), the hits of one token as one ``INCRBY``, so the counter
costs a request a fraction of a round trip under load.
If Redis stops answering, requests are let through (and the failure logged, and
``/readyz`` says so): a broken counter must not take the counter service down.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from typing import Protocol

from store import GroupRunner, PerLoop

log = logging.getLogger("sohoa.api")

_WINDOW_S = 60


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
        # an asyncio client per event loop (one per uvicorn worker; tests open several)
        self._counters = PerLoop(self._make_counter)

    def _make_counter(self) -> GroupRunner[str, int]:
        """A counter for this event loop: the hits of concurrent requests go to Redis in one pipeline."""
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(self.url, socket_timeout=self.timeout_s,
                                              socket_connect_timeout=self.timeout_s)

        async def count(names: list[str]) -> list[int]:
            # the hits of one name counted by one INCRBY (each hit still gets its own number, as one INCR each
            # would give it), every name given its expiry (when it has none yet), all in one round trip
            hits = Counter(names)
            async with client.pipeline(transaction=False) as pipe:
                for name, n in hits.items():
                    pipe.incrby(name, n)
                    pipe.expire(name, _WINDOW_S + 5, nx=True)
                replies = await pipe.execute()
            counted = {name: int(total) - hits[name] for name, total in zip(hits, replies[::2], strict=True)}
            numbers = []
            for name in names:
                counted[name] += 1
                numbers.append(counted[name])
            return numbers

        return GroupRunner(count)

    async def hit(self, key: str) -> float | None:
        """Count one request of ``key`` in the current minute, in Redis (shared round trips, on the event loop)."""
        if self.per_minute <= 0:
            return None
        import redis

        now = time.time()
        window = int(now // _WINDOW_S)
        try:
            count = await self._counters.get().submit(f"{self.prefix}:{key}:{window}")
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
