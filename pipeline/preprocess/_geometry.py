"""Page geometry: quarter-turn orientation, 0/180° orientation and skew, from the ink alone.

All estimates work on a small binary image (text = 255) so they cost milliseconds,
not a second tesseract pass. Horizontal text lines make the row projection of a
page alternate sharply between ink and gaps; that alternation is strongest when
the page is upright and unskewed, so one search over angles tells both the
quarter turn (rows vs columns) and the skew. Upside-down pages are told apart by
where the diacritics sit: Vietnamese writes most of them above the letters
(:func:`mark_ratio`); with too few of them, by where the ink sits around each
line's x-height band (ascenders and accents above, descenders below).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import cKDTree

from pipeline.preprocess._shrink import shrink
from pipeline.types import Image

#: long side of the working image for geometry estimates
WORK_SIZE = 900
#: long side of the image whose glyphs vote on the direction of the lines
GLYPH_SIZE = 1600


@dataclass(frozen=True)
class Geometry:
    """How a page lies: the clockwise turn that makes it upright, then the skew to undo.

    Attributes:
        rotation: 0, 90, 180 or 270 — degrees to turn the page clockwise.
        skew: degrees (counter-clockwise positive) the upright page is tilted.
        updown_ratio: ink above / below the x-height band (≫1 upright); 0 when unknown.
        confident: whether the 0/180 decision is clear.
    """

    rotation: int
    skew: float
    updown_ratio: float
    confident: bool


def work_image(binary: Image) -> tuple[Image, float]:
    """Downscale a binary page (text = 255) to ~WORK_SIZE on its long side."""
    h, w = binary.shape[:2]
    scale = min(1.0, WORK_SIZE / max(h, w))
    if scale < 1.0:
        small = shrink(binary, (max(1, int(w * scale)), max(1, int(h * scale))))
        _, small = cv2.threshold(small, 60, 255, cv2.THRESH_BINARY)
    else:
        small = binary
    return small, scale


def _rotate_small(img: Image, angle: float) -> Image:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)


def _profile_score(img: Image) -> float:
    rows = img.sum(axis=1, dtype=np.float64)
    total = rows.sum()
    if total <= 0:
        return 0.0
    rows /= total
    return float(np.square(np.diff(rows)).sum())


def _best_angle(img: Image, max_deg: float) -> tuple[float, float]:
    coarse = np.arange(-max_deg, max_deg + 0.01, 1.0)
    scores = [_profile_score(_rotate_small(img, a)) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 1.0, best + 1.01, 0.1)
    fine_scores = [_profile_score(_rotate_small(img, a)) for a in fine]
    i = int(np.argmax(fine_scores))
    return float(fine[i]), float(fine_scores[i])


def _gap_share(img: Image, max_skew: float) -> float:
    """Share of empty rows between the first and last inked row, at the best skew.

    Lines of text leave empty rows between them; across the lines (columns) there
    are hardly any, even when blur has merged letters into words.
    """
    angle, _ = _best_angle(img, max_skew)
    rows = _rotate_small(img, angle).sum(axis=1, dtype=np.float64)
    inked = np.flatnonzero(rows > 0)
    if len(inked) < 2:
        return 0.0
    span = rows[inked[0] : inked[-1] + 1]
    return float(np.count_nonzero(span < 0.02 * span.max())) / len(span)


def mark_ratio(binary: Image, *, size: int = 2000) -> float:
    """Marks above the letters over marks below them: ≫1 upright, ≪1 upside down, 1.0 when unknown.

    Vietnamese puts most of its diacritics above the letter (acute, grave, hook,
    tilde, circumflex, breve, and the dots of i and j) and only the dot of the
    heavy tone below, so small blobs sitting over a letter far outnumber those
    under one — on an upright page. Periods and commas sit beside letters, not
    over or under them, and do not count.
    """
    h, w = binary.shape[:2]
    scale = min(1.0, size / max(h, w))
    img = binary
    if scale < 1.0:
        img = cv2.resize(binary, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        _, img = cv2.threshold(img, 100, 255, cv2.THRESH_BINARY)
    _, _, stats, centroids = cv2.connectedComponentsWithStats(img, connectivity=8)
    keep = (stats[1:, cv2.CC_STAT_AREA] >= 2) & (stats[1:, cv2.CC_STAT_HEIGHT] < 0.05 * img.shape[0])
    stats, centroids = stats[1:][keep], centroids[1:][keep]
    if len(stats) < 40:
        return 1.0
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    k = min(5, len(stats))
    _, idx = cKDTree(centroids).query(centroids, k=k)
    # each blob's letter: the nearest neighbour at least three times its size
    bigger = area[idx[:, 1:]] >= 3 * area[:, None]
    has = bigger.any(axis=1)
    first = np.argmax(bigger, axis=1)
    base = idx[np.arange(len(idx)), 1 + first]
    x0, y0 = stats[base, 0], stats[base, 1]
    x1, y1 = x0 + stats[base, 2], y0 + stats[base, 3]
    cx, cy = centroids[:, 0], centroids[:, 1]
    near = np.hypot(cx - centroids[base, 0], cy - centroids[base, 1]) < 1.5 * stats[base, 3]
    over = has & near & (cx >= x0 - 1) & (cx <= x1 + 1) & (area < 0.3 * area[base])
    over &= ~_in_rows_of_dots(centroids, over, letter=float(np.median(stats[base[over], 3])) if over.any() else 0.0)
    fifth = 0.2 * (y1 - y0)
    above = int(np.count_nonzero(over & (cy < y0 + fifth)))
    below = int(np.count_nonzero(over & (cy > y1 - fifth)))
    if above + below < 5:
        return 1.0
    return (above + 1) / (below + 1)


def _in_rows_of_dots(centroids: np.ndarray, marks: np.ndarray, *, letter: float) -> np.ndarray:
    """Which marks belong to a row of dots (a leader printed under a value), not to one letter.

    Diacritics stand one to a syllable; leader dots stand several to a letter's
    width on one baseline.
    """
    out = np.zeros(len(centroids), bool)
    ids = np.flatnonzero(marks)
    if len(ids) < 3 or letter <= 0:
        return out
    pts = centroids[ids] * np.array([1.0, 6.0])  # a row is 6x stricter about height than about width
    counts = np.array([len(n) - 1 for n in cKDTree(pts).query_ball_point(pts, r=1.5 * letter)])
    out[ids[counts >= 2]] = True
    return out


def _updown_ratio(img: Image) -> float:
    """Ink above the x-height band over ink below it, summed over the text lines."""
    rows = img.sum(axis=1, dtype=np.float64) / 255.0
    if rows.max() <= 0:
        return 0.0
    on = rows > max(2.0, 0.04 * rows.max())
    above = below = 0.0
    y, n = 0, len(rows)
    while y < n:
        if not on[y]:
            y += 1
            continue
        start = y
        while y < n and on[y]:
            y += 1
        band = rows[start:y]
        if len(band) < 4:
            continue
        core = np.flatnonzero(band >= 0.5 * band.max())
        top, bottom = int(core[0]), int(core[-1])
        above += float(band[:top].sum())
        below += float(band[bottom + 1 :].sum())
    if below <= 0:
        return 10.0 if above > 0 else 0.0
    return above / below


@dataclass(frozen=True)
class _Links:
    """What the glyphs' nearest-neighbour links say about the lines of text."""

    across_over_down: float  # ≫1: lines run across the image; ≪1: they run down it
    across_angle: float  # median slope of the across links, degrees (y down)
    down_angle: float  # median slope of the down links, measured from vertical, degrees


def glyph_links(binary: Image) -> _Links | None:
    """Link every glyph to its nearest neighbours and read the direction and slope of the lines.

    Letters sit closer together than lines do, so a glyph's nearest neighbours lie
    on its own line: the share of links running across versus down tells the
    direction of the lines, whatever the margins and rules look like, and the
    median slope of those links is the skew, give or take a few tenths of a degree.
    Returns ``None`` when there are too few glyphs to tell.
    """
    h, w = binary.shape[:2]
    scale = min(1.0, GLYPH_SIZE / max(h, w))
    img = binary
    if scale < 1.0:
        img = cv2.resize(binary, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        _, img = cv2.threshold(img, 100, 255, cv2.THRESH_BINARY)
    n, _, stats, centroids = cv2.connectedComponentsWithStats(img, connectivity=8)
    if n < 30:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    sides = stats[1:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]].max(axis=1)
    median = float(np.median(areas))
    # glyphs: not specks or diacritics (small), not rules, photos or blocks (large)
    keep = (areas >= 0.35 * median) & (areas <= 8 * median) & (sides < 0.06 * max(img.shape))
    pts = centroids[1:][keep]
    if len(pts) < 20:
        return None
    _, idx = cKDTree(pts).query(pts, k=3)
    vec = (pts[idx[:, 1:]] - pts[:, None, :]).reshape(-1, 2)
    angle = np.degrees(np.arctan2(np.abs(vec[:, 1]), np.abs(vec[:, 0])))
    across, down = angle < 30, angle > 60
    # signed slopes, with every link pointed rightwards (across) or downwards (down)
    flip = np.where(vec[:, 0] < 0, -1.0, 1.0)[:, None]
    right = vec * flip
    slope = np.degrees(np.arctan2(right[:, 1], right[:, 0]))
    flip_down = np.where(vec[:, 1] < 0, -1.0, 1.0)[:, None]
    downward = vec * flip_down
    tilt = np.degrees(np.arctan2(-downward[:, 0], downward[:, 1]))
    return _Links(
        across_over_down=(float(across.sum()) + 1) / (float(down.sum()) + 1),
        across_angle=float(np.median(slope[across])) if across.any() else 0.0,
        down_angle=float(np.median(tilt[down])) if down.any() else 0.0,
    )


def line_direction(binary: Image) -> float:
    """≫1 when the text lines run across the image, ≪1 when they run down it, 1.0 when unknown."""
    links = glyph_links(binary)
    return links.across_over_down if links is not None else 1.0


def _refine_angle(img: Image, guess: float, max_deg: float) -> float:
    """The angle near ``guess`` that makes the row profile sharpest (two rounds of search)."""
    best = guess
    for half, step in ((1.5, 0.25), (0.25, 0.05)):
        angles = np.arange(best - half, best + half + step / 2, step)
        angles = angles[np.abs(angles) <= max_deg + 0.5]
        if len(angles) == 0:
            break
        scores = [_profile_score(_rotate_small(img, a)) for a in angles]
        best = float(angles[int(np.argmax(scores))])
    return best


def estimate_geometry(binary: Image, *, max_skew: float = 15.0, detect_orientation: bool = True) -> Geometry:
    """Estimate the turn and skew of a binary page (text = 255).

    Args:
        binary: the page, text white on black, any size.
        max_skew: the largest skew searched, in degrees.
        detect_orientation: when False, assume the page is upright and only find skew.

    Returns:
        The :class:`Geometry` of the page.
    """
    small, _ = work_image(binary)
    if small.sum() == 0:
        return Geometry(0, 0.0, 0.0, True)
    links = glyph_links(binary)
    quarter, guess = 0, 0.0
    if links is not None:
        guess = links.across_angle
        sideways = links.across_over_down < 0.67
        if detect_orientation and 0.67 <= links.across_over_down <= 1.5:
            # blur merged letters into words: let the gaps between lines decide
            sideways = _gap_share(cv2.rotate(small, cv2.ROTATE_90_CLOCKWISE), max_skew) > _gap_share(small, max_skew)
        if detect_orientation and sideways:
            # the page lies on its side; turned clockwise, its down links become across links
            small, quarter, guess = cv2.rotate(small, cv2.ROTATE_90_CLOCKWISE), 90, links.down_angle
    guess = float(np.clip(guess, -max_skew, max_skew))
    skew = _refine_angle(small, guess, max_skew) if links is not None else _best_angle(small, max_skew)[0]
    if not detect_orientation:
        return Geometry(rotation=0, skew=skew, updown_ratio=0.0, confident=True)
    marks = mark_ratio(rotate_quarter(binary, quarter))
    if marks > 1.5 or marks < 0.67:  # the diacritics tell
        ratio, confident = marks, True
    else:  # too few marks (a card back, an English page): the ink around the lines' cores tells
        ratio = _updown_ratio(_rotate_small(small, skew) if abs(skew) > 0.05 else small)
        confident = ratio > 1.35 or 0 < ratio < 0.74
    flip = 0 < ratio < 1.0
    rotation = (quarter + (180 if flip else 0)) % 360
    # the skew of the flipped page has the same magnitude and sign in image terms
    return Geometry(rotation=rotation, skew=skew, updown_ratio=ratio, confident=confident)


def rotate_quarter(img: Image, rotation: int) -> Image:
    """Turn an image clockwise by 0/90/180/270 degrees (lossless)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return img if rotation % 360 == 0 else cv2.rotate(img, codes[rotation % 360])


def deskew(img: Image, angle: float, *, border: int | tuple[int, int, int] = 255) -> Image:
    """Rotate an image by ``angle`` degrees (counter-clockwise positive) about its centre, same size."""
    if abs(angle) < 0.05:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    value: tuple[int, ...] = (border,) * 3 if isinstance(border, int) else border
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=value)
