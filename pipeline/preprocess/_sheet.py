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
    """

    quad: npt.NDArray[np.float32]
    kind: str
    size_mm: tuple[float, float]
    area_ratio: float


def _order(pts: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def _background_distance(small: Image) -> Image:
    h, w = small.shape[:2]
    b = max(3, min(h, w) // 40)
    border = np.concatenate(
        [small[:b].reshape(-1, 3), small[-b:].reshape(-1, 3), small[:, :b].reshape(-1, 3), small[:, -b:].reshape(-1, 3)]
    ).astype(np.float32)
    bg = np.median(border, axis=0)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    bg_lab = cv2.cvtColor(bg.reshape(1, 1, 3).astype(np.uint8), cv2.COLOR_BGR2LAB).astype(np.float32)[0, 0]
    dist: Image = np.clip(np.linalg.norm(lab - bg_lab, axis=2) * 4, 0, 255).astype(np.uint8)
    return dist


def _quad_from_contour(cnt: Image) -> npt.NDArray[np.float32]:
    hull = cv2.convexHull(cnt)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
    return cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)


def _format_of(quad: npt.NDArray[np.float32]) -> tuple[str, tuple[float, float]]:
    tl, tr, br, bl = quad
    w = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h = float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    ratio = max(w, h) / max(1.0, min(w, h))
    for target, name, long_mm, short_mm in _FORMATS:
        if abs(ratio - target) / target < 0.06:
            return name, ((long_mm, short_mm) if w >= h else (short_mm, long_mm))
    return "other", (float(w), float(h))


def find_sheets(color: Image, *, min_area: float = 0.03, max_area: float = 0.93, limit: int = 4) -> list[Sheet]:
    """Find the documents lying on a background (scanner bed, desk), largest first.

    Args:
        color: BGR image.
        min_area: smallest share of the image a document may cover.
        max_area: above this share the document fills the image: nothing to crop.
        limit: most documents returned (an ID card's front and back share one bed).

    Returns:
        The sheets found; empty when the image is the document itself.
    """
    if color.ndim != 3:
        return []
    h, w = color.shape[:2]
    scale = _WORK / max(h, w)
    small = cv2.resize(color, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    dist = cv2.GaussianBlur(_background_distance(small), (5, 5), 0)
    _, mask = cv2.threshold(dist, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if cv2.countNonZero(mask) < min_area * mask.size:
        return []
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    closed = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    sheets: list[Sheet] = []
    for cnt in sorted(contours, key=cv2.contourArea, reverse=True)[: limit * 3]:
        sheet = _as_sheet(cnt, mask, min_area=min_area, max_area=max_area)
        if sheet is not None:
            sheets.append(Sheet(quad=sheet.quad / scale, kind=sheet.kind, size_mm=sheet.size_mm,
                                area_ratio=sheet.area_ratio))
        if len(sheets) == limit:
            break
    return sheets


def _as_sheet(cnt: Image, mask: Image, *, min_area: float, max_area: float) -> Sheet | None:
    area = cv2.contourArea(cnt) / float(mask.size)
    if not (min_area <= area <= max_area):
        return None
    quad = _order(_quad_from_contour(cnt))
    region = np.zeros_like(mask)
    cv2.fillConvexPoly(region, quad.astype(np.int32), 255)
    fill = cv2.countNonZero(cv2.bitwise_and(mask, region)) / max(1, cv2.countNonZero(region))
    solidity = cv2.contourArea(cnt) / max(1.0, cv2.contourArea(quad))
    if fill < 0.6 or solidity < 0.85:
        return None  # text on paper, not a sheet on a background
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
