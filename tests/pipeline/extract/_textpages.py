"""Build :class:`OcrPage` objects from lines of text, with fake but consistent word boxes."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.types import OcrPage, Word

CHAR_W = 20
LINE_H = 60
WIDTH = 2480
HEIGHT = 3508


def page_from_text(lines: Sequence[str], *, number: int = 1, conf: float = 0.95, top: int = 100,
                   qr: Sequence[str] = (), width: int = WIDTH, height: int = HEIGHT) -> OcrPage:
    """One OCR page holding ``lines``; a tab jumps to the middle of the page (a second column),
    two or more spaces leave a wide gap.

    Centred lines start with ``^`` (the mark is dropped). Words get boxes CHAR_W pixels per
    character on a LINE_H grid, so tests can assert boxes and pages.
    """
    words: list[Word] = []
    for i, raw in enumerate(lines):
        y = top + i * LINE_H
        centred = raw.startswith("^")
        text = raw[1:] if centred else raw
        x = max(100, (width - len(text) * CHAR_W) // 2) if centred else 100
        for c, column in enumerate(text.split("\t")):
            if c:
                x = max(x + CHAR_W, width // 2)
            for chunk in column.split("  "):  # a run of spaces is a wide gap (two fields on a line)
                if not chunk.strip():
                    x += CHAR_W
                    continue
                for token in chunk.split():
                    w = len(token) * CHAR_W
                    words.append(Word(text=token, box=(x, y, x + w, y + 40), conf=conf, line=i, block=c))
                    x += w + CHAR_W
                x += 2 * CHAR_W
    return OcrPage(number=number, words=tuple(words), width=width, height=height, dpi=300,
                   qr_payloads=tuple(qr))
