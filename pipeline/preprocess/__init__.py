"""preprocess: make a page upright, flat, straight, evenly lit and binary for OCR.

The steps run in a fixed order, each switchable in :class:`PreprocessSettings`
so the benchmark can measure what each one is worth:

1. sheet — find the document on a scanner bed or a desk and flatten it;
2. grey — lift red seals and blue signatures out of the text;
3. light — divide out shadows and uneven light;
4. denoise — median filter, only on noisy pages;
5. orientation and deskew — from the ink's line structure;
6. binarize — Otsu on the evened grey;
7. leaders — dotted leaders and ruled lines erased (forms print them after values).

The colour image goes through the same geometry (steps 1 and 5) and nothing
else, so the archive copy and the OCR boxes line up.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess._geometry import Geometry, deskew, estimate_geometry, rotate_quarter
from pipeline.preprocess._rules import remove_leaders
from pipeline.preprocess._sheet import Sheet, find_sheets, flatten, reading_order, stack_vertically
from pipeline.preprocess._tone import binarize, denoise, even_light, ink_mask, is_blank, noise_level, to_gray
from pipeline.types import Image, PreparedPage, SourcePage
from schemas.settings import PreprocessSettings

__all__ = ["Geometry", "Sheet", "estimate_geometry", "find_sheets", "prepare_page"]

#: below this, a declared resolution is not believed (phone photos say 72 dpi)
MIN_BELIEVED_DPI = 150
#: ID cards carry 6–8 pt text: read them at twice the page resolution
CARD_SCALE = 2


def _resample(img: Image, dpi: int, target: int) -> tuple[Image, int]:
    if dpi <= target * 1.4:
        return img, dpi
    scale = target / dpi
    h, w = img.shape[:2]
    return cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA), target


#: paper sizes in inches (short, long): a scan's pixels at its dpi match one of them
_PAPER_INCHES = ((8.27, 11.69), (8.5, 11.0), (5.83, 8.27), (8.5, 14.0), (11.69, 16.54), (2.13, 3.37))


def _looks_like_photo(page: SourcePage) -> bool:
    """A camera picture rather than a flatbed scan: no believable dpi, or a size no paper has."""
    if not page.dpi_declared or page.dpi < MIN_BELIEVED_DPI:
        return True
    short, long_ = sorted((page.width / page.dpi, page.height / page.dpi))
    return not any(abs(short - a) < 0.08 * a and abs(long_ - b) < 0.08 * b for a, b in _PAPER_INCHES)


def _cut_out_sheets(color: Image, dpi: int, cfg: PreprocessSettings, *, photo: bool) -> tuple[Image, int, list[str]]:
    """Flatten the document(s) found on a bed or desk; ID cards side by side become one page.

    A photographed sheet that turns out to be a photocopy of ID cards (cards on
    an otherwise empty page) is searched once more, for the cards on it.
    """
    sheets = find_sheets(color, by_edges=photo and cfg.perspective)
    if not cfg.perspective:
        sheets = [s for s in sheets if s.kind == "id_card"]
    if not sheets:
        return color, dpi, []
    cards = [s for s in sheets if s.kind == "id_card"]
    if cards and len(cards) == len(sheets):
        image, card_dpi = _read_cards(color, cards, cfg)
        return image, card_dpi, [s.kind for s in cards]
    sheet = sheets[0]
    flat = flatten(color, sheet, dpi=cfg.target_dpi)
    inner = [s for s in find_sheets(flat) if s.kind == "id_card"]
    if inner and _ink_outside(flat, inner) < 0.01:
        image, card_dpi = _read_cards(flat, inner, cfg)
        return image, card_dpi, [sheet.kind] + [s.kind for s in inner]
    return flat, cfg.target_dpi, [sheet.kind]


def _read_cards(color: Image, cards: list[Sheet], cfg: PreprocessSettings) -> tuple[Image, int]:
    """The cards flattened at twice the page resolution, front above back."""
    out_dpi = cfg.target_dpi * CARD_SCALE
    flat = [flatten(color, s, dpi=out_dpi) for s in reading_order(cards)]
    return (stack_vertically(flat, gap=out_dpi // 6) if len(flat) > 1 else flat[0]), out_dpi


def _ink_outside(color: Image, sheets: list[Sheet]) -> float:
    """Share of the page that is ink outside the given sheets (a page of text has several %)."""
    ink = ink_mask(even_light(to_gray(color, drop_marks=False)))
    for s in sheets:
        cv2.fillConvexPoly(ink, s.quad.astype(np.int32), 0)
    return cv2.countNonZero(ink) / float(ink.size)


def prepare_page(page: SourcePage, *, cfg: PreprocessSettings, archive: bool = True) -> PreparedPage:
    """Turn a source page into the colour archive copy and the binary OCR image.

    Args:
        page: a page with pixels (``page.image`` is not ``None``).
        cfg: which steps run, and the resolution to work at.
        archive: keep the colour image, turned and deskewed like the OCR image; when
            False (nothing will be archived) ``color`` is the grey OCR input, saving a
            full-colour warp per page.

    Returns:
        The prepared page; ``dpi`` is 0 when the resolution is unknown (a photo
        that was not recognised as a sheet), so OCR estimates it from the text.
    """
    if page.image is None:
        raise ValueError("prepare_page needs a page with pixels")
    color, dpi = _resample(page.image, page.dpi, cfg.target_dpi)
    steps: list[str] = []

    if (cfg.crop or cfg.perspective) and color.ndim == 3:
        color, dpi, found = _cut_out_sheets(color, dpi, cfg, photo=_looks_like_photo(page))
        steps.extend(f"sheet:{kind}" for kind in found)

    gray = to_gray(color, drop_marks=True)
    if cfg.normalize_light:
        gray = even_light(gray)
        steps.append("light")
    if cfg.denoise:
        level = noise_level(gray)
        if level >= 4.0:
            gray = denoise(gray, level=level)
            steps.append("denoise")

    geometry = Geometry(0, 0.0, 0.0, True)
    if cfg.orientation or cfg.deskew:
        geometry = estimate_geometry(ink_mask(gray), max_skew=cfg.max_skew_deg, detect_orientation=cfg.orientation)
    rotation = geometry.rotation if cfg.orientation else 0
    skew = geometry.skew if cfg.deskew else 0.0
    if rotation:
        gray = rotate_quarter(gray, rotation)
        steps.append(f"rotate:{rotation}")
    if abs(skew) >= 0.1:
        gray = deskew(gray, skew, border=255)
        steps.append(f"deskew:{skew:.1f}")
    if archive:
        color = deskew(rotate_quarter(color, rotation), skew, border=255) if abs(skew) >= 0.1 \
            else rotate_quarter(color, rotation)
    else:
        color = gray

    binary = binarize(gray) if cfg.binarize else gray
    if cfg.binarize:
        steps.append("binarize")
        if cfg.remove_leaders:
            binary, erased = remove_leaders(binary)
            if erased:
                steps.append("leaders")
    blank = is_blank(binary if cfg.binarize else binarize(gray))
    return PreparedPage(
        number=page.number,
        color=color,
        binary=binary,
        dpi=dpi if dpi >= MIN_BELIEVED_DPI else 0,
        rotation=rotation,
        skew=round(skew, 2),
        blank=blank,
        steps=tuple(steps),
    )
