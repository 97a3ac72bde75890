"""A scanned PDF page's image, taken out at its native resolution instead of re-rendered.

pikepdf decodes every filter scanners use (Flate, DCT, CCITT G3/G4, JBIG2 via
``jbig2dec``, JPX), colour spaces (grey, RGB, CMYK, ICC, indexed), ``/Decode``
arrays, image masks and soft masks. The image is turned and flipped the way it
is drawn on the page (its matrix and the page's ``/Rotate``), and its
resolution follows from its size on the page. Anything unusual (a skewed
placement, an image too large to decode whole, a codec failure) returns
``None`` and the page is rendered instead.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import pikepdf
from PIL import Image as PILImage

from pipeline.ingest._pdfscan import ImageDraw
from pipeline.ingest._raster import fit_resolution, pil_to_array
from pipeline.types import Image
from schemas.settings import IngestSettings

#: share of the page an image must cover to be "the page"
_MIN_COVER = 0.9
#: share of the image that must lie on the page (little of it cut off by the crop box)
_MIN_ON_PAGE = 0.98
#: tolerance for calling a placement axis-aligned
_SKEW_EPS = 1e-3

_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    pikepdf.PdfError,
    pikepdf.DependencyError,
    NotImplementedError,
    OSError,
    ValueError,
    SyntaxError,
    KeyError,
    PILImage.DecompressionBombError,
)


@dataclass(frozen=True)
class Extracted:
    """A page image taken out of the PDF.

    Attributes:
        image: uint8 BGR or grey pixels, upright as the page is displayed.
        dpi: their resolution.
        color: whether they carry coloured ink.
    """

    image: Image
    dpi: int
    color: bool


def covers_page(draw: ImageDraw, cropbox: tuple[float, float, float, float]) -> bool:
    """Whether an image placement is axis-aligned and fills the visible page.

    Args:
        draw: the image and its matrix.
        cropbox: the page's visible area ``(x0, y0, x1, y1)`` in user space.

    Returns:
        ``True`` when the image can stand for the whole page.
    """
    m = draw.ctm
    straight = abs(m.b) <= _SKEW_EPS * abs(m.a) and abs(m.c) <= _SKEW_EPS * abs(m.d)
    turned = abs(m.a) <= _SKEW_EPS * abs(m.b) and abs(m.d) <= _SKEW_EPS * abs(m.c)
    if not (straight or turned) or m.a == m.b == 0 or m.c == m.d == 0:
        return False
    corners = [m.transform(p) for p in ((0, 0), (1, 0), (0, 1), (1, 1))]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    ix0, iy0, ix1, iy1 = min(xs), min(ys), max(xs), max(ys)
    px0, py0, px1, py1 = cropbox
    overlap = max(0.0, min(ix1, px1) - max(ix0, px0)) * max(0.0, min(iy1, py1) - max(iy0, py0))
    page_area = (px1 - px0) * (py1 - py0)
    image_area = (ix1 - ix0) * (iy1 - iy0)
    return page_area > 0 and overlap >= _MIN_COVER * page_area and overlap >= _MIN_ON_PAGE * image_area


def extract(draw: ImageDraw, rotate: int, cfg: IngestSettings) -> Extracted | None:
    """Decode the image of a scanned page at native resolution, upright, within the limits.

    Args:
        draw: the page's sole image and its matrix (checked with :func:`covers_page`).
        rotate: the page's ``/Rotate`` (0, 90, 180, 270).
        cfg: ``max_dpi`` and ``max_pixels``.

    Returns:
        The page image, or ``None`` when it should be rendered instead.
    """
    xobject = draw.xobject
    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
    if width <= 0 or height <= 0:
        return None
    m = draw.ctm
    # pixel columns run along the image's u axis; pixel rows run down, against its v axis
    col_dir = _display((m.a, m.b), rotate)
    row_dir = _display((-m.c, -m.d), rotate)
    dpi_u = 72.0 * width / float(np.hypot(m.a, m.b))
    dpi_v = 72.0 * height / float(np.hypot(m.c, m.d))
    swapped = abs(col_dir[1]) > abs(col_dir[0])
    dpi_x, dpi_y = (dpi_v, dpi_u) if swapped else (dpi_u, dpi_v)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decoded = _decode(xobject, width, height, max(dpi_u, dpi_v), cfg)
    except _DECODE_ERRORS:
        return None
    if decoded is None:
        return None
    pil, shrink = decoded
    pixels, colour = pil_to_array(pil)
    pixels = _orient(pixels, col_dir, row_dir)
    pixels, dpi = fit_resolution(pixels, dpi_x / shrink, dpi_y / shrink, cfg.max_dpi)
    return Extracted(image=pixels, dpi=dpi, color=colour)


def _display(vector: tuple[float, float], rotate: int) -> tuple[float, float]:
    """A user-space direction as seen on screen (x right, y down) for a page ``/Rotate``."""
    x, y = vector
    return {0: (x, -y), 90: (y, x), 180: (-x, y), 270: (-y, -x)}[rotate]


def _orient(pixels: Image, col_dir: tuple[float, float], row_dir: tuple[float, float]) -> Image:
    """Turn/flip stored pixels so that columns run right and rows run down on screen."""
    if abs(col_dir[1]) > abs(col_dir[0]):
        pixels = pixels.swapaxes(0, 1)
        col_dir, row_dir = row_dir, col_dir
    if col_dir[0] < 0:
        pixels = pixels[:, ::-1]
    if row_dir[1] < 0:
        pixels = pixels[::-1]
    return np.ascontiguousarray(pixels)


def _decode(
    xobject: pikepdf.Stream, width: int, height: int, dpi: float, cfg: IngestSettings
) -> tuple[PILImage.Image, float] | None:
    """The image as Pillow pixels, and the factor it was shrunk by while decoding."""
    filters = xobject.get("/Filter")
    only_dct = filters == pikepdf.Name.DCTDecode or (
        isinstance(filters, pikepdf.Array) and list(filters) == [pikepdf.Name.DCTDecode]
    )
    if only_dct and "/SMask" not in xobject and "/Mask" not in xobject:
        return _decode_jpeg(bytes(xobject.read_raw_bytes()), dpi, cfg)
    if width * height > cfg.max_pixels:
        return None
    return pikepdf.PdfImage(xobject).as_pil_image(), 1.0


def _decode_jpeg(data: bytes, dpi: float, cfg: IngestSettings) -> tuple[PILImage.Image, float] | None:
    """Decode a JPEG, at 1/2, 1/4 or 1/8 size when its resolution is far above ``max_dpi``."""
    im = PILImage.open(io.BytesIO(data), formats=["JPEG"])
    full = im.size
    scale = min(1.0, cfg.max_dpi / dpi)
    if scale < 1:
        im.draft(im.mode, (max(1, int(full[0] * scale)), max(1, int(full[1] * scale))))
    if im.size[0] * im.size[1] > cfg.max_pixels:
        return None
    im.load()
    return im, full[0] / im.size[0]
