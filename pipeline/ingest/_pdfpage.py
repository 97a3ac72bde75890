"""A PDF page's geometry read straight from its dictionary, inheritance resolved, nothing decoded.

The file is opened without pushing inherited attributes down to every page
(that would walk the whole page tree), so ``/MediaBox``, ``/CropBox``,
``/Rotate`` and ``/Resources`` are looked up the ``/Parent`` chain here.
"""

from __future__ import annotations

import math
from typing import Any

import pikepdf

from pipeline.ingest._pdfscan import ImageDraw

#: how far up the page tree inherited attributes are looked for
_MAX_TREE_DEPTH = 64
#: what a page without a usable /MediaBox is taken to be (US Letter, the PDF default)
_DEFAULT_MEDIABOX = (0.0, 0.0, 612.0, 792.0)

Rect = tuple[float, float, float, float]


def declared_count(pdf: pikepdf.Pdf) -> int | None:
    """``/Count`` of the page tree root, read without walking the tree.

    Args:
        pdf: the open document.

    Returns:
        The count the file declares, or ``None`` when it has none.
    """
    try:
        count = pdf.Root.Pages.Count
    except (AttributeError, KeyError, pikepdf.PdfError):
        return None
    return int(count) if isinstance(count, int) else None


def inherited(page: pikepdf.Page, key: str) -> Any:
    """A page attribute, from the page or the nearest ``/Pages`` node above it.

    Args:
        page: the page.
        key: e.g. ``"/Rotate"``.

    Returns:
        The value, or ``None``.
    """
    node: Any = page.obj
    for _ in range(_MAX_TREE_DEPTH):
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        if not isinstance(parent, pikepdf.Dictionary):
            return None
        node = parent
    return None


def _rect(value: Any) -> Rect | None:
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def geometry(page: pikepdf.Page) -> tuple[Rect, int, Any]:
    """The visible area, the display rotation and the resources of a page.

    Args:
        page: the page.

    Returns:
        ``(cropbox, rotate, resources)``: the crop box clipped to the media box in user
        space, ``/Rotate`` normalized to 0/90/180/270, and the resource dictionary.
    """
    media = _rect(inherited(page, "/MediaBox")) or _DEFAULT_MEDIABOX
    crop = _rect(inherited(page, "/CropBox")) or media
    visible = (max(crop[0], media[0]), max(crop[1], media[1]), min(crop[2], media[2]), min(crop[3], media[3]))
    if visible[2] <= visible[0] or visible[3] <= visible[1]:
        visible = media
    raw_rotate = inherited(page, "/Rotate")
    # as pdfium reads an odd /Rotate: -90 is 270, 450 is 90, 45 is 0
    rotate = (int(raw_rotate) % 360) // 90 * 90 if isinstance(raw_rotate, int) else 0
    return visible, rotate, inherited(page, "/Resources")


def native_dpi(draw: ImageDraw) -> int:
    """The resolution an image is placed at on its page (the finer of its two axes).

    Args:
        draw: the image and its matrix.

    Returns:
        Dots per inch.
    """
    width, height = int(draw.xobject.get("/Width", 0)), int(draw.xobject.get("/Height", 0))
    across = math.hypot(draw.ctm.a, draw.ctm.b) or 1.0
    down = math.hypot(draw.ctm.c, draw.ctm.d) or 1.0
    return round(72.0 * max(width / across, height / down))
