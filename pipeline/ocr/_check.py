"""Every read checks itself: a score of a page's OCR without ground truth.

Three signs that a read went well, each 0–1:

- ``conf``: tesseract's mean word confidence;
- ``valid``: the share of words that can be Vietnamese syllables (onset, rhyme and
  tone rules of :mod:`pipeline.lexicon`), numbers or codes — garbage read from noise,
  a seal or a wrong turn is mostly neither;
- ``coverage``: the share of the page's ink that lies inside a word's box — a read
  that missed whole paragraphs covers little of it.

The score weighs them :data:`WEIGHTS`; below :data:`POOR` the page is read a second
way (see :mod:`pipeline._pages`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.lexicon import is_valid_syllable
from pipeline.types import Image, Word

#: weights of (conf, valid, coverage)
WEIGHTS = (0.45, 0.4, 0.15)
#: a read scoring below this is tried a second way
POOR = 0.7
#: single marks that stand alone in running text (list dashes, brackets): not judged
_LONE_MARKS = frozenset(".,;:-–—()[]/\"'“”‘’…*+")
_EDGE_PUNCT = ".,;:!?()[]{}\"'“”‘’…«»"
#: acronyms and codes (UBND, TTHC, QĐ, CT-UBND): upper-case letters, digits, dashes and slashes
_CODE = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9/\-.]{1,15}$")


@dataclass(frozen=True)
class ReadScore:
    """How good a read looks, without ground truth.

    Attributes:
        score: the weighted score, 0–1.
        conf: mean word confidence, 0–1.
        valid: share of judged words that are syllables, numbers or codes.
        coverage: share of the ink inside word boxes.
        words: words read.
    """

    score: float
    conf: float
    valid: float
    coverage: float
    words: int


def word_is_plausible(text: str) -> bool | None:
    """Whether a read word can be a Vietnamese syllable, a number or a code; ``None``: not judged."""
    if text in _LONE_MARKS:
        return None
    token = text.strip(_EDGE_PUNCT)
    if not token:
        return False
    if any(c.isdigit() for c in token) or _CODE.match(token):
        return True
    if not any(c.isalpha() for c in token) or not all(c.isalnum() or c in "-/." for c in token):
        return False  # symbols inside a word: noise, a seal or a picture read as text
    return all(is_valid_syllable(part) for part in token.split("-") if part)


def ink_coverage(words: Sequence[Word], image: Image) -> float:
    """Share of ``image``'s dark pixels that lie inside some word's box (1.0 on a page without ink)."""
    step = 2 if max(image.shape[:2]) > 1600 else 1
    small = image[::step, ::step]
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    total = cv2.countNonZero(ink)
    if total == 0:
        return 1.0
    boxes = np.zeros_like(ink)
    for w in words:
        x0, y0, x1, y1 = (v // step for v in w.box)
        boxes[y0 : y1 + 1, x0 : x1 + 1] = 255
    return cv2.countNonZero(cv2.bitwise_and(ink, boxes)) / total


def score_read(words: Sequence[Word], image: Image) -> ReadScore:
    """Score a read of ``image`` (the image tesseract read, single channel)."""
    if not words:
        return ReadScore(0.0, 0.0, 0.0, 0.0, 0)
    conf = sum(w.conf for w in words) / len(words)
    judged = [v for v in (word_is_plausible(w.text) for w in words) if v is not None]
    valid = sum(judged) / len(judged) if judged else 0.0
    coverage = ink_coverage(words, image)
    a, b, c = WEIGHTS
    return ReadScore(score=a * conf + b * valid + c * coverage, conf=conf, valid=valid, coverage=coverage,
                     words=len(words))
