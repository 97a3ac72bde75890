"""Make the printable copy: each page of the document placed whole below its band.

A page is never covered: its content is scaled down (never up) to fit under
the band, so the QR code at the top-left hides nothing the paper says. A page
smaller than A5 (an ID card, a receipt) is put at its own size on an A4 sheet.
Visible signatures and other annotations are flattened into the page first, so
the stamps print; the copy itself carries no signature (it is paper-to-be, and
says where the signed original can be checked).
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from pipeline.printable._band import MM, PrintLayout, draw_bands
from pipeline.printable._label import PrintLabel
from schemas.errors import ErrorCode, InputError

A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)

Box = tuple[float, float, float, float]  # llx, lly, urx, ury in points


def _open(data: bytes) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as e:
        raise InputError("the PDF is encrypted", code=ErrorCode.ENCRYPTED_PDF) from e
    except pikepdf.PdfError as e:
        raise InputError("the PDF cannot be read", code=ErrorCode.CORRUPT_PDF,
                         detail={"reason": str(e)[:200]}) from e


def _visible_size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.cropbox
    width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    return (height, width) if rotate in (90, 270) else (width, height)


def plan_page(size: tuple[float, float], layout: PrintLayout) -> tuple[tuple[float, float], Box]:
    """Where one page goes: the output sheet's size and the box its content is fitted into.

    Args:
        size: the page's visible (width, height) in points, rotation applied.
        layout: the band's sizes.

    Returns:
        ((sheet width, sheet height), content box); the content is fitted into the box
        keeping its proportions, centred, shrunk but never enlarged.
    """
    width, height = size
    band = layout.band_pt
    if width < A5[0] and height < A5[1]:
        sheet = A4
        left = layout.margin_mm * MM
        top = sheet[1] - band
        return sheet, (left, top - height, left + width, top)
    return (width, height), (0.0, 0.0, width, height - band)


def make_printable(pdf: bytes, label: PrintLabel, *, font_path: Path,
                   layout: PrintLayout | None = None) -> bytes:
    """The printed copy of a stored document or signed result, with its QR code top-left on page 1.

    Args:
        pdf: the document (a searchable scan, a signed result, any PDF).
        label: dossier, procedure, owner and document name (and what else the paper should say).
        font_path: a TrueType font with Vietnamese glyphs for the label.
        layout: band sizes; the defaults suit A4.

    Returns:
        A new PDF with as many pages as ``pdf``, each page's text kept (placed, not rasterized).

    Raises:
        InputError: ``encrypted_pdf`` or ``corrupt_pdf`` when the document cannot be opened,
            ``invalid_value`` when it has no page.
    """
    layout = layout or PrintLayout()
    with _open(pdf) as src:
        if len(src.pages) == 0:
            raise InputError("the PDF has no page", code=ErrorCode.INVALID_VALUE)
        src.flatten_annotations("print")
        plans = [plan_page(_visible_size(page), layout) for page in src.pages]
        bands = draw_bands(label, [sheet for sheet, _ in plans], font_path=font_path, layout=layout)
        with pikepdf.open(io.BytesIO(bands)) as out:
            for page, target, (_, box) in zip(src.pages, out.pages, plans, strict=True):
                _place(out, target, page, box)
            buffer = io.BytesIO()
            out.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _place(out: pikepdf.Pdf, target: pikepdf.Page, page: pikepdf.Page, box: Box) -> None:
    form = out.copy_foreign(page.as_form_xobject(handle_transformations=True))
    name = target.add_resource(form, pikepdf.Name.XObject, prefix="Doc")
    placement = target.calc_form_xobject_placement(form, name, pikepdf.Rectangle(*box),
                                                   allow_shrink=True, allow_expand=False)
    target.contents_add(pikepdf.Stream(out, b"q\n" + placement + b"\nQ\n"), prepend=False)
