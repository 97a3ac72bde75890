"""What the classifier looks at: the page text (folded and raw) and the title zone.

The title zone is the upper part of the first page where a title stands: lines that are
mostly upper case, plus the first lines whatever their case. It is given its own features
so "GIẤY KHAI SINH" at the top weighs more than the same words in a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract._title import upper_ratio
from pipeline.lexicon import fold, fold_key
from pipeline.types import OcrPage

_TOP_LINES = 6
_TITLE_ZONE = 0.55


@dataclass(frozen=True)
class DocText:
    """The texts features are computed from.

    Attributes:
        raw: all text, NFC, lines joined by newlines.
        folded: ``raw`` folded (lower case, no diacritics).
        title: the title zone, folded, punctuation removed.
    """

    raw: str
    folded: str
    title: str


def title_zone(lines: Sequence[str]) -> str:
    """The first lines and the upper-case lines of the upper part of a page, folded."""
    keep: list[str] = []
    limit = max(_TOP_LINES, int(len(lines) * _TITLE_ZONE))
    for i, line in enumerate(lines[:limit]):
        if i < _TOP_LINES or (upper_ratio(line) > 0.75 and len(line) > 5):
            keep.append(fold_key(line))
    return " \n ".join(k for k in keep if k)


def text_of(lines_per_page: Sequence[Sequence[str]]) -> DocText:
    """Features' input from the lines of each page (first page gives the title zone).

    Args:
        lines_per_page: per page, its text lines in reading order.

    Returns:
        The raw, folded and title texts.
    """
    raw = "\n".join("\n".join(lines) for lines in lines_per_page)
    first = list(lines_per_page[0]) if lines_per_page else []
    return DocText(raw=raw, folded=fold(raw), title=title_zone(first))


def text_of_pages(pages: Sequence[OcrPage]) -> DocText:
    """:func:`text_of` for OCR pages."""
    return text_of([p.text.splitlines() for p in pages])
