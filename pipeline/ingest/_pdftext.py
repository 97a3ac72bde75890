"""A born-digital PDF page's text layer, read with pdfplumber, as Tesseract-like words and lines.

A text layer is usable when it has enough real characters: ``(cid:NN)``
placeholders (fonts without a Unicode map), control and private-use
characters do not count, and most letters must be Latin (Vietnamese included)
or digits. Words are grouped into lines by their baseline and split where a
wide gap separates columns, so the extractor sees the same structure OCR gives.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pikepdf

from pipeline.ingest._pdfpage import inherited
from pipeline.types import SourcePage, Word

#: share of the non-space characters that must be real letters or digits
_MIN_REAL_SHARE = 0.6
#: share of the real characters that must be Latin letters or digits
_MIN_LATIN_SHARE = 0.8
#: words whose baselines differ by less than this many font sizes share a line
_BASELINE_TOLERANCE = 0.35
#: a horizontal gap wider than this many font sizes starts a new line (another column)
_COLUMN_GAP = 4.0
#: a vertical gap wider than this many font sizes starts a new block
_BLOCK_GAP = 1.2


@dataclass(frozen=True)
class _Item:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


def usable(chars: Iterable[dict[str, Any]], min_chars: int, unmapped_fonts: Collection[str] = ()) -> bool:
    """Whether a page's characters make a text layer worth reading instead of OCR.

    Args:
        chars: pdfplumber's ``page.chars``.
        min_chars: the least number of real characters (``IngestSettings.min_text_chars``).
        unmapped_fonts: fonts whose characters are glyph ids, not text (they count as garbage).

    Returns:
        ``True`` when there are enough real, mostly Latin characters.
    """
    total = real = latin = 0
    for char in chars:
        text = str(char.get("text", ""))
        # blanks and lone combining marks (decomposed diacritics) are neither real nor garbage
        if not text or text.isspace() or all(unicodedata.combining(ch) for ch in text):
            continue
        garbage = text.startswith("(cid:") or char.get("fontname") in unmapped_fonts or not _is_real(text)
        if not garbage and not any(ch.isalnum() for ch in text):
            continue  # punctuation (a form's dotted leaders) tells nothing either way
        total += 1
        if garbage:
            continue
        real += 1
        latin += _is_latin(text)
    return real >= min_chars and real >= _MIN_REAL_SHARE * total and latin >= _MIN_LATIN_SHARE * real


def _is_real(text: str) -> bool:
    return all(unicodedata.category(ch)[0] in "LNPSMZ" for ch in text)


def _is_latin(text: str) -> bool:
    for ch in text:
        if ch.isdigit() or not ch.isalpha():
            continue
        if "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def text_turn(chars: Iterable[dict[str, Any]]) -> int:
    """The clockwise quarter turn (0, 90, 180, 270) that makes most of the text upright.

    A page whose text runs down or up the screen (a sideways ``/Rotate``, or a landscape
    form drawn turned) must be read turned, as OCR would after fixing the orientation.

    Args:
        chars: pdfplumber's ``page.chars`` (their ``matrix`` gives the writing direction).

    Returns:
        Degrees to add to the page's ``/Rotate``.
    """
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    for char in chars:
        a, b = float(char["matrix"][0]), float(char["matrix"][1])
        if abs(a) >= abs(b):
            votes[0 if a > 0 else 180] += 1
        else:
            # pdfminer's y axis points up: text running up needs a clockwise turn
            votes[90 if b > 0 else 270] += 1
    return max(votes, key=lambda turn: (votes[turn], turn == 0))


def to_words(
    raw_words: Sequence[dict[str, Any]], *, bbox: tuple[float, float, float, float], dpi: int
) -> tuple[Word, ...]:
    """pdfplumber words (points, top-left origin) to :class:`Word` in pixels at ``dpi``, in reading order.

    Args:
        raw_words: ``page.extract_words(extra_attrs=["size"])``.
        bbox: the page's visible area in pdfplumber coordinates (``page.bbox``).
        dpi: the resolution boxes are expressed at.

    Returns:
        The words, with ``line`` and ``block`` indices in reading order.
    """
    x_origin, y_origin, x_end, y_end = bbox
    items = [
        _Item(
            text=unicodedata.normalize("NFC", str(w["text"])),
            x0=float(w["x0"]) - x_origin,
            top=float(w["top"]) - y_origin,
            x1=float(w["x1"]) - x_origin,
            bottom=float(w["bottom"]) - y_origin,
            size=float(w.get("size") or (float(w["bottom"]) - float(w["top"]))) or 1.0,
        )
        for w in raw_words
        if "(cid:" not in str(w["text"])
        and x_origin <= (float(w["x0"]) + float(w["x1"])) / 2 <= x_end
        and y_origin <= (float(w["top"]) + float(w["bottom"])) / 2 <= y_end
    ]
    scale = dpi / 72.0
    width_px, height_px = math.ceil((x_end - x_origin) * scale), math.ceil((y_end - y_origin) * scale)
    words: list[Word] = []
    block, previous_bottom = 0, None
    for line_no, line in enumerate(_lines(items)):
        size = max(item.size for item in line)
        top = min(item.top for item in line)
        if previous_bottom is not None and top - previous_bottom > _BLOCK_GAP * size:
            block += 1
        previous_bottom = max(item.bottom for item in line)
        for item in line:
            box = (
                max(0, math.floor(item.x0 * scale)),
                max(0, math.floor(item.top * scale)),
                min(width_px, math.ceil(item.x1 * scale)),
                min(height_px, math.ceil(item.bottom * scale)),
            )
            words.append(Word(text=item.text, box=box, conf=1.0, line=line_no, block=block))
    return tuple(words)


def _lines(items: list[_Item]) -> list[list[_Item]]:
    """Group words by baseline (their bottom edge), then split each row at column gaps."""
    rows: list[list[_Item]] = []
    for item in sorted(items, key=lambda i: (i.bottom, i.x0)):
        row = rows[-1] if rows else None
        if row and abs(item.bottom - row[0].bottom) <= _BASELINE_TOLERANCE * min(item.size, row[0].size):
            row.append(item)
        else:
            rows.append([item])
    lines: list[list[_Item]] = []
    for row in rows:
        row.sort(key=lambda i: i.x0)
        current = [row[0]]
        for item in row[1:]:
            if item.x0 - current[-1].x1 > _COLUMN_GAP * max(item.size, current[-1].size):
                lines.append(current)
                current = []
            current.append(item)
        lines.append(current)
    return lines


def words_page(page: Any, *, number: int, dpi: int) -> SourcePage:
    """A ``pdf_text`` page from a pdfplumber page: its words in pixels at ``dpi`` over its crop box.

    Args:
        page: a ``pdfplumber.page.Page``.
        number: the 1-based page number.
        dpi: the nominal resolution boxes are expressed at.

    Returns:
        The page, without pixels.
    """
    x0, top, x1, bottom = (float(v) for v in page.cropbox)
    words = to_words(page.extract_words(extra_attrs=["size"]), bbox=(x0, top, x1, bottom), dpi=dpi)
    width, height = math.ceil((x1 - x0) * dpi / 72), math.ceil((bottom - top) * dpi / 72)
    return SourcePage(number=number, image=None, dpi=dpi, origin="pdf_text", width=width, height=height, words=words)


def turned_words_page(pdf: pikepdf.Pdf, index: int, rotate: int, *, dpi: int) -> SourcePage:
    """Read a sideways text page from a one-page copy whose ``/Rotate`` makes the text upright.

    Args:
        pdf: the document.
        index: the page, 0-based.
        rotate: the ``/Rotate`` to give the copy.
        dpi: the nominal resolution boxes are expressed at.

    Returns:
        The page, words in reading order of the upright text.
    """
    single = pikepdf.new()
    try:
        original = pdf.pages[index]
        single.pages.append(original)
        copy = single.pages[0]
        for key in ("/MediaBox", "/CropBox", "/Resources"):
            # the copy has no parent to inherit from
            value = inherited(original, key)
            if key not in copy.obj and value is not None:
                copy.obj[key] = single.copy_foreign(value)
        copy.Rotate = rotate
        buf = io.BytesIO()
        single.save(buf)
    finally:
        single.close()
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as turned:
        return words_page(turned.pages[0], number=index + 1, dpi=dpi)
