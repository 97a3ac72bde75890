"""A batch answers in input order, yet a slow page does not leave the other readers idle."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pipeline import digitize
from schemas.settings import Settings


def test_a_slow_page_does_not_leave_the_other_readers_idle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given two readers and a first file whose page is read only once four later pages are, when the batch is
    collected in order, then the later files are sent while the first waits, and every file comes back in order.

    (Waiting on the first page alone sent no file beyond the first four pages in flight: three were read, the
    fourth never sent, and the first page waited for it.)"""
    others = threading.Semaphore(0)
    sent = threading.Event()  # the first pages are all handed out before any later one is read
    fill = digitize._Batch._fill

    def filling(self: Any, upto: int) -> None:
        fill(self, upto)
        sent.set()

    def read(path: Path, index: int, *, name: str, settings: Settings) -> str:
        if name == "slow":
            if not all(others.acquire(timeout=5) for _ in range(4)):
                raise TimeoutError("the later pages were not sent while the first was awaited")
        else:
            sent.wait(5)
            others.release()
        return name

    def build(name: str, sha: Any, outcomes: list[str], **_: Any) -> tuple[str, list[str]]:
        return name, outcomes

    paths = [tmp_path / name for name in ("slow", "a", "b", "c", "d", "e")]
    for path in paths:
        path.write_bytes(b"page")
    monkeypatch.setattr(digitize, "_pool", ThreadPoolExecutor)
    monkeypatch.setattr(digitize, "read_page", read)
    monkeypatch.setattr(digitize, "count_pages", lambda path, *, name, cfg: 1)
    monkeypatch.setattr(digitize, "_build", build)
    monkeypatch.setattr(digitize._Batch, "_fill", filling)
    batch = digitize._Batch(paths, settings=Settings(_env_file=None), jobs=2)  # type: ignore[call-arg]
    try:
        batch.start()
        got = [batch.collect(i, model=None, progress=None) for i in range(len(paths))]  # type: ignore[arg-type]
    finally:
        batch.close()
    assert got == [(p.name, [p.name]) for p in paths]
