"""Whether a page opens a new document: the national motto or a printed title near its top.

Used to split stacks. A continuation page (page 2 of a land certificate, the back of an ID
card) carries neither, even when one of its sentences repeats words of a title ("Nhà nước
công nhận quyền sử dụng đất"): a title is a heading of its own, so the whole row (or up to
three rows) must read as a catalog title, not merely contain its words.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from pipeline.classify._model import Classifier
from pipeline.doctypes import CATALOG, DocTypeSpec
from pipeline.extract._layout import Line, build_lines
from pipeline.extract._title import find_title, type_name, upper_ratio
from pipeline.lexicon import fold_key
from pipeline.types import OcrPage

_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
#: the motto stands in the top third; a title in the upper part of the page
_MOTTO_ZONE = 0.3
_TITLE_ZONE = 0.45


@lru_cache(maxsize=1)
def _titled_specs() -> tuple[DocTypeSpec, ...]:
    return tuple(spec for spec in CATALOG.values() if spec.titles)


def _motto(lines: list[Line]) -> bool:
    for line in lines:
        key = fold_key(line.text)
        if any(len(key) >= len(m) * 0.6 and fuzz.partial_ratio(m, key) >= 85 for m in _MOTTO):
            return True
    return False


def starts_document(page: OcrPage, *, model: Classifier) -> bool:
    """Whether ``page`` opens a new document: a national motto or a title heading near its top.

    Args:
        page: one OCR page.
        model: the classifier (kept in the signature so a learned cue can be added).

    Returns:
        ``True`` when the motto stands in the top third of the page, or a heading in its
        upper part reads as a catalog title or as the type name of an administrative paper
        ("QUYẾT ĐỊNH"); blank and separator sheets are the caller's business.
    """
    del model  # the header cues are enough today
    lines = build_lines([page])
    if _motto([ln for ln in lines if ln.top <= page.height * _MOTTO_ZONE]):
        return True
    top = [ln for ln in lines if ln.top <= page.height * _TITLE_ZONE]
    if any(find_title(spec, top) for spec in _titled_specs()):
        return True
    return any(upper_ratio(ln.text) > 0.8 and type_name(ln.text) for ln in top)
