"""Closed-loop HTTP load for ``bench/api.py``: C clients, each sending its next request when the last answered."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

import aiohttp


@dataclass(frozen=True)
class LoadResult:
    """Latencies and throughput of one run."""

    name: str
    latencies_s: list[float]
    elapsed_s: float
    errors: int

    def percentile(self, q: float) -> float:
        """The q-th percentile latency, in ms."""
        ordered = sorted(self.latencies_s)
        return 1000 * ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def rps(self) -> float:
        """Requests answered per second."""
        return len(self.latencies_s) / self.elapsed_s

    def line(self) -> str:
        """One line of the report."""
        return (f"{self.name:<38} p50 {self.percentile(50):6.1f} ms  p95 {self.percentile(95):6.1f} ms  "
                f"p99 {self.percentile(99):6.1f} ms  {self.rps:7.0f} req/s  (n={len(self.latencies_s)}, "
                f"errors {self.errors}, mean {1000 * statistics.fmean(self.latencies_s):.1f} ms)")


async def _run(name: str, url: str, headers: dict[str, str], *, clients: int, requests: int,
               warmup: int) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        async def one(record: bool) -> None:
            nonlocal errors
            start = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                ok = response.status == 200
            if record:
                latencies.append(time.perf_counter() - start)
                errors += 0 if ok else 1

        async def client(count: int, record: bool) -> None:
            for _ in range(count):
                await one(record)

        await asyncio.gather(*(client(max(1, warmup // clients), False) for _ in range(clients)))
        began = time.perf_counter()
        await asyncio.gather(*(client(requests // clients, True) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return LoadResult(name, latencies, elapsed, errors)


def load(name: str, url: str, headers: dict[str, str] | None = None, *, clients: int = 50, requests: int = 3000,
         warmup: int = 300) -> LoadResult:
    """Run ``requests`` GETs of ``url`` from ``clients`` concurrent clients (after ``warmup`` unrecorded ones)."""
    return asyncio.run(_run(name, url, headers or {}, clients=clients, requests=requests, warmup=warmup))
