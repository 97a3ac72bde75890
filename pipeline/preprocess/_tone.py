"""Tone: coloured marks, uneven light, noise and binarization.

Everything here turns the colour page into the grey and binary images OCR reads;
the colour image kept for the archive is never changed by these steps.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess._shrink import shrink
from pipeline.types import Image


def to_gray(color: Image, *, drop_marks: bool = True) -> Image:
    """Grey for OCR; seals and signatures in red or blue ink are lifted out.

    A red seal stamped over text hides the text in plain luminance. Inside the
    blobs of saturated red or blue ink that are shaped like a seal or a signature
    — roundish, 12 to 90 mm across, with what their outline encloses — the grey
    value is the brightest channel,
    which turns the ink almost white while black text under it stays black; the
    mark's hull is then smoothed (3-px median) so its grain leaves no specks.
    Coloured titles and borders are long and thin, and are kept.

    Args:
        color: BGR or already grey image.
        drop_marks: lift seal-like and signature-like coloured blobs.
    """
    if color.ndim == 2:
        return color
    gray = cv2.cvtColor(color, cv2.COLOR_BGR2GRAY)
    if not drop_marks:
        return gray
    h, w = gray.shape
    f = 4  # find the blobs on a quarter-size image, lift the ink at full size
    small = shrink(color, (max(1, w // f), max(1, h // f)))
    mask = _mark_mask(small)
    if cv2.countNonZero(mask) < 20:
        return gray
    mm = max(small.shape[:2]) / 297.0  # pixels per mm, taking the page for A4
    # wide kernel: the words of a coloured title merge into one long line
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(8 * mm)) | 1, max(3, int(2 * mm)) | 1))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(mask, kernel), connectivity=8)
    lifted = gray
    for i in range(1, n):
        x, y, bw, bh, _area = (int(v) for v in stats[i])
        long_side, short_side = max(bw, bh), min(bw, bh)
        if long_side / max(1, short_side) > 3.0 or short_side < 12 * mm or long_side > 90 * mm:
            continue  # a line of coloured text, a border, or a speck: keep it
        if lifted is gray:
            lifted = gray.copy()
        # the blob's filled hull: a seal's inner text and star go with its ring
        own = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8)
        hull = cv2.convexHull(cv2.findNonZero(own))
        own = cv2.dilate(cv2.fillConvexPoly(own, hull, 1), np.ones((5, 5), np.uint8))
        blob = cv2.resize(own, (bw * f, bh * f), interpolation=cv2.INTER_NEAREST)
        ys, xs = slice(y * f, y * f + blob.shape[0]), slice(x * f, x * f + blob.shape[1])
        part = color[ys, xs]
        blob = blob[: part.shape[0], : part.shape[1]]
        hsv = cv2.cvtColor(part, cv2.COLOR_BGR2HSV)
        sel = (_marks_in(hsv, min_sat=LIFT_SAT) > 0) & (blob > 0)
        b, g, r = cv2.split(part)
        brightest = cv2.max(cv2.max(b, g), r)
        strict = (_marks_in(hsv) > 0) & (blob > 0)
        # the ink's own brightest channel is the paper's white: a dark red seal's red channel is ~180,
        # which a threshold near 150 breaks into specks (a ring of specks that tesseract reads as
        # text, and that joins the text beside the seal into one block); black text under it stays dark
        ref = float(np.percentile(brightest[strict], 50)) if strict.any() else 255.0
        lifted[ys, xs][sel] = np.clip(brightest[sel] * (255.0 / max(ref, 64.0)), 0, 255).astype(np.uint8)
        # the lifted ink keeps the sensor's grain, which a threshold turns into specks that tesseract reads as
        # words beside the text (the notice's seal through heavy noise: "Lữ VU VN", "SA Ị"): smoothed, in the
        # mark's hull only
        inside = blob > 0
        lifted[ys, xs][inside] = cv2.medianBlur(np.ascontiguousarray(lifted[ys, xs]), 3)[inside]
    return lifted


#: saturation above which a pixel inside a seal or signature is taken as its ink when lifting it: lower than
#: the detection's own, so the paler edges of the strokes (and JPEG's washed colours) go too
LIFT_SAT = 40


def _mark_mask(color: Image, *, min_sat: int = 70) -> Image:
    """Saturated red or blue ink (seals, signatures) as 255."""
    return _marks_in(cv2.cvtColor(color, cv2.COLOR_BGR2HSV), min_sat=min_sat)


def _marks_in(hsv: Image, *, min_sat: int = 70) -> Image:
    """:func:`_mark_mask` of an image already in HSV (a seal's region is tested at two saturations)."""
    hue, sat, val = cv2.split(hsv)
    inked = (sat > min_sat) & (val > 60)
    red_or_blue = (hue < 12) | (hue > 160) | ((hue > 95) & (hue < 135))
    return (inked & red_or_blue).astype(np.uint8) * 255


def even_light(gray: Image, *, min_spread: float = 0.0) -> Image:
    """Divide out the background (shadow, uneven lamp) so paper reads white everywhere.

    ``min_spread``: a page whose background varies by less than this many grey levels (2nd to 98th
    percentile) is evenly lit already and is returned as it is (``gray`` itself).
    """
    h, w = gray.shape
    scale = 400.0 / max(h, w)
    small = shrink(gray, (max(1, int(w * scale)), max(1, int(h * scale))))
    k = max(3, int(max(small.shape) / 25) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    bg = cv2.medianBlur(bg, 5)
    if min_spread > 0:
        low, high = np.percentile(bg, (2, 98))
        if high - low < min_spread:
            return gray
    bg = cv2.resize(np.maximum(bg, 1), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, bg, scale=255.0)


def noise_level(gray: Image) -> float:
    """Rough noise estimate: spread of the Laplacian over the page (robust MAD)."""
    lap = cv2.Laplacian(gray, cv2.CV_16S, ksize=3)
    sample = np.abs(lap[::4, ::4].astype(np.int32))
    return float(np.float32(median_of_counts(np.bincount(sample.ravel()))) * 1.4826)  # in float32, as it was


def median_u8(img: Image) -> float:
    """``np.median`` of a uint8 image, the same value, from its histogram.

    A full page's sample has half a million pixels: sorting them (what ``np.median``
    does) costs 3 ms each time, counting them a tenth of that.
    """
    hist = cv2.calcHist([np.ascontiguousarray(img)], [0], None, [256], [0, 256]).ravel()
    return median_of_counts(hist)


def median_of_counts(hist: np.ndarray, values: np.ndarray | None = None) -> float:
    """The median of a sample given as counts per value (``values``, ascending; default 0, 1, 2 …).

    As ``np.median``: the middle value, or the mean of the two middle values when the count is even.
    """
    counts = np.cumsum(np.asarray(hist, dtype=np.int64))
    total = int(counts[-1])
    if total == 0:
        return float("nan")
    vals = np.arange(len(counts), dtype=np.float64) if values is None else np.asarray(values, np.float64)
    upper = float(vals[np.searchsorted(counts, total // 2, side="right")])
    if total % 2:
        return upper
    lower = float(vals[np.searchsorted(counts, total // 2 - 1, side="right")])
    return (lower + upper) / 2


def denoise(gray: Image, *, level: float, fine: bool = False) -> Image:
    """Remove speckle and grain when the page is noisy; leave clean pages alone.

    ``fine``: the letters are small, and a 3-px median is as wide as the strokes of their marks (it takes
    the hooks off "ể", "ẩ"): the median runs on the page at twice its size instead, half as wide.
    """
    if level < 4.0:
        return gray
    if not fine:
        return cv2.medianBlur(gray, 3)
    h, w = gray.shape
    big = cv2.resize(gray, (2 * w, 2 * h), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(cv2.medianBlur(big, 3), (w, h), interpolation=cv2.INTER_AREA)


def sharpen(gray: Image, *, sigma: float = 2.0, amount: float = 1.5) -> Image:
    """Unsharp mask: strokes blurred by a camera and by enlargement get their edges back."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1 + amount, blurred, -amount, 0)


def ink_threshold(gray: Image) -> float:
    """Otsu's threshold, kept clear of the paper's own grain.

    On a page with hardly any ink (a blank or separator sheet), Otsu splits the
    paper's noise in two and the page comes out as a field of specks that
    tesseract can spend minutes on. The threshold therefore stays several noise
    widths below the paper level.
    """
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    hist = cv2.calcHist([np.ascontiguousarray(gray[::4, ::4])], [0], None, [256], [0, 256]).ravel()
    paper = median_of_counts(hist)
    # the median distance from the paper level, from the same counts: each grey value's distance, in order
    distance = np.abs(np.arange(256, dtype=np.float64) - paper)
    order = np.argsort(distance, kind="stable")
    grain = median_of_counts(hist[order], distance[order]) * 1.4826
    return min(float(otsu), paper - 6.0 * grain - 12.0)


def binarize(gray: Image, *, level: float | None = None) -> Image:
    """Black text on white (0/255) on the light-evened grey, specks removed.

    ``level`` is the ink threshold when the caller has it already (else :func:`ink_threshold`).
    """
    _, out = cv2.threshold(gray, ink_threshold(gray) if level is None else level, 255, cv2.THRESH_BINARY)
    return despeckle(out)


def despeckle(binary: Image, *, max_area: int = 3, min_count: int = 3000) -> Image:
    """Remove isolated specks of a few pixels when a page is full of them (noise, not diacritics).

    Vietnamese dots and marks are tens of pixels at 300 dpi; specks of one to
    three pixels by the thousand are sensor noise or JPEG dirt.
    """
    ink = cv2.threshold(binary, 254, 255, cv2.THRESH_BINARY_INV)[1]
    # a pixel of a speck has fewer than max_area ink neighbours: fewer such pixels than
    # ``min_count`` means fewer specks, without labelling the page
    crowd = cv2.boxFilter(ink // 255, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    lonely = cv2.threshold(crowd, max_area, 255, cv2.THRESH_BINARY_INV)[1]
    if cv2.countNonZero(cv2.bitwise_and(lonely, ink)) < min_count:
        return binary
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tiny = stats[:, cv2.CC_STAT_AREA] <= max_area
    tiny[0] = False
    if int(tiny.sum()) < min_count:
        return binary
    return cv2.max(binary, tiny[labels].astype(np.uint8) * 255)


def masked_grey(gray: Image, binary: Image, *, level: float, reach: int, paper_from: float = 0.8) -> Image:
    """The grey image for OCR: levels stretched, and white wherever the binary image has no ink near.

    Tesseract's recognizer reads grey levels when it is given them, and a soft
    stroke or a faint diacritic that a global threshold broke or dropped is
    still there in grey. The grey is stretched so that the ink threshold sits
    mid-range and anything lighter than ``paper_from`` of the way from it to the
    paper is white (paper grain, a card's background pattern); ``level`` is the
    threshold ``binary`` was made with (:func:`ink_threshold`). Farther than
    ``reach`` pixels from the ink the binary image kept, everything is white
    (shadow edges, noise); so are leaders, rules and specks the binary image erased.
    """
    ink = 255 - binary
    # a square reach, not a disc: OpenCV dilates by a rectangle in two 1-D passes (4 ms on a 300-dpi page, 26 ms
    # by a disc), and the corners it adds lie far from any stroke
    near = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    erased = cv2.dilate(cv2.bitwise_and(ink_at(gray, level), binary), np.ones((3, 3), np.uint8))
    paper = median_u8(gray[::4, ::4])
    hi = level + paper_from * (paper - level)
    lo = max(0.0, 2 * level - hi)
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * (255.0 / max(hi - lo, 1.0)), 0, 255).astype(np.uint8)
    # white where no ink is near or where ink was erased: both masks are 0/255, and the brightest of the
    # grey and the mask is that grey with the masked pixels white (OpenCV's passes, not numpy's boolean
    # indexing: 4 ms on a 300-dpi page instead of 20)
    white = cv2.bitwise_or(cv2.threshold(near, 0, 255, cv2.THRESH_BINARY_INV)[1], erased)
    return cv2.max(cv2.LUT(gray, lut), white)


def ink_at(gray: Image, level: float) -> Image:
    """Pixels darker than ``level`` as 255 on 0."""
    return cv2.threshold(gray, level, 255, cv2.THRESH_BINARY_INV)[1]


def ink_mask(gray: Image) -> Image:
    """Text pixels as 255 on 0, for geometry estimates."""
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return out


def is_blank(binary: Image) -> bool:
    """Whether a binary page (black text on white) holds no text worth reading."""
    if max(binary.shape) > 2000:  # glyphs survive halving; the count costs a quarter
        binary = cv2.resize(binary, (binary.shape[1] // 2, binary.shape[0] // 2), interpolation=cv2.INTER_AREA)
        binary = cv2.threshold(binary, 200, 255, cv2.THRESH_BINARY)[1]
    h, w = binary.shape
    inv = 255 - binary
    inv[: h // 50] = 0
    inv[-(h // 50) :] = 0
    inv[:, : w // 50] = 0
    inv[:, -(w // 50) :] = 0
    if cv2.countNonZero(inv) < 0.0008 * h * w:
        return True
    min_side = max(h, w) / 400
    # a page of text has its fifteen letters in a band across its middle already: labelling a quarter of the
    # page answers for most pages, and only the rest are labelled whole (the same answer either way)
    top, bottom = 3 * h // 8, 5 * h // 8
    if _letters(inv[top:bottom], min_side, whole=False) >= BLANK_LETTERS:
        return False
    return _letters(inv, min_side, whole=True) < BLANK_LETTERS


#: a page with fewer letter-sized blobs than this is blank
BLANK_LETTERS = 15


def _letters(ink: Image, min_side: float, *, whole: bool) -> int:
    """Blobs of ``ink`` at least ``min_side`` wide and tall; in a band of a page (``whole`` False), only those
    that touch neither its top nor its bottom row, which are whole blobs of the page too."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    sized = (stats[:, cv2.CC_STAT_WIDTH] >= min_side) & (stats[:, cv2.CC_STAT_HEIGHT] >= min_side)
    if not whole:
        y0, y1 = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT]
        sized &= (y0 > 0) & (y1 < ink.shape[0])
    return int(np.count_nonzero(sized))
