"""Page reading from several threads of one process (a worker with ``threads=2``)."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np

from pipeline import _pages
from schemas.settings import Settings


def _png(path: Path, shade: int) -> Path:
    cv2.imwrite(str(path), np.full((600, 400, 3), shade, np.uint8))
    return path


def test_a_thread_opening_its_file_never_closes_the_file_another_thread_is_reading(tmp_path: Path) -> None:
    """Given thread A holding file A open, when thread B opens file B, then A still reads its page.

    Each process used to hold one open document for all its threads: B's open released A's file, and A's
    next page failed (``internal`` / ``corrupt_image`` in a worker digitizing two scans at once).
    """
    settings = Settings()
    a, b = _png(tmp_path / "a.png", 200), _png(tmp_path / "b.png", 90)
    a_open, b_opened = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def reader_a() -> None:
        doc = _pages._document(a, "a.png", settings)
        a_open.set()
        b_opened.wait(10)
        try:
            seen["a"] = doc.page(0).image.shape  # type: ignore[union-attr]
        except Exception as e:  # the failure this test is about
            seen["a"] = e
        finally:
            _pages.release()

    def reader_b() -> None:
        a_open.wait(10)
        try:
            seen["b"] = _pages._document(b, "b.png", settings).page(0).image.shape  # type: ignore[union-attr]
        finally:
            b_opened.set()
            _pages.release()

    threads = [threading.Thread(target=reader_a), threading.Thread(target=reader_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen["a"] == (600, 400, 3), seen["a"]
    assert seen["b"] == (600, 400, 3)
