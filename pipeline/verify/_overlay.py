"""Does an annotation or field added, changed or removed after signing cover (or uncover) the signed text?

The "overlay" shadow attack adds or fills something that sits over the signed
words; its twin removes or hides a cover that sat over words. The signed
revision's page is read with pdfium and the letters and digits inside the
annotation's rectangle are counted (dotted leaders and rules a form leaves for
its answers do not count). Only pages with such a change are read.
"""

from __future__ import annotations

import dataclasses
import threading
import unicodedata
from typing import Any

from pipeline.verify._changes import Change

#: changes whose rectangle is checked against the signed text
_CHECKED = {"annotation_added", "annotation_changed", "annotation_removed", "form_filled"}
#: a rectangle covering fewer characters than this is a mark beside the text, not over it
_MIN_CHARS = 2
#: pdfium is not thread-safe; verifications in several threads take turns here
_PDFIUM = threading.Lock()


class TextIndex:
    """The signed text of a revision's pages, as pdfium reads them.

    Args:
        revision: the bytes of the signed revision.
    """

    def __init__(self, revision: bytes) -> None:
        self._revision = revision
        self._doc: Any = None
        self._pages: dict[int, Any] = {}

    def count(self, page: int, rect: tuple[float, float, float, float]) -> int:
        """Letters and digits of 1-based ``page`` inside ``rect`` (PDF space); 0 when the page is unreadable."""
        with _PDFIUM:
            try:
                text = self._text_page(page)
                if text is None:
                    return 0
                inside = text.get_text_bounded(left=rect[0], bottom=rect[1], right=rect[2], top=rect[3])
            except Exception:
                return 0
        return sum(1 for ch in inside if unicodedata.category(ch)[0] in "LN")

    def _text_page(self, page: int) -> Any:
        import pypdfium2 as pdfium

        if self._doc is None:
            self._doc = pdfium.PdfDocument(self._revision)
        if page not in self._pages:
            self._pages[page] = self._doc[page - 1].get_textpage() if 1 <= page <= len(self._doc) else None
        return self._pages[page]

    def close(self) -> None:
        """Close the reader."""
        with _PDFIUM:
            for text in self._pages.values():
                if text is not None:
                    text.close()
            if self._doc is not None:
                self._doc.close()


def flag_overlays(changes: list[Change], text: TextIndex) -> list[Change]:
    """The changes, with those that cover or uncover signed text turned into ``overlay``."""
    out = []
    for c in changes:
        if c.kind in _CHECKED and c.rect is not None and c.pages:
            covered = sum(text.count(page, c.rect) for page in c.pages)
            if covered >= _MIN_CHARS:
                verb = "uncovers" if c.kind == "annotation_removed" else "covers"
                c = dataclasses.replace(c, kind="overlay", what=f"{c.what} {verb} {covered} signed characters")
        out.append(c)
    return out
