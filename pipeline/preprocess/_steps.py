"""The preprocessing steps, in order, and the one loop that runs them.

A page goes through :data:`FIRST_READ`, a list of named steps; each step is a
function from one :class:`PageState` to the next. :func:`run_steps` runs a list,
times every step, records what it decided (a :class:`~pipeline.types.StepRecord`
per step) and skips a step switched off in the settings — by name in
``PreprocessSettings.skip``, or by the step's own switch (``normalize_light`` …).

The second read (:data:`SECOND_READ`) is a shorter list for pages whose first
read scored poorly (see :mod:`pipeline.ocr._check`): the grey page at working
scale, without our marks removal and binarization, turned by Tesseract's own
orientation detection — what raw Tesseract would see, at a size it reads well.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.preprocess._geometry import Geometry, deskew, estimate_geometry, rotate_quarter
from pipeline.preprocess._rules import remove_leaders
from pipeline.preprocess._scale import glyph_size, working_scale
from pipeline.preprocess._tone import (
    binarize,
    denoise,
    even_light,
    ink_mask,
    ink_threshold,
    is_blank,
    noise_level,
    sharpen,
    to_gray,
)
from pipeline.types import Image, SourcePage, StepRecord
from schemas.settings import OcrSettings, PreprocessSettings


@dataclass(frozen=True)
class PageState:
    """A page between two steps.

    Attributes:
        page: the source page.
        cfg: the preprocessing settings.
        archive: keep a colour archive copy in the OCR image's geometry.
        color: the colour image (cut out, scaled, turned as the steps went).
        dpi: resolution of ``color`` (a guess for photos; see ``photo``).
        photo: a camera picture, not a flatbed scan.
        grown: how much flattening enlarged the sheet (soft letters above 1.5).
        kinds: the kinds of the sheets cut out (``id_card``, ``a4`` …).
        scale: the working-scale factor applied (1.0: glyphs were a good size already).
        glyphs: the typical glyph height in pixels after the ``scale`` step (0: not measured).
        gray: the grey image OCR is made from, once the ``grey`` step ran.
        rotation: clockwise quarter turn applied (0/90/180/270).
        skew: degrees of deskew applied.
        level: the ink threshold of ``binary``.
        leaders: dotted leaders and rules the ``leaders`` step erased (a form has tens).
        binary: the binary image, once ``binarize`` ran (else the grey).
        ocr_image: what tesseract reads.
        alternative: another image worth reading (see :func:`_ocr_input`).
        blank: the page holds no text.
        notes: the legacy step names for ``PreparedPage.steps`` (``sheet:id_card``, ``grey`` …).
        ocr_cfg: tesseract settings, for steps that ask tesseract (orientation detection).
    """

    page: SourcePage
    cfg: PreprocessSettings
    archive: bool
    color: Image
    dpi: int
    photo: bool
    grown: float = 1.0
    kinds: tuple[str, ...] = ()
    scale: float = 1.0
    glyphs: float = 0.0
    gray: Image | None = None
    rotation: int = 0
    skew: float = 0.0
    level: float = 0.0
    leaders: int = 0
    binary: Image | None = None
    ocr_image: Image | None = None
    alternative: Image | None = None
    blank: bool = False
    notes: tuple[str, ...] = ()
    ocr_cfg: OcrSettings | None = None

    def grey(self) -> Image:
        """The grey image (the ``grey`` step runs before every step that asks for it)."""
        if self.gray is None:
            raise RuntimeError("a step asked for the grey image before the grey step ran")
        return self.gray


#: a step: the state before it → the state after it, and what it decided ("" when nothing to say)
Step = Callable[[PageState], tuple[PageState, str]]


# --- first read -----------------------------------------------------------------------------------

#: an image whose sides are in an ID card's proportion (85.6 × 54 mm, 1.586) within this share is a tight
#: card crop (the Ministry's own specimen images are cut at 1.69, with a rim around the card)
CARD_ASPECT_TOLERANCE = 0.07
#: camera sensors' proportions, which a whole photo has: never taken for a card by its shape alone
_CAMERA_RATIOS = (1.5, 4 / 3, 16 / 9)


#: a card's letters are large for its size (6-8 pt on a 54-mm card: glyphs 2.4-3.3% of its height);
#: a page's are not (1.4% on our photo of a letter, which is cut to nearly a card's proportions)
CARD_GLYPHS = 0.018


def is_card_crop(img: Image) -> bool:
    """Whether the whole image is a card cut out tight: a card's proportions, lying landscape, card-sized letters."""
    h, w = img.shape[:2]
    ratio = w / max(1, h)
    if h >= w or any(abs(ratio - r) < 0.005 for r in _CAMERA_RATIOS):
        return False
    if abs(ratio - 85.6 / 53.98) / (85.6 / 53.98) >= CARD_ASPECT_TOLERANCE:
        return False
    return bool(glyph_size(img) / h >= CARD_GLYPHS)


def _sheet(s: PageState) -> tuple[PageState, str]:
    """Find the document on a bed or a desk and flatten it; cards side by side become one page.

    A tight crop of a card (how phone apps and card readers save one: no bed, no
    margin) has nothing around it to be found on: an image in a card's proportions
    in which no card was found is taken as the card itself.
    """
    from pipeline.preprocess import CARD_SCALE, _cut_out_sheets

    if s.color.ndim != 3:
        return s, ""
    color, dpi, found, grown = _cut_out_sheets(s.color, s.dpi, s.cfg, photo=s.photo)
    if "id_card" not in found and is_card_crop(s.color):
        dpi = s.cfg.target_dpi * CARD_SCALE
        card = s.color
        out_w, out_h = round(85.6 / 25.4 * dpi), round(53.98 / 25.4 * dpi)
        grown = out_w / card.shape[1]
        interp = cv2.INTER_CUBIC if grown > 1 else cv2.INTER_AREA
        color, found = cv2.resize(card, (out_w, out_h), interpolation=interp), ["id_card"]
    notes = s.notes + tuple(f"sheet:{kind}" for kind in found)
    return replace(s, color=color, dpi=dpi, kinds=tuple(found), grown=grown, notes=notes), ",".join(found)


def _scale(s: PageState) -> tuple[PageState, str]:
    """Bring the body text to the size tesseract reads best, measured on its glyphs (not the dpi)."""
    size = glyph_size(s.color)
    factor = working_scale(size)
    if factor == 1.0:
        return replace(s, glyphs=size), f"glyphs {size:.0f}px: kept"
    if factor > 1.0 and blank_as_it_is(s.color):
        # a blank sheet's paper grain measures as tiny glyphs: a stack's separator sheet measured 4 px and was
        # enlarged to sixteen times its area, 5 s of CPU, only to be found blank at that size; its "glyphs" are
        # grain, not letters, and are not recorded (the denoise step would filter them finely, at twice the size)
        return s, f"glyphs {size:.0f}px: blank, kept"
    h, w = s.color.shape[:2]
    interp = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    color = cv2.resize(s.color, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=interp)
    dpi = round(s.dpi * factor) if s.dpi else 0
    return replace(s, color=color, dpi=dpi, scale=factor, glyphs=size * factor,
                   notes=(*s.notes, f"scale:{factor:.2f}")), \
        f"glyphs {size:.0f}px: x{factor:.2f}"


def blank_as_it_is(color: Image) -> bool:
    """Whether a page holds no text at its own scale, binarized as the ``binarize`` step would."""
    return is_blank(binarize(even_light(to_gray(color, drop_marks=False))))


def _grey(s: PageState) -> tuple[PageState, str]:
    """Grey for OCR, red seals and blue signatures lifted out (``lift_marks``)."""
    return replace(s, gray=to_gray(s.color, drop_marks=s.cfg.lift_marks)), ""


def _plain_grey(s: PageState) -> tuple[PageState, str]:
    """Plain luminance: nothing lifted."""
    return replace(s, gray=to_gray(s.color, drop_marks=False)), ""


#: a page whose paper varies by fewer grey levels than this is evenly lit: dividing by its background only
#: rounds its strokes' edges (measured 0-3 on renders and scans of a notice through noise, JPEG and a phone's
#: downscale, and on our photos of a letter; 30-200 on photos with shadows and grey or stained scans)
EVEN_PAPER = 8.0


def _light(s: PageState) -> tuple[PageState, str]:
    """Divide out shadows and uneven light; a page lit evenly already is left as it is."""
    gray = even_light(s.grey(), min_spread=EVEN_PAPER if s.scale <= 1.0 else 0.0)
    if gray is s.grey():
        return s, "even: kept"
    return replace(s, gray=gray, notes=(*s.notes, "light")), "evened"


def _sharpen(s: PageState) -> tuple[PageState, str]:
    """Unsharp mask on sheets that flattening enlarged much (their letters are soft)."""
    from pipeline.preprocess import SHARPEN_ABOVE

    if s.grown < SHARPEN_ABOVE:
        return s, "not enlarged"
    return replace(s, gray=sharpen(s.grey()), notes=(*s.notes, "sharpen")), "sharpened"


#: glyphs smaller than this (pixels) are filtered finely (see :func:`~pipeline.preprocess._tone.denoise`): the
#: notice rendered at 200 dpi (19 px) through heavy noise read worse than raw tesseract after a 3-px median
#: (CER 0.050/0.018 against 0.048/0.014 on pages 1 and 3), better after a fine one (0.035/0.009); our
#: generator's 200-dpi scans (22-26 px) need the full median (fields 0.95 with it, 0.91 with the fine one)
FINE_GLYPHS = 21.0


def _denoise(s: PageState) -> tuple[PageState, str]:
    """Median filter, on noisy pages only; a fine one on small letters."""
    level = noise_level(s.grey())
    if level < 4.0:
        return s, f"noise {level:.1f}: kept"
    fine = 0 < s.glyphs < FINE_GLYPHS
    return replace(s, gray=denoise(s.grey(), level=level, fine=fine), notes=(*s.notes, "denoise")), \
        f"noise {level:.1f}{', fine' if fine else ''}"


def _geometry(s: PageState) -> tuple[PageState, str]:
    """Orientation (quarter turns, upside down) and skew from the ink's line structure."""
    cfg = s.cfg
    geometry = Geometry(0, 0.0, 0.0, True)
    if cfg.orientation or cfg.deskew:
        geometry = estimate_geometry(ink_mask(s.grey()), max_skew=cfg.max_skew_deg,
                                     detect_orientation=cfg.orientation)
    rotation = geometry.rotation if cfg.orientation else 0
    skew = geometry.skew if cfg.deskew else 0.0
    return _turn(s, rotation, skew)


def _turn(s: PageState, rotation: int, skew: float) -> tuple[PageState, str]:
    gray, notes = s.grey(), s.notes
    if rotation:
        gray = rotate_quarter(gray, rotation)
        notes += (f"rotate:{rotation}",)
    if abs(skew) >= 0.1:
        gray = deskew(gray, skew, border=255)
        notes += (f"deskew:{skew:.1f}",)
    if s.archive:
        color = deskew(rotate_quarter(s.color, rotation), skew, border=255) if abs(skew) >= 0.1 \
            else rotate_quarter(s.color, rotation)
    else:
        color = gray
    return replace(s, gray=gray, color=color, rotation=rotation, skew=skew, notes=notes), \
        f"turn {rotation}, skew {skew:.1f}"


def _binarize(s: PageState) -> tuple[PageState, str]:
    """Otsu on the evened grey, kept clear of the paper's grain."""
    level = ink_threshold(s.grey())
    return replace(s, level=level, binary=binarize(s.grey(), level=level), notes=(*s.notes, "binarize")), \
        f"threshold {level:.0f}"


def _leaders(s: PageState) -> tuple[PageState, str]:
    """Dotted leaders and ruled lines erased (forms print them after values)."""
    if s.binary is None:
        return s, "no binary image"
    binary, erased = remove_leaders(s.binary)
    if not erased:
        return s, "none"
    return replace(s, binary=binary, leaders=erased, notes=(*s.notes, "leaders")), f"{erased} erased"


def _blank(s: PageState) -> tuple[PageState, str]:
    """Whether the page holds any text worth reading."""
    blank = is_blank(s.binary if s.binary is not None else binarize(s.grey()))
    return replace(s, blank=blank), "blank" if blank else ""


#: a page on which the ``leaders`` step erased this many leaders and rules is a form (the CC01 form: 31-32;
#: the pages of a letter: 0-3)
FORM_LEADERS = 10


def _ocr_input(s: PageState) -> tuple[PageState, str]:
    """What tesseract reads: the grey around the binary image's ink, or (forms, pages enlarged) the binary image."""
    from pipeline.preprocess import _ocr_image

    if s.binary is None:
        return replace(s, ocr_image=s.grey()), "grey (not binarized)"
    # a threshold breaks the thin strokes of Vietnamese marks that tesseract still reads in grey (the
    # notice rendered at 200 and 300 dpi: CER 0.009 binary, 0.006-0.007 grey, raw tesseract 0.007-0.008 on
    # pages 2-3); a page enlarged to working scale has soft, interpolated strokes, and the binary image reads
    # those better (our photo of a letter: CER 0.076 binary, 0.085 grey); so does a form, whose boxes and
    # leaders leave fragments in the grey that read as letters (the printed and scanned CC01 form: its
    # boxed number read "03|6|10|…|19|9" in grey, "huyện" as "buyện")
    # … but not always: the notice rendered and shrunk to 600 px wide reads better grey (CER 0.053/0.027/0.018
    # against 0.076/0.034/0.028 binary on pages 1-3), and so do the noisy and turned copies of the photo, so
    # an enlarged page's grey is read too, and the self-check keeps the read that scores higher (it picked
    # the better one on seven of those eight pages)
    soft = s.scale <= 1.0 and s.leaders < FORM_LEADERS
    image = _ocr_image(s.grey(), s.binary, level=s.level, dpi=s.dpi, soft=soft, cfg=s.cfg)
    if image is not s.binary:
        return replace(s, ocr_image=image, notes=(*s.notes, "grey")), "grey"
    if s.scale > 1.0 and s.leaders < FORM_LEADERS:
        grey = _ocr_image(s.grey(), s.binary, level=s.level, dpi=s.dpi, soft=True, cfg=s.cfg)
        if grey is not s.binary:
            return replace(s, ocr_image=image, alternative=grey), "binary, grey as the alternative"
    return replace(s, ocr_image=image), "binary"


# --- second read ----------------------------------------------------------------------------------

def _osd(s: PageState) -> tuple[PageState, str]:
    """Orientation from tesseract's own detector (``--psm 0``); upright when it cannot tell."""
    from pipeline.ocr import detect_rotation

    if s.ocr_cfg is None:
        return s, "no tesseract settings"
    rotation = detect_rotation(s.grey(), dpi=s.dpi, cfg=s.ocr_cfg)
    if rotation is None:
        return s, "unknown: kept"
    return _turn(s, rotation, 0.0)


#: edge sharpness (Laplacian over gradient on the strongest edges) below which a page is blurred:
#: measured 0.058 on our blurred photo of a letter, 0.12–0.18 on its sharp, dark, noisy and turned copies
BLURRED = 0.09


def edge_sharpness(gray: Image) -> float:
    """How sharp the page's edges are: mean |Laplacian| over mean gradient on the strongest 5% of edges."""
    img = gray.astype(np.float32)
    lap = np.abs(cv2.Laplacian(img, cv2.CV_32F))
    grad = np.abs(cv2.Sobel(img, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(img, cv2.CV_32F, 0, 1))
    strong = grad > np.percentile(grad, 95)
    if not strong.any() or float(grad[strong].mean()) <= 0:
        return 1.0
    return float(lap[strong].mean() / grad[strong].mean())


def _deblur(s: PageState) -> tuple[PageState, str]:
    """A blurred page is sharpened (unsharp mask): tesseract's own threshold then keeps the letters apart."""
    sharpness = edge_sharpness(s.grey())
    if sharpness >= BLURRED:
        return s, f"sharpness {sharpness:.2f}: kept"
    return replace(s, gray=sharpen(s.grey(), sigma=1.0), notes=(*s.notes, "deblur")), f"sharpness {sharpness:.2f}"


def _plain_input(s: PageState) -> tuple[PageState, str]:
    """Tesseract reads the grey page and thresholds it itself."""
    return replace(s, ocr_image=s.grey(), blank=False), "grey"


def _always(cfg: PreprocessSettings) -> bool:
    return True


#: each step's name, function, and its switch in the settings (besides ``skip``)
_SWITCHES: dict[str, Callable[[PreprocessSettings], bool]] = {
    "sheet": lambda c: c.crop or c.perspective,
    "light": lambda c: c.normalize_light,
    "sharpen": lambda c: c.sharpen,
    "denoise": lambda c: c.denoise,
    "geometry": lambda c: c.orientation or c.deskew,
    "binarize": lambda c: c.binarize,
    "leaders": lambda c: c.binarize and c.remove_leaders,
}

#: the first read, in order: a newcomer reads the pipeline here
FIRST_READ: tuple[tuple[str, Step], ...] = (
    ("sheet", _sheet),  # find the document on a bed or a desk, flatten it
    ("scale", _scale),  # body text to the size tesseract reads best
    ("grey", _grey),  # grey, red seals and blue signatures lifted out
    ("light", _light),  # shadows and uneven light divided out
    ("sharpen", _sharpen),  # soft, enlarged sheets sharpened
    ("denoise", _denoise),  # median filter on noisy pages
    ("geometry", _geometry),  # upright and straight
    ("binarize", _binarize),  # Otsu on the evened grey
    ("leaders", _leaders),  # dotted leaders and rules erased
    ("blank", _blank),  # anything to read?
    ("ocr_input", _ocr_input),  # the grey around the binary image's ink; binary on forms and enlarged pages
)

#: the second read of a page whose first read scored poorly: what raw tesseract sees, at working scale
SECOND_READ: tuple[tuple[str, Step], ...] = (
    ("sheet", _sheet),
    ("scale", _scale),
    ("grey", _plain_grey),
    ("deblur", _deblur),
    ("osd", _osd),
    ("ocr_input", _plain_input),
)


def step_names(steps: tuple[tuple[str, Step], ...] = FIRST_READ) -> tuple[str, ...]:
    """The names of a step list, in order."""
    return tuple(name for name, _ in steps)


def is_on(name: str, cfg: PreprocessSettings) -> bool:
    """Whether step ``name`` runs under ``cfg``."""
    return name not in cfg.skip and _SWITCHES.get(name, _always)(cfg)


def start(page: SourcePage, *, cfg: PreprocessSettings, archive: bool,
          ocr_cfg: OcrSettings | None = None) -> PageState:
    """The state before the first step: the page resampled to the working resolution."""
    from pipeline.preprocess import _looks_like_photo, _resample

    if page.image is None:
        raise ValueError("prepare_page needs a page with pixels")
    color, dpi = _resample(page.image, page.dpi, cfg.target_dpi)
    return PageState(page=page, cfg=cfg, archive=archive, color=color, dpi=dpi,
                     photo=_looks_like_photo(page), ocr_cfg=ocr_cfg)


def run_steps(state: PageState, steps: tuple[tuple[str, Step], ...]) -> tuple[PageState, tuple[StepRecord, ...]]:
    """Run ``steps`` in order on ``state``; a step switched off is skipped and recorded as such.

    Returns:
        The final state and one record per step: its name, milliseconds, and what it decided.
    """
    records: list[StepRecord] = []
    for name, step in steps:
        if not is_on(name, state.cfg):
            records.append(StepRecord(name=name, ms=0.0, ran=False, decided="off"))
            continue
        t0 = time.perf_counter()
        state, decided = step(state)
        records.append(StepRecord(name=name, ms=(time.perf_counter() - t0) * 1000, ran=True, decided=decided))
    if state.gray is None:  # the grey step itself was switched off
        state = replace(state, gray=to_gray(state.color, drop_marks=False))
    if state.ocr_image is None:
        state = replace(state, ocr_image=state.binary if state.binary is not None else state.grey())
    if not state.archive:
        state = replace(state, color=state.grey())
    return state, tuple(records)

