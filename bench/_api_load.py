"""Closed-loop HTTP load for ``bench/api.py``: C clients, each sending its next request when the last answered.

``wrk`` (Debian's package, installed by ``scripts/setup.sh --dev``) drives the load when it is
there: one C thread with C connections costs the machine a small fraction of what a Python
client costs, so on this 2-core machine the server under test, not the client, is what is
measured. Without it an aiohttp client does the same job in this process (its own CPU then
competes with the server's; the report names which client ran).
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

#: the percentiles every run reports
PERCENTILES = (50, 95, 99)

#: wrk's report, one line of our own: requests, microseconds, errors, then the percentiles and the mean in µs
_WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("sohoa-load %d %d %d %d %d %d %.1f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""


@dataclass(frozen=True)
class LoadResult:
    """Latencies and throughput of one run."""

    name: str
    client: str
    count: int  # requests answered in the measured part
    total: int  # requests sent, warm-up included (the server's CPU is divided by it)
    elapsed_s: float
    errors: int
    percentiles_ms: dict[int, float]
    mean_ms: float

    def percentile(self, q: int) -> float:
        """The q-th percentile latency, in ms (q one of :data:`PERCENTILES`)."""
        return self.percentiles_ms[q]

    @property
    def rps(self) -> float:
        """Requests answered per second."""
        return self.count / self.elapsed_s

    def line(self) -> str:
        """One line of the report."""
        return (f"{self.name:<38} p50 {self.percentile(50):6.1f} ms  p95 {self.percentile(95):6.1f} ms  "
                f"p99 {self.percentile(99):6.1f} ms  {self.rps:7.0f} req/s  (n={self.count}, "
                f"errors {self.errors}, mean {self.mean_ms:.1f} ms, {self.client})")


def _wrk(url: str, headers: dict[str, str], *, clients: int, seconds: float) -> tuple[int, float, int, list[float],
                                                                                         float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(_WRK_DONE, encoding="utf-8")
        command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                   "-s", str(script), url]
        for key, value in headers.items():
            command[1:1] = ["-H", f"{key}: {value}"]
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    [line] = [row for row in out.splitlines() if row.startswith("sohoa-load ")]
    count, micros, errors, p50, p95, p99, mean = line.split()[1:]
    return int(count), int(micros) / 1e6, int(errors), [int(p) / 1000 for p in (p50, p95, p99)], float(mean) / 1000


async def _aiohttp(url: str, headers: dict[str, str], *, clients: int, requests: int,
                   warmup: int) -> tuple[list[float], float, int]:
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
    return latencies, elapsed, errors


def load(name: str, url: str, headers: dict[str, str] | None = None, *, clients: int = 50, requests: int = 3000,
         warmup: int = 300, seconds: float = 10.0) -> LoadResult:
    """GETs of ``url`` from ``clients`` concurrent clients, after an unrecorded warm-up.

    With ``wrk``: a 2-second warm-up, then ``seconds`` of load. Without it: ``warmup`` then
    ``requests`` requests from aiohttp in this process.
    """
    headers = headers or {}
    if shutil.which("wrk"):
        warm = _wrk(url, headers, clients=clients, seconds=2)[0]
        count, elapsed, errors, ms, mean = _wrk(url, headers, clients=clients, seconds=seconds)
        return LoadResult(name, "wrk", count, count + warm, elapsed, errors, dict(zip(PERCENTILES, ms, strict=True)),
                          mean)
    latencies, elapsed, errors = asyncio.run(_aiohttp(url, headers, clients=clients, requests=requests,
                                                      warmup=warmup))
    ordered = sorted(latencies)
    at = {q: 1000 * ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] for q in PERCENTILES}
    return LoadResult(name, "aiohttp", len(latencies), len(latencies) + warmup, elapsed, errors, at,
                      1000 * statistics.fmean(latencies))
