"""Split a stack — one file holding several documents — into its components.

Officers scan a whole dossier at once: a form, then an ID card, then a birth
certificate. A page opens a new component when it carries a document's title
or header, or when it is confidently of another type than the component it
follows. Blank pages and separator sheets end the current component and belong
to none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.types import OcrPage
from schemas.documents import DocType

#: words printed on separator sheets (folded: no diacritics, lower case)
_SEPARATOR = re.compile(r"\b(phan cach|to bia ngan|trang ngan cach|separator|patch ?[t2])\b")
#: a separator sheet carries only a few words
_SEPARATOR_MAX_WORDS = 25
#: how sure a page must be of another type to open a component without a title
SWITCH_CONFIDENCE = 0.85


@dataclass(frozen=True)
class PageVerdict:
    """What the classifier says of one page on its own."""

    doc_type: DocType
    confidence: float
    starts: bool


@dataclass(frozen=True)
class Segment:
    """A run of pages forming one document: 1-based page numbers, in order."""

    pages: tuple[int, ...]

    @property
    def page_range(self) -> tuple[int, int]:
        return (self.pages[0], self.pages[-1])


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching words OCR may have damaged."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def is_separator(page: OcrPage) -> bool:
    """A blank page or a separator sheet: it ends a component and belongs to none."""
    if page.blank or not page.words:
        return True
    return len(page.words) <= _SEPARATOR_MAX_WORDS and bool(_SEPARATOR.search(fold(page.text)))


def split(pages: Sequence[OcrPage], judge: Callable[[OcrPage], PageVerdict]) -> list[Segment]:
    """Group pages into documents.

    Args:
        pages: every page of the file, in order.
        judge: the per-page verdict (type, confidence, whether the page opens a document).

    Returns:
        The segments in page order; a file of one document gives one segment. A file of
        only blank pages gives one segment of all its pages, so nothing is dropped.
    """
    segments: list[list[int]] = []
    current: list[int] | None = None
    current_type: DocType | None = None
    for page in pages:
        if is_separator(page):
            current, current_type = None, None
            continue
        verdict = judge(page)
        switch = current is not None and (
            verdict.starts
            or (
                verdict.confidence >= SWITCH_CONFIDENCE
                and verdict.doc_type not in (current_type, DocType.KHAC)
                and current_type is not DocType.KHAC
            )
        )
        if current is None or switch:
            current = []
            segments.append(current)
            current_type = verdict.doc_type if verdict.confidence >= SWITCH_CONFIDENCE else DocType.KHAC
        elif current_type is DocType.KHAC and verdict.confidence >= SWITCH_CONFIDENCE:
            current_type = verdict.doc_type
        current.append(page.number)
    if not segments:
        return [Segment(pages=tuple(p.number for p in pages))] if pages else []
    return [Segment(pages=tuple(s)) for s in segments]
