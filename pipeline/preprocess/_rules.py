"""Dotted leaders and ruled lines, taken off the binary page before OCR.

Forms print a label, its value, then a run of dots or a rule to the margin
("Họ tên: NGÔ NHƯ GIANG ......"). Tesseract reads such runs as letters and
often takes the value next to them down with it. A leader is a row of small
blobs — dots or short dashes — evenly lined up on one baseline; a rule is one
long, thin blob. Both are erased; single dots (in dates, after "Số", the
dot below a Vietnamese vowel) never form such a row and stay. The search runs
at half resolution, where dots are still dots, and the erasing at full.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.types import Image

#: pages larger than this (pixels on the long side) are searched at half size
_HALVE_ABOVE = 1800


def glyph_height(stats: np.ndarray, page_height: int) -> float:
    """Typical letter height: the area-weighted median height, so specks and dots barely count."""
    heights = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    keep = heights < 0.08 * page_height
    if not keep.any():
        return 0.0
    order = np.argsort(heights[keep])
    cum = np.cumsum(areas[keep][order])
    return float(heights[keep][order][np.searchsorted(cum, cum[-1] / 2)])


def _erase_mask(binary: Image) -> tuple[Image | None, int]:
    """255 where leaders and rules are, at the size of ``binary``; ``None`` when there are none."""
    inv = 255 - binary
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(inv, connectivity=8)
    if n < 20:
        return None, 0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    glyph_h = glyph_height(stats[1:], binary.shape[0])
    if glyph_h < 4:
        return None, 0
    small = (heights <= 0.35 * glyph_h) & (widths <= 1.2 * glyph_h) & (heights >= 1)
    rule = (widths >= 3 * glyph_h) & (heights <= 0.3 * glyph_h)
    # per-label lookups as uint8 tables through np.take: one pass over the labels, not three
    dots = np.take(np.concatenate([[0], small.astype(np.uint8) * 255]).astype(np.uint8), np.asarray(labels, np.int32))
    gap = max(3, int(1.3 * glyph_h)) | 1
    runs = cv2.morphologyEx(dots, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    _, run_labels, run_stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    is_run = (run_stats[:, cv2.CC_STAT_WIDTH] >= 4 * glyph_h) & (run_stats[:, cv2.CC_STAT_HEIGHT] <= 0.6 * glyph_h)
    is_run[0] = False
    gone = np.concatenate([[False], rule])
    dot_ids = np.flatnonzero(small) + 1
    cx = centroids[dot_ids, 0].astype(int)
    cy = centroids[dot_ids, 1].astype(int)
    gone[dot_ids[is_run[run_labels[cy, cx]]]] = True
    if not gone.any():
        return None, 0
    return np.take(gone.astype(np.uint8) * 255, np.asarray(labels, np.int32)), int(is_run.sum() + rule.sum())


def text_size(binary: Image) -> float:
    """Typical glyph thickness in pixels (the smaller side of a letter's box, area-weighted median).

    The smaller side, so that it reads the same whether the page is upright or on
    its side, and whether blur has merged the letters of a word or not.
    Returns 0 when there is no text.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    if n <= 10:
        return 0.0
    sized = stats[1:].copy()
    sized[:, cv2.CC_STAT_HEIGHT] = np.minimum(sized[:, cv2.CC_STAT_WIDTH], sized[:, cv2.CC_STAT_HEIGHT])
    return glyph_height(sized, max(binary.shape[:2]))


def remove_leaders(binary: Image) -> tuple[Image, int]:
    """Erase dotted leaders and long thin rules from a binary page (black text on white).

    Args:
        binary: 0/255 image, text black.

    Returns:
        The cleaned image (a copy when something was erased) and how many runs were erased.
    """
    h, w = binary.shape[:2]
    work = binary
    if max(h, w) > _HALVE_ABOVE:
        work = cv2.resize(binary, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        work = cv2.threshold(work, 160, 255, cv2.THRESH_BINARY)[1]
    mask, count = _erase_mask(work)
    if mask is None:
        return binary, 0
    if mask.shape[:2] != (h, w):
        mask = cv2.resize(cv2.dilate(mask, np.ones((3, 3), np.uint8)), (w, h), interpolation=cv2.INTER_NEAREST)
    return cv2.max(binary, mask), count
