"""Find a sheet by its straight edges, when its colour does not stand out from the desk.

A white sheet on a light table, or on wood with light stripes, is not a region
of its own colour, but its four sides are still long straight edges. Lines are
found with a probabilistic Hough transform on the text-free grey image; every
choice of a top, bottom, left and right line is scored by how much of the
resulting outline lies on edges and how large it is, and the best one wins.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.types import Image

Segment = tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]

#: lines kept per side before trying every combination
_PER_SIDE = 5


def _lines(gray: Image) -> list[Segment]:
    smooth = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    smooth = cv2.GaussianBlur(smooth, (5, 5), 0)
    med = float(np.median(smooth))
    edges = cv2.Canny(smooth, max(10.0, 0.33 * med * 0.5), max(30.0, 0.66 * med))
    h, w = gray.shape
    found = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=50, minLineLength=int(0.2 * min(h, w)),
                            maxLineGap=int(0.03 * max(h, w)))
    if found is None:
        return []
    return [(np.array(seg[:2], np.float32), np.array(seg[2:], np.float32)) for seg in found.reshape(-1, 4)]


def _angle(seg: Segment) -> float:
    d = seg[1] - seg[0]
    return float(np.degrees(np.arctan2(d[1], d[0]))) % 180.0


def intersect(a: Segment, b: Segment) -> npt.NDArray[np.float32] | None:
    """Where the lines through two segments cross; ``None`` when they are parallel."""
    (p1, p2), (p3, p4) = a, b
    d1, d2 = p2 - p1, p4 - p3
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-6:
        return None
    t = ((p3[0] - p1[0]) * d2[1] - (p3[1] - p1[1]) * d2[0]) / den
    point: npt.NDArray[np.float32] = (p1 + t * d1).astype(np.float32)
    return point


def _support(quad: npt.NDArray[np.float32], dist_to_edge: Image) -> float:
    h, w = dist_to_edge.shape
    hits = total = 0
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        for t in np.linspace(0.05, 0.95, 24):
            x, y = (a + (b - a) * t).round().astype(int)
            if 0 <= x < w and 0 <= y < h:
                total += 1
                hits += dist_to_edge[y, x] <= 3
    return hits / max(total, 1) if total >= 40 else 0.0


def _longest(segments: list[Segment]) -> list[Segment]:
    return sorted(segments, key=lambda s: -float(np.linalg.norm(s[1] - s[0])))[:_PER_SIDE]


def find_sheet_by_edges(small: Image, *, min_area: float = 0.2) -> npt.NDArray[np.float32] | None:
    """Corners (TL, TR, BR, BL) of the sheet in ``small`` (a reduced BGR image), or ``None``."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    h, w = gray.shape
    segments = _lines(gray)
    if len(segments) < 3:
        return None
    horizontal = [s for s in segments if _angle(s) < 35 or _angle(s) > 145]
    vertical = [s for s in segments if 55 < _angle(s) < 125]
    def mid(s: Segment) -> npt.NDArray[np.float32]:
        return ((s[0] + s[1]) / 2).astype(np.float32)

    tops = _longest([s for s in horizontal if mid(s)[1] < h * 0.6])
    bottoms = _longest([s for s in horizontal if mid(s)[1] > h * 0.4])
    lefts = _longest([s for s in vertical if mid(s)[0] < w * 0.6])
    rights = _longest([s for s in vertical if mid(s)[0] > w * 0.4])

    def seg(x0: float, y0: float, x1: float, y1: float) -> Segment:
        return (np.array([x0, y0], np.float32), np.array([x1, y1], np.float32))

    frame = {"top": seg(0, 0, w - 1, 0), "bottom": seg(0, h - 1, w - 1, h - 1),
             "left": seg(0, 0, 0, h - 1), "right": seg(w - 1, 0, w - 1, h - 1)}
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 20, 60)
    dist_to_edge = cv2.distanceTransform(255 - edges, cv2.DIST_L2, 3)
    best, best_score = None, 0.0
    options = [tops or [frame["top"]], rights or [frame["right"]], bottoms or [frame["bottom"]],
               lefts or [frame["left"]]]
    for top, right, bottom, left in itertools.product(*options):
        corners = [intersect(left, top), intersect(top, right), intersect(right, bottom), intersect(bottom, left)]
        if any(c is None for c in corners):
            continue
        quad = np.array(corners, np.float32)
        area = cv2.contourArea(quad) / float(h * w)
        if area < min_area or area > 1.3 or not cv2.isContourConvex(quad.astype(np.int32)):
            continue
        score = _support(quad, dist_to_edge) * min(1.0, area / 0.5) ** 0.5
        if score > best_score:
            best, best_score = quad, score
    return best if best_score >= 0.45 else None
