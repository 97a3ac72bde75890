"""The two sides of ``bench/ingest.py``'s queue figure: the pipeline alone, and the same work through the services.

Both are started once per number of processes P and warmed up (classifier and
keys loaded), then measured in alternating rounds on the same scans, so a burst
of load from other programs on a shared machine hits both sides alike; the best
round of each is kept. The end of an end-to-end round is read from the records
(the latest ``finished_at`` the workers wrote), not from polling, so the
measuring itself costs the services nothing. Beside wall time, each side's CPU
time is read from ``/proc`` (the processes and the tesseract runs they waited
for): it hardly moves with other people's load, so it shows the overhead inside
a worker process even when the wall clock is noisy (the CPU of PostgreSQL,
RabbitMQ and SeaweedFS, shared servers, is not counted).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from schemas.settings import Settings
from store import Store
from store.records import Principal
from store.records._models import Component
from workers import make_digitizer, make_signer, open_dispatcher

Scan = tuple[str, bytes]
_SEAMS: dict[str, Any] = {}


def _init_seams(settings: Settings) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _SEAMS["digitizer"], _SEAMS["signer"] = make_digitizer(settings), make_signer(settings)


def _one_alone(item: Scan) -> bool:
    name, scan = item
    out = _SEAMS["digitizer"].digitize(scan, name=name)
    if out.searchable_pdf is not None:
        _SEAMS["signer"].sign(out.searchable_pdf, role="officer", meta={"reason": "Số hóa hồ sơ"})
    return out.result.error is None


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds the processes used so far, with their children that were waited for (tesseract)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


class AlonePool:
    """P processes calling the Digitizer and Signer seams directly, as a worker's job does, minus the services."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool

    def run(self, scans: list[Scan]) -> tuple[float, float]:
        """Seconds to digitize and sign every scan, and the CPU seconds it took."""
        pids = list(self.pool._processes)  # a benchmark may read the pool's process ids
        cpu = cpu_seconds(pids)
        start = time.perf_counter()
        ok = list(self.pool.map(_one_alone, scans))
        elapsed = time.perf_counter() - start
        if not all(ok):
            print(f"  note: {ok.count(False)} scan(s) ended with an error in the pipeline alone", file=sys.stderr)
        return elapsed, cpu_seconds(pids) - cpu


@contextmanager
def alone_pool(settings: Settings, processes: int, warm: list[Scan]) -> Iterator[AlonePool]:
    """A warmed-up pool of ``processes`` processes (spawned: nothing inherited from this one)."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=spawn, initializer=_init_seams, initargs=(settings,)) as pool:
        list(pool.map(_one_alone, warm[:processes]))
        yield AlonePool(pool)


class Fleet:
    """P ``sohoa worker`` processes and a producer that uploads, records and enqueues like ``sohoa ingest``."""

    def __init__(self, store: Store, dispatcher: Any, tmp: Path, pids: list[int]) -> None:
        self.store, self.dispatcher, self.tmp, self.pids = store, dispatcher, tmp, pids

    def ingest(self, scans: list[Scan], citizen: str) -> list[str]:
        """Upload, record and enqueue every scan under ``citizen``; returns the component ids."""
        folder = self.tmp / citizen
        folder.mkdir(parents=True, exist_ok=True)
        ids = []
        for name, scan in scans:
            path = folder / name
            path.write_bytes(scan)
            up = self.store.upload_component(path, citizen=citizen, by=Principal("officer", "bench"))
            self.dispatcher.digitize(up.component.id)
            ids.append(up.component.id)
        return ids

    def finished(self, ids: list[str], timeout_s: float = 3600) -> tuple[datetime, int]:
        """Wait until every component is done; the time the last one finished, and how many were extracted."""
        deadline = time.monotonic() + timeout_s
        final = ("extracted", "failed")
        while True:
            with self.store.records.transaction() as s:
                done, extracted, last = s.execute(
                    select(func.count(), func.count().filter(Component.status == "extracted"),
                           func.max(Component.finished_at))
                    .where(Component.id.in_(ids), Component.status.in_(final))).one()
            if done == len(ids) or time.monotonic() > deadline:
                return last or datetime.now(UTC), int(extracted)
            time.sleep(0.5)

    def run(self, scans: list[Scan], citizen: str) -> tuple[float, float, int]:
        """Seconds from the first upload to the last record stored, the workers' CPU seconds, how many extracted.

        The producer's CPU (upload, records, enqueue: ``sohoa ingest``'s share) is added to the workers'.
        """
        cpu = cpu_seconds([*self.pids, os.getpid()])
        start = datetime.now(UTC)
        last, extracted = self.finished(self.ingest(scans, citizen))
        return (last - start).total_seconds(), cpu_seconds([*self.pids, os.getpid()]) - cpu, extracted


@contextmanager
def fleet(settings: Settings, env: dict[str, str], processes: int, warm: list[Scan], tmp: Path) -> Iterator[Fleet]:
    """``processes`` warmed-up workers of one thread each; stopped with SIGTERM afterwards."""
    sohoa = Path(sys.executable).parent / "sohoa"
    tmp.mkdir(parents=True, exist_ok=True)
    workers = [subprocess.Popen([str(sohoa), "worker", "--threads", "1", "--log-level", "WARNING"], env=env,
                                cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(processes)]
    store, dispatcher = Store.open(settings), open_dispatcher(settings)
    try:
        made = Fleet(store, dispatcher, tmp, [w.pid for w in workers])
        made.finished(made.ingest(warm[:processes], f"0010909{processes:05d}"))
        yield made
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=120)
        dispatcher.close()
        store.close()
