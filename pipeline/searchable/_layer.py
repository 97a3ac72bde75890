"""The invisible text layer: each OCR line on one baseline, each word stretched over its box.

A word is drawn with its trailing space stretched to reach the next word, so
the characters tile the line from its first to its last box: text extractors
(pdfplumber, pdftotext) read the line back in order and with its spaces, and
selecting text in a viewer highlights the words on the image. Lines follow the
OCR's own lines (one baseline per line) instead of one baseline per word, which
is what keeps read-back accurate when the words of a line sit at slightly
different heights.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from pipeline.searchable._font import ADVANCE
from pipeline.types import Word


def _hex(text: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in text if ord(ch) <= 0xFFFF)


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    grouped: dict[int, list[Word]] = {}
    for w in words:
        if w.text.strip():
            grouped.setdefault(w.line, []).append(w)
    return [sorted(grouped[k], key=lambda w: w.box[0]) for k in sorted(grouped)]


def _line_ops(line: list[Word], scale: float, page_h: float) -> list[str]:
    height = max(1.0, median(w.box[3] - w.box[1] for w in line)) * scale
    size = height
    # baseline a fifth of the line height above the boxes' bottom (the glyphless font's descent)
    baseline = page_h - median(w.box[3] for w in line) * scale + 0.2 * height
    ops = [f"/Ftext {size:.2f} Tf"]
    for i, w in enumerate(line):
        text = w.text.strip()
        last = i == len(line) - 1
        x0 = w.box[0] * scale
        x1 = (w.box[2] if last else line[i + 1].box[0]) * scale
        if not last:
            text += " "
        natural = len(text) * size * ADVANCE / 1000.0
        stretch = max(1.0, 100.0 * max(x1 - x0, 1.0) / natural)
        ops.append(f"{stretch:.2f} Tz 1 0 0 1 {x0:.2f} {baseline:.2f} Tm <{_hex(text)}> Tj")
    return ops


def text_layer(words: Sequence[Word], *, dpi: int, page_h: float) -> bytes:
    """Content-stream operators drawing ``words`` invisibly; boxes are in pixels at ``dpi``.

    Args:
        words: the OCR words of the page (boxes in pixels of the page image).
        dpi: the image's resolution.
        page_h: the page height in points.

    Returns:
        A ``BT … ET`` block (empty when there are no words).
    """
    scale = 72.0 / dpi
    ops: list[str] = []
    for line in _lines(words):
        ops += _line_ops(line, scale, page_h)
    if not ops:
        return b""
    return ("BT 3 Tr\n" + "\n".join(ops) + "\nET\n").encode("ascii")
