"""PDF writing with fpdf2: born-digital pages (real text, fonts embedded) and scanned pages.

Every PDF carries a fixed creation date so that the same seed gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fpdf import FPDF
from PIL import Image

from corpus._types import ImageOp, LineOp, PageSpec, RectOp, TextOp

#: The creation date written into every generated PDF (no clock is read).
FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ScannedPage:
    """A page that is only an image: ``data`` is the encoded JPEG or PNG, ``dpi`` its resolution."""

    data: bytes
    width_px: int
    height_px: int
    dpi: int


def write_pdf(pages: Sequence[PageSpec | ScannedPage]) -> bytes:
    """A PDF of the pages in order: specs as born-digital pages, scans as one image per page."""
    pdf = FPDF(unit="pt")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer("sohoa corpus")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    fonts: dict[str, str] = {}
    for page in pages:
        if isinstance(page, ScannedPage):
            _scanned(pdf, page)
        else:
            _born_digital(pdf, page, fonts)
    return bytes(pdf.output())


def _scanned(pdf: FPDF, page: ScannedPage) -> None:
    w = page.width_px * 72.0 / page.dpi
    h = page.height_px * 72.0 / page.dpi
    pdf.add_page(format=(w, h))
    pdf.image(io.BytesIO(page.data), x=0, y=0, w=w, h=h)


def _font_key(pdf: FPDF, fonts: dict[str, str], path: str) -> str:
    if path not in fonts:
        key = f"f{len(fonts)}"
        pdf.add_font(key, "", path)
        fonts[path] = key
    return fonts[path]


def _born_digital(pdf: FPDF, spec: PageSpec, fonts: dict[str, str]) -> None:
    pdf.add_page(format=(spec.width, spec.height))
    if spec.paper != (255, 255, 255):
        pdf.set_fill_color(*spec.paper)
        pdf.rect(0, 0, spec.width, spec.height, style="F")
    for op in spec.ops:
        if isinstance(op, TextOp):
            pdf.set_font(_font_key(pdf, fonts, op.font), size=op.size)
            pdf.set_text_color(*op.color)
            pdf.text(op.x, op.y, op.text)
        elif isinstance(op, LineOp):
            pdf.set_draw_color(*op.color)
            pdf.set_line_width(op.width)
            if op.dash:
                pdf.set_dash_pattern(dash=op.dash[0], gap=op.dash[1])
            pdf.line(op.x0, op.y0, op.x1, op.y1)
            if op.dash:
                pdf.set_dash_pattern()
        elif isinstance(op, RectOp):
            _rect(pdf, op)
        else:
            _image(pdf, op)


def _rect(pdf: FPDF, op: RectOp) -> None:
    style = ("F" if op.fill else "") + ("D" if op.stroke else "")
    if not style:
        return
    if op.fill:
        pdf.set_fill_color(*op.fill)
    if op.stroke:
        pdf.set_draw_color(*op.stroke)
        pdf.set_line_width(op.width)
    pdf.rect(op.x, op.y, op.w, op.h, style=style)


def _image(pdf: FPDF, op: ImageOp) -> None:
    img: Image.Image = op.image
    if op.multiply:
        with pdf.local_context(blend_mode="MULTIPLY"):
            pdf.image(img, x=op.x, y=op.y, w=op.w, h=op.h)
    else:
        pdf.image(img, x=op.x, y=op.y, w=op.w, h=op.h)
