"""Assemble the searchable PDF: one page per scan, the image at its own resolution, the text layer over it.

Colour and grey scans are stored as JPEG (DCT), bilevel scans as 1-bit Flate,
each at the page's own pixel size, so the page measures what the paper did.
A born-digital page of a mixed input PDF, whose own text layer was trusted, is
copied from the input as it is (:class:`OriginalPage`), so a dossier of typed
pages and scans comes out searchable on every page. With ``pdfa`` set, and no
page copied from elsewhere, the file identifies itself as PDF/A-2b: XMP
metadata, an sRGB output intent, every font embedded (the glyphless
text-layer font).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import cv2
import numpy as np
import pikepdf
from PIL import ImageCms

from pipeline.searchable._font import add_font
from pipeline.searchable._layer import text_layer
from pipeline.types import Image, Word
from schemas.errors import ErrorCode, InputError
from schemas.settings import SearchableSettings


@dataclass(frozen=True)
class SearchablePage:
    """One page to put in the PDF.

    Attributes:
        image: BGR or grey ``uint8``, upright, as OCR saw it (already deskewed).
        dpi: its resolution.
        words: the OCR words, boxes in pixels of ``image``.
    """

    image: Image
    dpi: int
    words: Sequence[Word] = field(default_factory=tuple)


@dataclass(frozen=True)
class OriginalPage:
    """A page of the input PDF to keep as it is (a born-digital page whose text layer was trusted).

    Attributes:
        index: the page's 0-based index in the input PDF.
    """

    index: int


def _is_bilevel(img: Image) -> bool:
    if img.ndim != 2:
        return False
    return bool(np.isin(img[:: max(1, img.shape[0] // 200)], (0, 255)).all()) and bool(
        np.isin(img, (0, 255)).all())


def _image_xobject(pdf: pikepdf.Pdf, img: Image, quality: int) -> pikepdf.Stream:
    h, w = img.shape[:2]
    if _is_bilevel(img):
        packed = np.packbits(img > 127, axis=1)
        stream = pikepdf.Stream(pdf, zlib.compress(packed.tobytes(), 9))
        stream["/Filter"] = pikepdf.Name.FlateDecode
        stream["/ColorSpace"], stream["/BitsPerComponent"] = pikepdf.Name.DeviceGray, 1
    else:
        ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise InputError("the page image cannot be encoded", code=ErrorCode.CORRUPT_IMAGE)
        stream = pikepdf.Stream(pdf, jpeg.tobytes())
        stream["/Filter"] = pikepdf.Name.DCTDecode
        colour = img.ndim == 3
        stream["/ColorSpace"] = pikepdf.Name.DeviceRGB if colour else pikepdf.Name.DeviceGray
        stream["/BitsPerComponent"] = 8
    stream["/Type"], stream["/Subtype"] = pikepdf.Name.XObject, pikepdf.Name.Image
    stream["/Width"], stream["/Height"] = w, h
    return stream


def _check(page: SearchablePage) -> Image:
    img = page.image
    if img.dtype != np.uint8 or img.ndim not in (2, 3) or img.size == 0 or page.dpi <= 0:
        raise InputError("a page image must be non-empty uint8 grey or BGR with a positive dpi",
                         code=ErrorCode.INVALID_VALUE, detail={"shape": list(img.shape), "dpi": page.dpi})
    if img.ndim == 3 and img.shape[2] == 4:
        return np.ascontiguousarray(img[:, :, :3])
    return img


def _add_page(pdf: pikepdf.Pdf, page: SearchablePage, font: pikepdf.Object, quality: int) -> None:
    img = _check(page)
    h, w = img.shape[:2]
    width, height = w * 72.0 / page.dpi, h * 72.0 / page.dpi
    content = f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Scan Do Q\n".encode("ascii")
    content += text_layer(page.words, dpi=page.dpi, page_h=height)
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=_image_xobject(pdf, img, quality)),
                                   Font=pikepdf.Dictionary(Ftext=font))
    pdf_page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, round(width, 4), round(height, 4)],
        Resources=resources, Contents=pikepdf.Stream(pdf, content),
    ))
    pdf.pages.append(pdf_page)


def _srgb_profile() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def _make_pdfa(pdf: pikepdf.Pdf, cfg: SearchableSettings) -> None:
    icc = pikepdf.Stream(pdf, _srgb_profile())
    icc["/N"] = 3
    pdf.Root.OutputIntents = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier="sRGB",
        Info="sRGB IEC61966-2.1", DestOutputProfile=icc,
    )]))
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = cfg.title or "Bản sao chụp điện tử"
        meta["dc:language"] = [cfg.lang]
        meta["xmp:CreatorTool"] = "sohoa"
        meta["pdf:Producer"] = "sohoa"
        meta["xmp:CreateDate"] = now
        meta["xmp:ModifyDate"] = now


def _open_source(source: bytes | None) -> pikepdf.Pdf:
    if source is None:
        raise InputError("a page to keep from the input PDF was given without the input PDF",
                         code=ErrorCode.INVALID_VALUE)
    try:
        return pikepdf.open(io.BytesIO(source))
    except (pikepdf.PdfError, ValueError) as e:
        raise InputError("the input PDF cannot be opened to copy its pages", code=ErrorCode.CORRUPT_PDF) from e


def _copy_page(pdf: pikepdf.Pdf, src: pikepdf.Pdf, index: int) -> None:
    """Append page ``index`` of ``src`` as it is, less its form-field widgets.

    The fields (signatures above all) belong to the input's own form, which is not carried over:
    a widget without its form would be a signature that no longer verifies.
    """
    if not 0 <= index < len(src.pages):
        raise InputError(f"the input PDF has no page {index + 1}", code=ErrorCode.INVALID_VALUE)
    pdf.pages.append(src.pages[index])
    page = pdf.pages[-1]
    annots = page.obj.get("/Annots")
    if isinstance(annots, pikepdf.Array):
        kept = [a for a in annots if not (isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == "/Widget")]
        if kept:
            page.obj.Annots = pdf.make_indirect(pikepdf.Array(kept))
        else:
            del page.obj["/Annots"]


def make_searchable_pdf(pages: Sequence[SearchablePage | OriginalPage], *, cfg: SearchableSettings,
                        source: bytes | None = None) -> bytes:
    """Turn scans and their OCR into one searchable PDF (PDF/A-2b when ``cfg.pdfa`` and every page is ours).

    Args:
        pages: the pages in order: scans with their OCR words, or pages of ``source`` kept as they are.
        cfg: JPEG quality, PDF/A, title and language.
        source: the input PDF, when some pages are :class:`OriginalPage`.

    Returns:
        The PDF bytes (version 1.7, so at least the 1.4 the decree asks for).

    Raises:
        InputError: no pages, a page image that is not ``uint8`` grey/BGR, or an original
            page without a readable ``source`` that has it.
    """
    if not pages:
        raise InputError("no pages to put in the PDF", code=ErrorCode.EMPTY_FILE)
    pdf = pikepdf.new()
    font = add_font(pdf)
    kept = any(isinstance(p, OriginalPage) for p in pages)
    src = _open_source(source) if kept else None
    try:
        for page in pages:
            if isinstance(page, OriginalPage) and src is not None:
                _copy_page(pdf, src, page.index)
            elif isinstance(page, SearchablePage):
                _add_page(pdf, page, font, cfg.jpeg_quality)
        pdf.Root.Lang = pikepdf.String(cfg.lang)
        if cfg.pdfa and not kept:  # fonts and colours of copied pages are not ours to vouch for
            _make_pdfa(pdf, cfg)
        out = io.BytesIO()
        pdf.save(out, min_version="1.7", fix_metadata_version=True, deterministic_id=False)
    finally:
        if src is not None:
            src.close()
    return out.getvalue()
