"""Lines the layout analysis dropped are found from the ink no word covers, and read again."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr._missed import missed_lines, reread_missed
from pipeline.ocr._tesseract import run_tesseract
from pipeline.types import Word
from schemas.settings import OcrSettings
from tests.pipeline._pages import text_page


def _page() -> tuple[np.ndarray, list[Word]]:
    grey = cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY)
    return grey, run_tesseract(grey, dpi=200, cfg=OcrSettings())


def _line_of(words: list[Word], first: str) -> int:
    return next(w.line for w in words if w.text == first)


def test_a_page_read_whole_has_no_missed_lines() -> None:
    grey, words = _page()
    assert missed_lines(words, grey) == []
    assert reread_missed(words, grey, dpi=200, cfg=OcrSettings()) == words


def test_lines_dropped_from_a_read_are_read_again() -> None:
    """Given a read that lost two consecutive lines (as tesseract does when it takes them for a picture),
    when it is checked against the page's ink, then those lines come back and nothing else is added."""
    grey, words = _page()
    dropped = {_line_of(words, "Ngày,"), _line_of(words, "Giới")}
    kept = [w for w in words if w.line not in dropped]
    assert len(missed_lines(kept, grey)) == 2
    again = reread_missed(kept, grey, dpi=200, cfg=OcrSettings())
    found = " ".join(w.text for w in again[len(kept):])
    assert "05/03/1990" in found and "Quốc tịch:" in found
    assert "Nguyễn" not in found and "001190012345" not in found


def test_one_uncovered_line_is_left_alone() -> None:
    """A single run of letters outside the read (a stamp's text, a seal's ring) is not worth a second call."""
    grey, words = _page()
    kept = [w for w in words if w.line != _line_of(words, "Ngày,")]
    assert len(missed_lines(kept, grey)) == 1
    assert reread_missed(kept, grey, dpi=200, cfg=OcrSettings()) == kept
