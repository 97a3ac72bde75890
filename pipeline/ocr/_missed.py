"""Lines tesseract's layout analysis dropped: found as letter-shaped ink no word covers, read again.

Tesseract sometimes takes a run of text lines for a picture and returns nothing
for them: on the notice's last page photographed at 600 px wide, the middle of its
recipients list (nine lines beside the signature block) vanished at one working
scale and came back at another; the lines are sharp and read well once cut out.
A page's read is therefore checked against its ink: letter-sized components
(:data:`LETTER_HEIGHTS` of the read's median word height) that no word's box covers,
lying side by side in runs at least :data:`MIN_LINE` word heights long, are text
the read missed. The runs that lie near each other are cut out as one region and
read as a uniform block (``--psm 6``); of what that gives, only the words outside
the first read's boxes are kept, and only when they look like text (see
:func:`_kept`), so a seal's ring or a picture's texture adds nothing.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

import cv2
import numpy as np

from pipeline.ocr._check import word_is_plausible
from pipeline.ocr._tesseract import run_tesseract
from pipeline.types import Box, Image, Word
from schemas.settings import OcrSettings

#: a letter is this tall against the median word box (marks and specks are smaller, rules and frames larger)
LETTER_HEIGHTS = (0.3, 1.6)
#: uncovered letters side by side make a line when the run is at least this many word heights long …
MIN_LINE = 4.0
#: … and holds this many letters
MIN_LETTERS = 5
#: a region is re-read once it holds this many missed lines (one stray run is a stamp's or a seal's text)
MIN_LINES = 2
#: word boxes grow by this share of the word height before they count as covering a letter
BOX_PAD = 0.3
#: a read that leaves less than this share of the page's ink outside its words' boxes missed no line (the
#: notice's last page at 600 px, nine lines lost: 6.7%; pages read whole: 0-0.1%): its letters are not labelled
#: (the self-check measures the share, see :func:`pipeline.ocr._check.ink_coverage`)
MIN_UNCOVERED = 0.02
#: of the words read again, one is kept at this confidence when it is a syllable, a number or a code …
KEEP_CONF = 0.5
#: … and a lone mark at this one, when it starts a line (a list's dash; elsewhere it is a seal's or a frame's speck)
MARK_CONF = 0.7


def _covered(words: list[Word], shape: tuple[int, ...], pad: int, step: int = 1) -> Image:
    """Where the words' boxes (grown by ``pad``) lie, on ``image[::step, ::step]`` of an image of ``shape``."""
    mask = np.zeros(((shape[0] + step - 1) // step, (shape[1] + step - 1) // step), np.uint8)
    for w in words:
        x0, y0, x1, y1 = (v // step for v in w.box)
        mask[max(0, y0 - pad) : y1 + pad + 1, max(0, x0 - pad) : x1 + pad + 1] = 255
    return mask


def missed_lines(words: list[Word], image: Image) -> list[Box]:
    """Boxes of the runs of letter-shaped ink that no word of ``words`` covers (``image``: what was read)."""
    if len(words) < 10:
        return []
    step = 2 if max(image.shape[:2]) > 1600 else 1  # a page's letters survive halving; the labelling costs a quarter
    small = image[::step, ::step]
    height = median(w.box[3] - w.box[1] for w in words) / step
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    covered = _covered(words, image.shape, round(BOX_PAD * height), step)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    hs, ws = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    cy = np.clip(stats[:, cv2.CC_STAT_TOP] + hs // 2, 0, small.shape[0] - 1)
    cx = np.clip(stats[:, cv2.CC_STAT_LEFT] + ws // 2, 0, small.shape[1] - 1)
    lo, hi = LETTER_HEIGHTS
    letters = (hs >= lo * height) & (hs <= hi * height) & (ws <= 3 * height) & (covered[cy, cx] == 0)
    letters[0] = False
    if int(letters.sum()) < MIN_LETTERS * MIN_LINES:
        return []
    mask = letters[labels].astype(np.uint8) * 255
    runs = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (round(1.2 * height) | 1, 1)))
    m, run_labels, run_stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    lines: list[Box] = []
    for i in range(1, m):
        x, y, w, h, _ = (int(v) for v in run_stats[i])
        if w < MIN_LINE * height or h > 2.5 * height:
            continue
        inside = labels[y : y + h, x : x + w][run_labels[y : y + h, x : x + w] == i]
        if len(np.unique(inside[inside > 0])) >= MIN_LETTERS:
            lines.append((x * step, y * step, (x + w) * step, (y + h) * step))
    return lines


def _regions(lines: list[Box], height: float) -> list[Box]:
    """Missed lines grouped into regions: a line within two word heights of a region's bottom joins it."""
    regions: list[tuple[Box, int]] = []
    for x0, y0, x1, y1 in sorted(lines, key=lambda b: b[1]):
        for k, ((a0, b0, a1, b1), count) in enumerate(regions):
            if y0 - b1 <= 2 * height and x0 < a1 and a0 < x1:
                regions[k] = ((min(a0, x0), b0, max(a1, x1), max(b1, y1)), count + 1)
                break
        else:
            regions.append(((x0, y0, x1, y1), 1))
    return [box for box, count in regions if count >= MIN_LINES]


def _kept(words: list[Word]) -> list[Word]:
    """The words of a re-read that look like text (see :data:`KEEP_CONF`, :data:`MARK_CONF`)."""
    first: dict[int, Word] = {}
    for w in words:
        if w.line not in first or w.box[0] < first[w.line].box[0]:
            first[w.line] = w
    out: list[Word] = []
    for w in words:
        plausible = word_is_plausible(w.text)
        if (plausible is True and w.conf >= KEEP_CONF) or \
                (plausible is None and w.conf >= MARK_CONF and first[w.line] is w):
            out.append(w)
    return out


def reread_missed(words: list[Word], image: Image, *, dpi: int, cfg: OcrSettings) -> list[Word]:
    """``words`` and the words of the lines the read missed (see the module docstring).

    Args:
        words: the page's words as tesseract read it.
        image: the single-channel image it read.
        dpi: its resolution (0: unknown).
        cfg: tesseract settings.

    Returns:
        ``words`` followed by the words found again, on lines and in blocks of their own.
    """
    lines = missed_lines(words, image)
    if not lines:
        return words
    height = median(w.box[3] - w.box[1] for w in words)
    # wide on the sides: a line's first letters may lie under a speck the first read took for a word
    pad, side = round(0.5 * height), round(3 * height)
    covered = _covered(words, image.shape, 0)
    next_line = max(w.line for w in words) + 1
    next_block = max(w.block for w in words) + 1
    found: list[Word] = []
    for x0, y0, x1, y1 in _regions(lines, height):
        left, top = max(0, x0 - side), max(0, y0 - pad)
        crop = image[top : y1 + pad, left : x1 + side]
        new = []
        for w in _kept(run_tesseract(crop, dpi=dpi, cfg=cfg, psm=6)):
            a0, b0, a1, b1 = w.box
            box = (a0 + left, b0 + top, a1 + left, b1 + top)
            if covered[(box[1] + box[3]) // 2, (box[0] + box[2]) // 2] == 0:
                new.append(replace(w, box=box, line=next_line + w.line, block=next_block))
        if new:
            next_line = max(w.line for w in new) + 1
            next_block += 1
            found.extend(new)
    return words + found
