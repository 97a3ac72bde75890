"""Assemble the searchable PDF: one page per scan, the image at its own resolution, the text layer over it.

Colour and grey scans are stored as JPEG (DCT), bilevel scans as 1-bit Flate,
each at the page's own pixel size, so the page measures what the paper did.
With ``pdfa`` set the file identifies itself as PDF/A-2b: XMP metadata, an
sRGB output intent, every font embedded (the glyphless text-layer font).
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


def make_searchable_pdf(pages: Sequence[SearchablePage], *, cfg: SearchableSettings) -> bytes:
    """Turn scans and their OCR into one searchable PDF (PDF/A-2b when ``cfg.pdfa``).

    Args:
        pages: the pages in order.
        cfg: JPEG quality, PDF/A, title and language.

    Returns:
        The PDF bytes (version 1.7, so at least the 1.4 the decree asks for).

    Raises:
        InputError: no pages, or a page image that is not ``uint8`` grey/BGR.
    """
    if not pages:
        raise InputError("no pages to put in the PDF", code=ErrorCode.EMPTY_FILE)
    pdf = pikepdf.new()
    font = add_font(pdf)
    for page in pages:
        _add_page(pdf, page, font, cfg.jpeg_quality)
    pdf.Root.Lang = pikepdf.String(cfg.lang)
    if cfg.pdfa:
        _make_pdfa(pdf, cfg)
    out = io.BytesIO()
    pdf.save(out, min_version="1.7", fix_metadata_version=True, deterministic_id=False)
    return out.getvalue()
