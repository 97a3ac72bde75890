"""One page of a stored PDF as an image for the review screen, sized for a screen, not for print.

The searchable PDF holds each scan at its own pixel size, and the extractor's
boxes are in those pixels. The image keeps the page's proportions, so the
review screen draws a field's box over it in the page's own pixels (an SVG
whose view box is the page's pixel size), whatever size the image is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium

from schemas.errors import ErrorCode, InputError, NotFoundError


@dataclass(frozen=True)
class PageImage:
    """A rendered page: JPEG bytes and the image's pixel size."""

    jpeg: bytes
    width: int
    height: int


def render_page(pdf: bytes, number: int, *, max_width: int = 1100, quality: int = 80) -> PageImage:
    """Render page ``number`` (1-based) of ``pdf`` as a JPEG at most ``max_width`` pixels wide.

    Args:
        pdf: the document's bytes.
        number: the page, counting from 1.
        max_width: the widest image to make (a 1366-px screen shows a page in about half).
        quality: JPEG quality.

    Returns:
        The image and its size.

    Raises:
        NotFoundError: ``not_found`` when the page does not exist.
        InputError: ``corrupt_pdf`` when the file cannot be read.
    """
    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as e:
        raise InputError("the stored PDF cannot be read", code=ErrorCode.CORRUPT_PDF) from e
    try:
        if not 1 <= number <= len(doc):
            raise NotFoundError(f"no page {number}", detail={"pages": len(doc)})
        page = doc[number - 1]
        width_pt = page.get_width()
        scale = min(max_width / width_pt, 150 / 72)  # never more than 150 dpi: a screen needs no more
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return PageImage(out.getvalue(), image.width, image.height)


def page_pixels(pdf: bytes, number: int, *, dpi: int) -> tuple[int, int]:
    """The pixel size of page ``number``: its one full-page image's size, else its size in points at ``dpi``.

    A scan's searchable PDF holds the page image at its own resolution (the
    extractor's boxes are in its pixels); a born-digital page's words were
    measured at the ingest resolution, ``dpi``.
    """
    doc = pdfium.PdfDocument(pdf)
    try:
        if not 1 <= number <= len(doc):
            raise NotFoundError(f"no page {number}", detail={"pages": len(doc)})
        page = doc[number - 1]
        width_pt, height_pt = page.get_width(), page.get_height()
        images = [obj for obj in page.get_objects(max_depth=2) if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        if len(images) == 1:
            left, bottom, right, top = images[0].get_bounds()
            if right - left >= 0.95 * width_pt and top - bottom >= 0.95 * height_pt:
                w, h = images[0].get_px_size()
                return int(w), int(h)
    finally:
        doc.close()
    return round(width_pt * dpi / 72), round(height_pt * dpi / 72)
