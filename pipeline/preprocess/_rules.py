"""Dotted leaders and ruled lines, taken off the binary page before OCR.

Forms print a label, its value, then a run of dots or a rule to the margin
("Họ tên: NGÔ NHƯ GIANG ......"). Tesseract reads such runs as letters and
often takes the value next to them down with it. A leader is a row of small
blobs — dots or short dashes — evenly lined up on one baseline; a rule is one
long, thin blob. Both are erased; single dots (in dates, after "Số", the
dot below a Vietnamese vowel) never form such a row and stay.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.types import Image


def _glyph_height(stats: np.ndarray, page_height: int) -> float:
    """Typical letter height: the area-weighted median height, so specks and dots barely count."""
    heights = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    keep = heights < 0.08 * page_height
    if not keep.any():
        return 0.0
    order = np.argsort(heights[keep])
    cum = np.cumsum(areas[keep][order])
    return float(heights[keep][order][np.searchsorted(cum, cum[-1] / 2)])


def remove_leaders(binary: Image) -> tuple[Image, int]:
    """Erase dotted leaders and long thin rules from a binary page (black text on white).

    Args:
        binary: 0/255 image, text black.

    Returns:
        The cleaned image (a copy when something was erased) and how many runs were erased.
    """
    inv = 255 - binary
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(inv, connectivity=8)
    if n < 20:
        return binary, 0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    glyph_h = _glyph_height(stats[1:], binary.shape[0])
    if glyph_h < 6:
        return binary, 0
    small = (heights <= 0.35 * glyph_h) & (widths <= 1.2 * glyph_h) & (heights >= 1)
    rule = (widths >= 3 * glyph_h) & (heights <= 0.3 * glyph_h)
    dots = np.zeros_like(inv)
    ids = np.flatnonzero(small) + 1
    dots[np.isin(labels, ids)] = 255
    gap = max(3, int(1.3 * glyph_h)) | 1
    runs = cv2.morphologyEx(dots, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    rn, run_labels, run_stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    wide = run_stats[:, cv2.CC_STAT_WIDTH] >= 4 * glyph_h
    flat = run_stats[:, cv2.CC_STAT_HEIGHT] <= 0.6 * glyph_h
    long_runs = {i for i in range(1, rn) if wide[i] and flat[i]}
    erase = set((np.flatnonzero(rule) + 1).tolist())
    for i in ids:
        cx, cy = centroids[i]
        if run_labels[int(cy), int(cx)] in long_runs:
            erase.add(int(i))
    if not erase:
        return binary, 0
    out = binary.copy()
    out[np.isin(labels, list(erase))] = 255
    return out, len(long_runs) + int(rule.sum())
