"""preprocess: make a page upright, flat, straight, evenly lit and clean for OCR.

The steps and their order are in one place, :data:`FIRST_READ` in
:mod:`pipeline.preprocess._steps`; each is switchable by name
(``PreprocessSettings.skip``) or by its own switch, so the benchmark can measure
what each one is worth, and each is timed and records what it decided
(``PreparedPage.trace``). In short: sheet (find and flatten the document) →
scale (glyphs to the size tesseract reads best) → grey (seals and signatures
lifted) → light → sharpen → denoise → geometry (upright, straight) → binarize →
leaders → blank → ocr_input (OCR reads the evened grey around the binary
image's ink, which keeps the thin strokes of the marks; forms, whose boxes
and leaders leave fragments in grey, and pages enlarged to working scale,
whose strokes are soft, are read binary).

The colour image goes through the same geometry (sheet, scale, geometry) and
nothing else, so the archive copy and the OCR boxes line up.
:data:`SECOND_READ` is the shorter list for a page whose first read scored poorly.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess._geometry import Geometry, estimate_geometry, rotate_quarter
from pipeline.preprocess._rules import text_size
from pipeline.preprocess._sheet import (
    Sheet,
    enlargement,
    find_sheets,
    flatten,
    flatten_native,
    reading_order,
    stack_vertically,
)
from pipeline.preprocess._steps import FIRST_READ, SECOND_READ, PageState, run_steps, start, step_names
from pipeline.preprocess._tone import (
    binarize,
    even_light,
    ink_mask,
    masked_grey,
    to_gray,
)
from pipeline.types import Image, PreparedPage, SourcePage, StepRecord
from schemas.settings import OcrSettings, PreprocessSettings

__all__ = ["FIRST_READ", "SECOND_READ", "Geometry", "Sheet", "estimate_geometry", "find_sheets", "prepare_page",
           "prepare_second", "step_names"]

#: below this, a declared resolution is not believed (phone photos say 72 dpi)
MIN_BELIEVED_DPI = 150
#: ID cards carry 6–8 pt text: read them at twice the page resolution
CARD_SCALE = 2
#: typical glyph thickness (pixels, see text_size) of body text on a 300-dpi scan; photos are scaled to it
GLYPH_TARGET = 26
#: a bed or page with less ink than this outside the sheets found on it holds nothing but them
EMPTY_BED = 0.01
#: how far from the binary image's ink (pixels at 300 dpi) the grey is given to OCR
GREY_REACH = 21
#: a sheet enlarged this much or more by flattening is soft: sharpen it before binarizing
SHARPEN_ABOVE = 1.5


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


def _cut_out_sheets(color: Image, dpi: int, cfg: PreprocessSettings, *,
                    photo: bool) -> tuple[Image, int, list[str], float]:
    """Flatten the document(s) found on a bed or desk; ID cards side by side become one page.

    A photographed sheet that turns out to be a photocopy of ID cards (cards on
    an otherwise empty page) is searched once more, for the cards on it.
    """
    sheets = [s for s in find_sheets(color, by_edges=photo and cfg.perspective)
              if s.kind != "id_card" or _lettered_like_a_card(color, s)]
    if not cfg.perspective:
        sheets = [s for s in sheets if s.kind == "id_card"]
    if sheets and not photo and _ink_outside(color, sheets) >= EMPTY_BED:
        # a scan with text around the "sheet": a frame or a box on the page, not a card on a bed
        sheets = []
    if photo and sheets and all(s.kind == "other" for s in sheets) and _ink_outside(color, sheets) >= EMPTY_BED:
        # a picture of a page without a believable dpi, in which the "sheet" is a box of no paper size with
        # text around it: a frame on the page (a rendered page saved without dpi lost a third of its text to it)
        sheets = []
    if not sheets:
        return color, dpi, [], 1.0
    cards = [s for s in sheets if s.kind == "id_card"]
    card_dpi = cfg.target_dpi * CARD_SCALE
    if cards and len(cards) == len(sheets) and (not photo or len(cards) > 1):
        # on a photo one "card" may be a sheet seen at a slant; two are a card's front and back
        return _read_cards(color, cards, cfg), card_dpi, [s.kind for s in cards], enlargement(cards[0], dpi=card_dpi)
    sheet = sheets[0]
    if photo:
        flat, grown = _flatten_photo(color, sheet)
    else:
        flat, grown = flatten(color, sheet, dpi=cfg.target_dpi), enlargement(sheet, dpi=cfg.target_dpi)
    inner = [s for s in find_sheets(flat) if s.kind == "id_card"]
    if inner and _ink_outside(flat, inner) < EMPTY_BED:
        kinds = [sheet.kind] + [s.kind for s in inner]
        return _read_cards(flat, inner, cfg), card_dpi, kinds, grown * enlargement(inner[0], dpi=card_dpi)
    return flat, cfg.target_dpi, [sheet.kind], grown


def _lettered_like_a_card(color: Image, sheet: Sheet) -> bool:
    """Whether a box in a card's proportions has a card's letters: large for its size.

    A page's text block or a framed table can have a card's proportions too (a
    rendered notice's body was cut out as a "card" and read at card scale); its
    letters are a page's, small against the box. Too few letters to measure: kept.
    """
    from pipeline.preprocess._scale import glyph_size
    from pipeline.preprocess._steps import CARD_GLYPHS

    x, y, w, h = cv2.boundingRect(sheet.quad.astype(np.int32))
    size = glyph_size(color[max(0, y):y + h, max(0, x):x + w])
    return size == 0 or size / max(1, min(w, h)) >= CARD_GLYPHS


def _flatten_photo(color: Image, sheet: Sheet) -> tuple[Image, float]:
    """A photographed sheet, flat, enlarged until its letters are as tall as on a 300-dpi scan.

    A photo's pixel count says nothing about the paper's size, and its aspect in
    perspective can't tell an A4 page from a card reliably; the letters can: the
    sheet is scaled so that its typical letter is :data:`GLYPH_TARGET` pixels tall.
    """
    native = flatten_native(color, sheet)
    size = text_size(binarize(even_light(to_gray(native, drop_marks=False))))
    scale = float(np.clip(GLYPH_TARGET / size, 0.6, 4.0)) if size > 0 else 1.0
    return (flatten_native(color, sheet, scale=scale) if abs(scale - 1.0) > 0.05 else native), scale


def _read_cards(color: Image, cards: list[Sheet], cfg: PreprocessSettings) -> Image:
    """The cards flattened at twice the page resolution, each upright and landscape, front above back."""
    out_dpi = cfg.target_dpi * CARD_SCALE
    flat = [_upright_card(flatten(color, s, dpi=out_dpi)) for s in reading_order(cards)]
    return stack_vertically(flat, gap=out_dpi // 6) if len(flat) > 1 else flat[0]


def _upright_card(card: Image) -> Image:
    """Cards print their text along the long side: a card lying portrait is turned landscape.

    Whether it then reads upside down is left to the page's own orientation check,
    which sees front and back together: one card alone (a back is mostly an MRZ,
    fingerprints and a seal) is too little text to judge.
    """
    return rotate_quarter(card, 90) if card.shape[0] > card.shape[1] else card


def _ink_outside(color: Image, sheets: list[Sheet]) -> float:
    """Share of the page that is ink outside the given sheets (a page of text has several %)."""
    ink = ink_mask(even_light(to_gray(color, drop_marks=False)))
    for s in sheets:
        cv2.fillConvexPoly(ink, s.quad.astype(np.int32), 0)
    return cv2.countNonZero(ink) / float(ink.size)


def _ocr_image(gray: Image, binary: Image, *, level: float, dpi: int, soft: bool,
               cfg: PreprocessSettings) -> Image:
    """What tesseract reads: ``binary``, or the grey around its ink (see :data:`GREY_REACH`)."""
    if not cfg.binarize or not (cfg.ocr_input == "grey" or (cfg.ocr_input == "auto" and soft)):
        return binary
    reach = max(5, round(GREY_REACH * (dpi or cfg.target_dpi) / 300))
    return masked_grey(gray, binary, level=level, reach=reach)


def prepare_page(page: SourcePage, *, cfg: PreprocessSettings, archive: bool = True) -> PreparedPage:
    """Turn a source page into the colour archive copy and the image OCR reads (the steps of :data:`FIRST_READ`).

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
    state, trace = run_steps(start(page, cfg=cfg, archive=archive), FIRST_READ)
    return _prepared(state, trace, second=False)


def prepare_second(page: SourcePage, *, cfg: PreprocessSettings, ocr_cfg: OcrSettings,
                   archive: bool = True) -> PreparedPage:
    """The page prepared the second way (:data:`SECOND_READ`): grey at working scale, turned by tesseract's OSD."""
    state, trace = run_steps(start(page, cfg=cfg, archive=archive, ocr_cfg=ocr_cfg), SECOND_READ)
    return _prepared(state, trace, second=True)


def _prepared(state: PageState, trace: tuple[StepRecord, ...], *, second: bool) -> PreparedPage:
    assert state.ocr_image is not None  # run_steps always sets it
    return PreparedPage(
        number=state.page.number,
        color=state.color,
        ocr_image=state.ocr_image,
        dpi=state.dpi if state.dpi >= MIN_BELIEVED_DPI else 0,
        rotation=state.rotation,
        skew=round(state.skew, 2),
        blank=state.blank,
        steps=state.notes,
        trace=trace,
        second=second,
        alternative=state.alternative,
    )
