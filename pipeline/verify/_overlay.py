"""Does an annotation or field added, changed or removed after signing cover (or uncover) the signed text?

The "overlay" shadow attack adds or fills something that sits over the signed
words; its twin removes or hides a cover that sat over words. The signed
revision's page is read with pdfplumber and the letters and digits under the
annotation's rectangle are counted (dotted leaders and rules a form leaves for
its answers do not count). Only pages with such a change are read.
"""

from __future__ import annotations

import dataclasses
import io
import unicodedata

from pipeline.verify._changes import Change

#: changes whose rectangle is checked against the signed text
_CHECKED = {"annotation_added", "annotation_changed", "annotation_removed", "form_filled"}
#: a rectangle covering fewer characters than this is a mark beside the text, not over it
_MIN_CHARS = 2


class TextIndex:
    """The signed text of a revision's pages, read once per page.

    Args:
        revision: the bytes of the signed revision.
    """

    def __init__(self, revision: bytes) -> None:
        self._revision = revision
        self._boxes: dict[int, list[tuple[float, float, float, float]]] = {}
        self._pdf: object | None = None

    def boxes(self, page: int) -> list[tuple[float, float, float, float]]:
        """Boxes of the letters and digits of 1-based ``page`` in PDF space (empty when unreadable)."""
        if page not in self._boxes:
            self._boxes[page] = self._read(page)
        return self._boxes[page]

    def _read(self, page: int) -> list[tuple[float, float, float, float]]:
        import pdfplumber

        try:
            if self._pdf is None:
                self._pdf = pdfplumber.open(io.BytesIO(self._revision))
            pages = self._pdf.pages  # type: ignore[attr-defined]
            if not 1 <= page <= len(pages):
                return []
            p = pages[page - 1]
            height = float(p.height)
            return [(float(c["x0"]), height - float(c["bottom"]), float(c["x1"]), height - float(c["top"]))
                    for c in p.chars if _counts(str(c.get("text", "")))]
        except Exception:
            return []

    def close(self) -> None:
        """Close the reader."""
        if self._pdf is not None:
            self._pdf.close()  # type: ignore[attr-defined]


def _counts(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def flag_overlays(changes: list[Change], text: TextIndex) -> list[Change]:
    """The changes, with those that cover or uncover signed text turned into ``overlay``."""
    out = []
    for c in changes:
        if c.kind in _CHECKED and c.rect is not None and c.pages:
            covered = sum(1 for page in c.pages for box in text.boxes(page) if _overlaps(box, c.rect))
            if covered >= _MIN_CHARS:
                verb = "uncovers" if c.kind == "annotation_removed" else "covers"
                c = dataclasses.replace(c, kind="overlay", what=f"{c.what} {verb} {covered} signed characters")
        out.append(c)
    return out


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    # the character's centre inside the rectangle: touching edges do not count
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] < cx < b[2] and b[1] < cy < b[3]
