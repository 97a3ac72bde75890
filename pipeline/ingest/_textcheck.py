"""Whether a PDF page's text layer can be trusted instead of OCR: plausible Vietnamese, covering the ink.

Scanner software adds its own OCR layer, often in English ("UY BAN NHAN DAN CONG HOA xA
HQI"); old office PDFs carry legacy-encoded fonts whose text extracts as "Céng hßa x·
héi"; a scan may carry a visible overlay (a stamp, a number, a signature box) and no text
of its body. Each of these has a text layer, and none of them says what the page shows.
A layer is trusted when its words are mostly well-formed Vietnamese syllables, enough of
them carry the diacritics Vietnamese words need, and, on a page painted mostly with
images, its words cover the ink of the page (as OCRmyPDF's ``--redo-ocr`` re-reads such
pages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.ingest._pdfscan import ImageDraw
from pipeline.lexicon import is_valid_syllable, strip_tone
from pipeline.types import Image, Word

#: letters of the Vietnamese alphabet after the tone marks are dropped (f, j, w, z occur in names and loans)
_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzăâđêôơư")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_EDGE_PUNCT = "\"'“”‘’«».,;:!?()[]{}<>…*•·-–—_/\\|"
_SPLIT_RE = re.compile(r"[/\-–—]+")
#: a page needs this many judged words before its language is judged at all (a table of figures is not)
MIN_JUDGED_WORDS = 12
#: share of judged words that must be well-formed syllables
MIN_SYLLABLE_SHARE = 0.7
#: share of judged words that must carry a diacritic (Vietnamese prose: about 0.6 to 0.8)
MIN_MARKED_SHARE = 0.25
#: a page whose images cover this share of it is a scan, whatever text it also carries
IMAGE_PAGE_SHARE = 0.25
#: resolution the page is rendered at to find its ink
INK_DPI = 100
#: grey level below which a rendered pixel is ink
_INK_LEVEL = 160
#: share of the ink that may lie outside the text layer's words before the layer is not trusted
MAX_UNCOVERED_SHARE = 0.35
#: ... and the least area that uncovered ink must have, as a share of the page (a logo is not a body)
MIN_UNCOVERED_AREA = 0.004

NOT_VIETNAMESE = "not_vietnamese"
NO_DIACRITICS = "no_diacritics"
INK_NOT_COVERED = "ink_not_covered"


@dataclass(frozen=True)
class LanguageCheck:
    """How Vietnamese a text layer reads.

    Attributes:
        judged: words made of letters only (numbers and codes are not judged).
        syllables: share of judged words that are well-formed Vietnamese syllables.
        marked: share of judged words that carry a Vietnamese diacritic.
    """

    judged: int
    syllables: float
    marked: float

    def problem(self, *, need_marks: bool) -> str | None:
        """What is wrong with the layer as Vietnamese text, or ``None`` (also when too short to judge).

        Args:
            need_marks: the layer is an OCR layer (hidden, or over a scan), whose missing
                diacritics are a misreading; visible text typed without them is what the page shows.

        Returns:
            ``not_vietnamese`` (few well-formed syllables: another language, a legacy font
            encoding), ``no_diacritics`` (an OCR layer read without Vietnamese), or ``None``.
        """
        if self.judged < MIN_JUDGED_WORDS:
            return None
        if self.syllables < MIN_SYLLABLE_SHARE:
            return NOT_VIETNAMESE
        if need_marks and self.marked < MIN_MARKED_SHARE:
            return NO_DIACRITICS
        return None


def _pieces(text: str) -> list[str]:
    return [p.strip(_EDGE_PUNCT) for p in _SPLIT_RE.split(text)]


def _abbreviation(piece: str) -> bool:
    """``UBND``, ``TTHC``, ``QĐ``: an upper-case short form, neither a syllable nor a mistake."""
    return piece.isupper() and len(piece) <= 5 and not is_valid_syllable(piece)


def check_language(words: Sequence[Word]) -> LanguageCheck:
    """Score the words of a text layer as Vietnamese.

    Args:
        words: the layer's words.

    Returns:
        The number of judged words and the shares of syllables and of marked words among them.
    """
    judged = valid = marked = 0
    for word in words:
        for piece in _pieces(word.text):
            if not piece or any(ch.isdigit() for ch in piece) or not any(ch.isalpha() for ch in piece):
                continue
            base = strip_tone(piece.lower())
            if all(ch in _ALPHABET for ch in base):
                if _abbreviation(piece):
                    continue
                judged += 1
                valid += is_valid_syllable(piece)
                marked += any(ch not in _ASCII_LETTERS for ch in piece.lower())
            else:
                judged += 1  # letters no Vietnamese word has (ß, Ü, ©-like glyph codes): a broken encoding
    if not judged:
        return LanguageCheck(0, 0.0, 0.0)
    return LanguageCheck(judged, valid / judged, marked / judged)


def uncovered_ink(page: Image, words: Sequence[Word], *, scale: float) -> tuple[float, float]:
    """How much of a rendered page's ink lies outside the words of its text layer.

    Args:
        page: the page rendered as displayed (BGR or grey).
        words: the text layer's words, boxes in pixels at ``scale`` times the render's resolution.
        scale: the factor from word-box pixels to render pixels.

    Returns:
        ``(share, area)``: the share of the ink outside every word box (grown by half a line),
        and that ink's area as a share of the page. ``(0, 0)`` for a page without ink.
    """
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    ink = grey < _INK_LEVEL
    total = int(ink.sum())
    if total == 0:
        return 0.0, 0.0
    covered = np.zeros_like(ink)
    h, w = ink.shape
    for word in words:
        x0, y0, x1, y1 = (v * scale for v in word.box)
        grow = 0.5 * max(1.0, y1 - y0)
        top, bottom = max(0, int(y0 - grow)), min(h, int(y1 + grow) + 1)
        covered[top:bottom, max(0, int(x0 - grow)):min(w, int(x1 + grow) + 1)] = True
    outside = int((ink & ~covered).sum())
    return outside / total, outside / ink.size


def ink_problem(page: Image, words: Sequence[Word], *, scale: float) -> str | None:
    """``ink_not_covered`` when much of the page's ink lies outside the text layer's words, else ``None``."""
    share, area = uncovered_ink(page, words, scale=scale)
    return INK_NOT_COVERED if share > MAX_UNCOVERED_SHARE and area >= MIN_UNCOVERED_AREA else None


def painted_by_images(images: Sequence[ImageDraw], cropbox: tuple[float, float, float, float]) -> bool:
    """Whether images cover a good part of the page (a scan, in one piece or in strips).

    Args:
        images: the image placements of the page.
        cropbox: the page's visible area in user space.

    Returns:
        ``True`` when their areas add up to :data:`IMAGE_PAGE_SHARE` of the page or more.
    """
    page = max(1e-6, (cropbox[2] - cropbox[0]) * (cropbox[3] - cropbox[1]))
    area = sum(abs(d.ctm.a * d.ctm.d - d.ctm.b * d.ctm.c) for d in images)
    return area / page >= IMAGE_PAGE_SHARE
