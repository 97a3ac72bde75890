"""Find the document on a scanner bed or a desk, and flatten it.

ID cards lie small on an A4 bed; phone photos show the sheet in perspective on
a desk. Both look the same from here: a solid region whose colour differs from
the background around the image border. A text block on a full-page scan does
not qualify, because only a small share of its pixels differ from the paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.preprocess._edges import find_sheet_by_edges, intersect
from pipeline.preprocess._shrink import shrink
from pipeline.types import Image

_WORK = 640
#: (long side / short side, name, long side mm, short side mm)
_FORMATS: tuple[tuple[float, str, float, float], ...] = (
    (1.586, "id_card", 85.6, 53.98),
    (1.414, "a4", 297.0, 210.0),
    (1.294, "letter", 279.4, 215.9),
)


@dataclass(frozen=True)
class Sheet:
    """A document found in the image.

    Attributes:
        quad: its four corners in image pixels, ordered TL, TR, BR, BL.
        kind: the paper format its shape matches (``id_card``, ``a4`` …) or ``other``.
        size_mm: its physical size (width, height) guessed from the format.
        area_ratio: its area over the image's.
        aspect: its true width over height, seen through a camera (0 when not estimated).
    """

    quad: npt.NDArray[np.float32]
    kind: str
    size_mm: tuple[float, float]
    area_ratio: float
    aspect: float = 0.0


def _order(pts: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def _background_distance(small: Image) -> Image:
    """How far each pixel's colour is from the background's (desk, scanner lid), scaled to 0–255.

    The background colour comes from the image border; when the sheet runs off
    the frame, part of the border is paper, so the border colours are split in
    two and the cluster farther from the centre of the image is taken.
    """
    h, w = small.shape[:2]
    b = max(3, min(h, w) // 40)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    border = np.concatenate(
        [lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3), lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)]
    )
    centre = np.median(lab[h * 2 // 5 : h * 3 // 5, w * 2 // 5 : w * 3 // 5].reshape(-1, 3), axis=0)
    bg = np.median(border, axis=0)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    cv2.setRNGSeed(0)  # same image, same answer
    _, labels, centers = cv2.kmeans(border, 2, None, criteria, 2, cv2.KMEANS_PP_CENTERS)  # type: ignore[call-overload]
    shares = np.bincount(labels.ravel(), minlength=2) / len(labels)
    far = int(np.argmax(np.linalg.norm(centers - centre, axis=1)))
    if shares[far] >= 0.35:  # a real second background (desk beside a sheet cut by the frame), not a strip
        bg = centers[far]
    dist: Image = np.clip(np.linalg.norm(lab - bg, axis=2) * 4, 0, 255).astype(np.uint8)
    return dist


def _on_frame(p: npt.NDArray[np.float32], q: npt.NDArray[np.float32], w: int, h: int, tol: float = 3.0) -> bool:
    """Whether the segment p–q runs along the image border (the sheet is cut by the frame there)."""
    return bool(
        (p[0] <= tol and q[0] <= tol) or (p[1] <= tol and q[1] <= tol)
        or (p[0] >= w - 1 - tol and q[0] >= w - 1 - tol) or (p[1] >= h - 1 - tol and q[1] >= h - 1 - tol)
    )


def _quad_from_contour(cnt: Image, w: int, h: int) -> npt.NDArray[np.float32] | None:
    """The sheet's four corners from its outline, also when the frame cuts a corner or a side off.

    The outline's straight sides that do not run along the image border are the
    sheet's own edges; the four longest, extended and intersected, give the
    corners, which may lie outside the image.
    """
    hull = cv2.convexHull(cnt)
    peri = cv2.arcLength(hull, True)
    approx = cv2.approxPolyDP(hull, 0.015 * peri, True).reshape(-1, 2).astype(np.float32)
    n = len(approx)
    if n < 3:
        return None
    edges = [(approx[i], approx[(i + 1) % n]) for i in range(n)]
    own = [e for e in edges if not _on_frame(e[0], e[1], w, h)]
    framed = [e for e in edges if _on_frame(e[0], e[1], w, h)]
    own.sort(key=lambda e: -float(np.linalg.norm(e[1] - e[0])))
    chosen = own[:4]
    if len(chosen) < 4:
        framed.sort(key=lambda e: -float(np.linalg.norm(e[1] - e[0])))
        chosen += framed[: 4 - len(chosen)]
    if len(chosen) < 4:
        return None
    centre = approx.mean(axis=0)
    chosen.sort(key=lambda e: float(np.arctan2(*(((e[0] + e[1]) / 2 - centre)[::-1]))))
    corners = [intersect(chosen[i], chosen[(i + 1) % 4]) for i in range(4)]
    if any(c is None for c in corners):
        return None
    quad = np.array(corners, np.float32)
    margin = 0.25 * max(w, h)
    if quad[:, 0].min() < -margin or quad[:, 1].min() < -margin or quad[:, 0].max() > w + margin \
            or quad[:, 1].max() > h + margin:
        return None
    return quad


def true_aspect(quad: npt.NDArray[np.float32], centre: tuple[float, float]) -> float:
    """Width over height of the real rectangle seen as ``quad`` (TL, TR, BR, BL) through a pinhole camera.

    Perspective makes a sheet's sides look longer or shorter than they are, so
    the quad's own side ratio cannot tell an A4 page (1.41) from an ID card
    (1.59) in a photo. Assuming square pixels and the principal point at the
    image centre, the rectangle's true aspect follows from the four corners
    alone (Zhang and He, "Whiteboard scanning and image enhancement", 2007).
    Falls back to the plain side ratio when the view is nearly frontal.
    """
    tl, tr, br, bl = (np.array([p[0], p[1], 1.0]) for p in quad.astype(np.float64))
    m1, m2, m3, m4 = tl, tr, bl, br
    k2 = np.dot(np.cross(m1, m4), m3) / np.dot(np.cross(m2, m4), m3)
    k3 = np.dot(np.cross(m1, m4), m2) / np.dot(np.cross(m3, m4), m2)
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1
    plain = float(np.hypot(*(tr - tl)[:2]) + np.hypot(*(br - bl)[:2])) / max(
        1e-6, float(np.hypot(*(bl - tl)[:2]) + np.hypot(*(br - tr)[:2])))
    if abs(n2[2]) < 1e-6 or abs(n3[2]) < 1e-6:
        return plain
    u0, v0 = centre
    f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 * u0)
           + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 * v0)) / (n2[2] * n3[2])
    size = 2 * max(u0, v0)
    if not (0.3 * size) ** 2 <= f2 <= (4 * size) ** 2:
        return plain  # no phone lens fits these corners: not a camera's view of a rectangle
    a_inv = np.linalg.inv(np.array([[np.sqrt(f2), 0, u0], [0, np.sqrt(f2), v0], [0, 0, 1.0]]))
    q = a_inv.T @ a_inv
    ratio = float(np.sqrt((n2 @ q @ n2) / (n3 @ q @ n3)))
    return ratio if np.isfinite(ratio) and ratio > 0 else plain


def _format_of(quad: npt.NDArray[np.float32],
               centre: tuple[float, float] | None = None) -> tuple[str, tuple[float, float]]:
    """The paper format whose proportions the quad has; with ``centre``, seen through a camera."""
    tl, tr, br, bl = quad
    w = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h = float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    if centre is not None:
        w = true_aspect(quad, centre) * h
    ratio = max(w, h) / max(1.0, min(w, h))
    for target, name, long_mm, short_mm in _FORMATS:
        if abs(ratio - target) / target < 0.06:
            return name, ((long_mm, short_mm) if w >= h else (short_mm, long_mm))
    return "other", (float(w), float(h))


def find_sheets(color: Image, *, min_area: float = 0.05, max_area: float = 0.93, limit: int = 4,
                by_edges: bool = False) -> list[Sheet]:
    """Find the documents lying on a background (scanner bed, desk), largest first.

    Args:
        color: BGR image.
        min_area: smallest share of the image a document may cover.
        max_area: above this share the document fills the image: nothing to crop.
        limit: most documents returned (an ID card's front and back share one bed).
        by_edges: look for the sheet by its straight edges first (phone photos, also on
            light desks), then by colour; off for flatbed scans, whose forms have long ruled
            lines of their own.

    Returns:
        The sheets found; empty when the image is the document itself.
    """
    if color.ndim != 3:
        return []
    h, w = color.shape[:2]
    scale = _WORK / max(h, w)
    small = shrink(color, (max(1, int(w * scale)), max(1, int(h * scale))))
    sheets: list[Sheet] = []
    if by_edges:
        quad = find_sheet_by_edges(small)
        if quad is not None:
            quad = _order(quad)
            kind, size_mm = _format_of(quad, (small.shape[1] / 2, small.shape[0] / 2))
            sheets = [Sheet(quad=quad, kind=kind, size_mm=size_mm,
                            area_ratio=float(cv2.contourArea(quad)) / (small.shape[0] * small.shape[1]),
                            aspect=true_aspect(quad, (small.shape[1] / 2, small.shape[0] / 2)))]
    if not sheets:
        sheets = _by_colour(small, min_area=min_area, max_area=max_area, limit=limit)
    return [Sheet(quad=s.quad / scale, kind=s.kind, size_mm=s.size_mm, area_ratio=s.area_ratio, aspect=s.aspect)
            for s in sheets]


def _flat_light(small: Image) -> Image:
    """Divide out uneven light per channel with a wide median, which ignores sheets smaller than half its window."""
    k = min(255, max(3, int(0.6 * min(small.shape[:2]))) | 1)
    bg = cv2.medianBlur(small, k)
    return cv2.divide(small, np.maximum(bg, 1), scale=200.0)


def _by_colour(small: Image, *, min_area: float, max_area: float, limit: int) -> list[Sheet]:
    """Sheets by colour, looked for three ways until one finds a known paper format.

    First Otsu's split of the colour distance from the background; then any
    colour clearly off the background's own noise (a pale card on a white lid,
    whose printed pattern alone would win Otsu's split); then, when only odd
    shapes were found, the same on light-evened colours (a shadow across a bed).
    """
    dist = cv2.GaussianBlur(_background_distance(small), (5, 5), 0)
    sheets = _by_colour_once(dist, _otsu(dist), min_area=min_area, max_area=max_area, limit=limit)
    if any(s.kind != "other" for s in sheets):
        return sheets
    faint = _by_colour_once(dist, _above_noise(dist), min_area=min_area, max_area=max_area, limit=limit)
    if any(s.kind != "other" for s in faint):
        return faint
    outlined = _by_outline(small, min_area=min_area, max_area=max_area, limit=limit)
    if any(s.kind != "other" for s in outlined):
        return outlined
    if not sheets:
        return faint
    flat = cv2.GaussianBlur(_background_distance(_flat_light(small)), (5, 5), 0)
    evened = _by_colour_once(flat, _otsu(flat), min_area=min_area, max_area=max_area, limit=limit)
    return evened if any(s.kind != "other" for s in evened) else sheets


def _by_outline(small: Image, *, min_area: float, max_area: float, limit: int) -> list[Sheet]:
    """Sheets by their closed rectangular outline: pale cards on white paper, whose colour hardly differs."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 20, 60)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    total = float(gray.shape[0] * gray.shape[1])
    sheets: list[Sheet] = []
    for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[: limit * 3]:
        area = cv2.contourArea(cnt) / total
        if not (min_area <= area <= max_area):
            continue
        approx = cv2.approxPolyDP(cv2.convexHull(cnt), 0.03 * cv2.arcLength(cnt, True), True)
        if len(approx) != 4:
            continue
        quad = _order(approx.reshape(4, 2).astype(np.float32))
        if cv2.contourArea(cnt) / max(1.0, cv2.contourArea(quad)) < 0.9:
            continue
        kind, size_mm = _format_of(quad)
        if kind != "id_card":
            continue  # frames and tables are rectangles too; only a card's outline is trusted alone
        sheets.append(Sheet(quad=quad, kind=kind, size_mm=size_mm, area_ratio=area))
        if len(sheets) == limit:
            break
    return sheets


def _otsu(dist: Image) -> Image:
    return cv2.threshold(dist, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _above_noise(dist: Image) -> Image:
    """Pixels whose colour distance is above anything the background border shows."""
    b = max(3, min(dist.shape[:2]) // 40)
    border = np.concatenate([dist[:b].ravel(), dist[-b:].ravel(), dist[:, :b].ravel(), dist[:, -b:].ravel()])
    level = float(np.percentile(border, 99.0)) + 12.0
    return cv2.threshold(dist, level, 255, cv2.THRESH_BINARY)[1]


def _by_colour_once(dist: Image, mask: Image, *, min_area: float, max_area: float, limit: int) -> list[Sheet]:
    if cv2.countNonZero(mask) < min_area * mask.size:
        return []
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    closed = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    sheets: list[Sheet] = []
    for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[: limit * 3]:
        sheet = _as_sheet(cnt, mask, dist, min_area=min_area, max_area=max_area)
        if sheet is not None:
            sheets.append(sheet)
        if len(sheets) == limit:
            break
    return sheets


def _edge_share(quad: npt.NDArray[np.float32], dist: Image, *, step: float = 4.0, jump: float = 20.0) -> float:
    """Share of points along the quad's sides where the background distance jumps across the side.

    A sheet on a desk or a card on a bed has a sharp edge all around; a region
    that only differs from the border because the light is uneven has none.
    """
    h, w = dist.shape[:2]
    centre = quad.mean(axis=0)
    hits = total = 0
    for a, b in ((quad[0], quad[1]), (quad[1], quad[2]), (quad[2], quad[3]), (quad[3], quad[0])):
        side = b - a
        length = float(np.linalg.norm(side))
        if length < 1:
            continue
        normal = np.array([-side[1], side[0]], np.float32) / length
        if np.dot(centre - (a + b) / 2, normal) < 0:
            normal = -normal  # point inwards
        for t in np.linspace(0.1, 0.9, 17):
            p = a + side * t
            xi, yi = (p + normal * step).round().astype(int)
            xo, yo = (p - normal * step).round().astype(int)
            if not (0 <= xi < w and 0 <= yi < h):
                continue
            total += 1
            outside = float(dist[yo, xo]) if (0 <= xo < w and 0 <= yo < h) else 0.0
            hits += float(dist[yi, xi]) - outside >= jump
    return hits / total if total else 0.0


def _as_sheet(cnt: Image, mask: Image, dist: Image, *, min_area: float, max_area: float) -> Sheet | None:
    area = cv2.contourArea(cnt) / float(mask.size)
    if not (min_area <= area <= max_area):
        return None
    found = _quad_from_contour(cnt, mask.shape[1], mask.shape[0])
    if found is None:
        return None
    quad = _order(found)
    region = np.zeros_like(mask)
    cv2.fillConvexPoly(region, quad.astype(np.int32), 255)
    fill = cv2.countNonZero(cv2.bitwise_and(mask, region)) / max(1, cv2.countNonZero(region))
    solidity = cv2.contourArea(cnt) / max(1.0, cv2.contourArea(quad))
    if fill < 0.6 or solidity < 0.85:
        return None  # text on paper, not a sheet on a background
    if _edge_share(quad, dist) < 0.6:
        return None  # no sharp edge all around: uneven light or a show-through ghost, not a sheet
    kind, size_mm = _format_of(quad)
    return Sheet(quad=quad, kind=kind, size_mm=size_mm, area_ratio=area)


def reading_order(sheets: list[Sheet]) -> list[Sheet]:
    """Sheets top to bottom, then left to right (front above back on a bed)."""
    def key(s: Sheet) -> tuple[int, float]:
        cy = float(s.quad[:, 1].mean())
        height = float(s.quad[:, 1].max() - s.quad[:, 1].min())
        return (int(cy // max(1.0, height * 0.6)), float(s.quad[:, 0].mean()))
    return sorted(sheets, key=key)


def stack_vertically(images: list[Image], *, gap: int) -> Image:
    """Put flattened sheets one under the other on white, left-aligned."""
    width = max(im.shape[1] for im in images)
    parts: list[Image] = []
    for i, im in enumerate(images):
        if im.shape[1] < width:
            im = cv2.copyMakeBorder(im, 0, 0, 0, width - im.shape[1], cv2.BORDER_CONSTANT, value=(255, 255, 255))
        parts.append(im)
        if i < len(images) - 1:
            parts.append(np.full((gap, width, 3), 255, np.uint8))
    return np.vstack(parts)


def enlargement(sheet: Sheet, *, dpi: int) -> float:
    """How much :func:`flatten` at ``dpi`` enlarges the sheet (above 1: it has fewer pixels than wanted)."""
    tl, tr, br, bl = sheet.quad
    w_px = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    if sheet.kind == "other":
        return 1.0
    return sheet.size_mm[0] / 25.4 * dpi / max(w_px, 1.0)


def flatten_native(color: Image, sheet: Sheet, *, scale: float = 1.0) -> Image:
    """Warp the sheet flat at about the pixel density it has in the image (times ``scale``).

    For photos, whose resolution says nothing about the paper: the longer measured
    side is kept, the other follows from the sheet's true aspect.
    """
    tl, tr, br, bl = sheet.quad
    w_px = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    h_px = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    aspect = sheet.aspect if sheet.aspect > 0 else w_px / max(h_px, 1.0)
    if w_px >= h_px * aspect:
        out_w, out_h = w_px, w_px / aspect
    else:
        out_w, out_h = h_px * aspect, h_px
    out_w, out_h = max(1, round(out_w * scale)), max(1, round(out_h * scale))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(sheet.quad.astype(np.float32), dst)
    interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.warpPerspective(color, m, (out_w, out_h), flags=interp, borderMode=cv2.BORDER_REPLICATE)


def flatten(color: Image, sheet: Sheet, *, dpi: int) -> Image:
    """Warp the sheet to a flat, upright-rectangular image at ``dpi`` for its physical size."""
    tl, tr, br, bl = sheet.quad
    w_px = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h_px = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    if sheet.kind == "other":
        out_w, out_h = round(w_px), round(h_px)
    else:
        out_w = round(sheet.size_mm[0] / 25.4 * dpi)
        out_h = round(sheet.size_mm[1] / 25.4 * dpi)
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(sheet.quad.astype(np.float32), dst)
    interp = cv2.INTER_CUBIC if out_w > w_px else cv2.INTER_AREA
    return cv2.warpPerspective(color, m, (out_w, out_h), flags=interp, borderMode=cv2.BORDER_REPLICATE)
