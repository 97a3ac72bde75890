"""Scanner-style PDFs for the ingest tests: one image per page in each encoding, and pdfium as referee.

``image_pdf`` makes a one-page PDF whose page is ``PAGE`` (or its grey/bilevel
versions) encoded the way a given scanner does; ``reference`` renders a page
with pdfium, an independent reader, so a test can check that the image ingest
took out natively is the page a viewer shows (orientation, colours, /Decode).
"""

from __future__ import annotations

import zlib

import cv2
import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image

from tests.pipeline.ingest import samples

PAGE = samples.page_pixels()
GREY = samples.grey_pixels()
BILEVEL = samples.bilevel_pixels()
HEIGHT, WIDTH = PAGE.shape[:2]


def _encode(kind: str, pdf: pikepdf.Pdf) -> pikepdf.Stream:
    """An image XObject of the sample page in one of the encodings scanners use."""
    w, h = WIDTH, HEIGHT
    if kind == "dct-rgb":
        return samples.image_stream(pdf, samples.jpeg(PAGE, dpi=None), w, h, BitsPerComponent=8,
                                    ColorSpace="/DeviceRGB", Filter="/DCTDecode")
    if kind == "dct-cmyk-adobe":
        cmyk = samples.save(Image.fromarray(samples.rgb(PAGE)).convert("CMYK"), "JPEG", quality=92)
        return samples.image_stream(pdf, cmyk, w, h, BitsPerComponent=8, ColorSpace="/DeviceCMYK",
                                    Filter="/DCTDecode", Decode=[1, 0, 1, 0, 1, 0, 1, 0])
    if kind == "flate-grey":
        return samples.image_stream(pdf, zlib.compress(GREY.tobytes()), w, h, BitsPerComponent=8,
                                    ColorSpace="/DeviceGray", Filter="/FlateDecode")
    if kind == "flate-grey-16":
        deep = (GREY.astype(">u2") * 257).tobytes()
        return samples.image_stream(pdf, zlib.compress(deep), w, h, BitsPerComponent=16,
                                    ColorSpace="/DeviceGray", Filter="/FlateDecode")
    if kind == "flate-grey-decode-inverted":
        return samples.image_stream(pdf, zlib.compress((255 - GREY).tobytes()), w, h, BitsPerComponent=8,
                                    ColorSpace="/DeviceGray", Filter="/FlateDecode", Decode=[1, 0])
    if kind == "flate-rgb-smask":
        alpha = np.where(GREY < 250, 255, 0).astype(np.uint8)
        smask = samples.image_stream(pdf, zlib.compress(alpha.tobytes()), w, h, BitsPerComponent=8,
                                     ColorSpace="/DeviceGray", Filter="/FlateDecode")
        return samples.image_stream(pdf, zlib.compress(samples.rgb(PAGE).tobytes()), w, h, BitsPerComponent=8,
                                    ColorSpace="/DeviceRGB", Filter="/FlateDecode", SMask=smask)
    if kind == "indexed-8":
        pal = Image.fromarray(samples.rgb(PAGE)).quantize(16)
        palette = bytes((pal.getpalette() or [])[: 16 * 3])
        return samples.image_stream(pdf, zlib.compress(np.asarray(pal).tobytes()), w, h, BitsPerComponent=8,
                                    ColorSpace=["/Indexed", "/DeviceRGB", 15, pikepdf.String(palette)],
                                    Filter="/FlateDecode")
    if kind == "indexed-1":
        bits = samples.flate_bilevel(BILEVEL < 128)  # index 1 = ink, drawn dark blue
        palette = bytes([255, 255, 255, 10, 20, 120])
        return samples.image_stream(pdf, bits, w, h, BitsPerComponent=1,
                                    ColorSpace=["/Indexed", "/DeviceRGB", 1, pikepdf.String(palette)],
                                    Filter="/FlateDecode")
    if kind == "ccitt-g4":
        return samples.image_stream(pdf, samples.g4(BILEVEL), w, h, BitsPerComponent=1, ColorSpace="/DeviceGray",
                                    Filter="/CCITTFaxDecode", DecodeParms={"K": -1, "Columns": w, "Rows": h})
    if kind == "jbig2":
        return samples.image_stream(pdf, samples.jbig2(BILEVEL), w, h, BitsPerComponent=1,
                                    ColorSpace="/DeviceGray", Filter="/JBIG2Decode")
    if kind == "image-mask":
        bits = samples.flate_bilevel(BILEVEL >= 128)  # sample 0 paints (ink), 1 leaves the paper
        return samples.image_stream(pdf, bits, w, h, ImageMask=True, Filter="/FlateDecode")
    if kind == "jpx":
        jp2 = samples.save(Image.fromarray(samples.rgb(PAGE)), "JPEG2000", irreversible=False)
        return samples.image_stream(pdf, jp2, w, h, Filter="/JPXDecode")
    raise ValueError(kind)


KINDS = (
    "dct-rgb", "dct-cmyk-adobe", "flate-grey", "flate-grey-16", "flate-grey-decode-inverted", "flate-rgb-smask",
    "indexed-8", "indexed-1", "ccitt-g4", "jbig2", "image-mask", "jpx",
)


def image_pdf(
    kind: str,
    *,
    dpi: float = 300,
    rotate: int | None = None,
    turn: int = 0,
    in_form: bool = False,
    after: bytes = b"",
    before: bytes = b"",
    text: bool = False,
) -> bytes:
    """A one-page scan PDF: the sample page as ``kind`` at ``dpi``.

    Args:
        kind: one of :data:`KINDS`.
        dpi: resolution the image is placed at.
        rotate: the page's /Rotate, if any.
        turn: the image's placement matrix turns it by this many degrees (0, 90, 180, 270 or -1
            for a vertical flip), as scanners that store pages sideways do.
        in_form: paint the image from inside a form XObject.
        after: content painted after the image.
        before: content painted before the image.
        text: add /F1 (Helvetica) to the resources for ``after``/``before`` text.
    """
    pdf = pikepdf.new()
    image = _encode(kind, pdf)
    w, h = WIDTH * 72 / dpi, HEIGHT * 72 / dpi
    matrices = {
        0: ((w, h), (w, 0, 0, h, 0, 0)),
        90: ((h, w), (0, -w, h, 0, 0, w)),
        180: ((w, h), (-w, 0, 0, -h, w, h)),
        270: ((h, w), (0, w, -h, 0, h, 0)),
        -1: ((w, h), (w, 0, 0, -h, 0, h)),
    }
    size, matrix = matrices[turn]
    prefix = b"0 g\n" if kind == "image-mask" else b""
    samples.add_image_page(pdf, image, size_pt=size, matrix=matrix, rotate=rotate, in_form=in_form,
                           before=prefix + before, after=after, fonts=samples.helvetica(pdf) if text else None)
    return samples.pdf_bytes(pdf)


def reference(data: bytes, index: int, dpi: float) -> np.ndarray:
    """pdfium's rendering of a page at ``dpi``, BGR (the referee for orientation and colour)."""
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[index]
        bitmap = page.render(scale=dpi / 72)
        out = np.array(bitmap.to_numpy(), copy=True)[..., :3]
        bitmap.close()
        page.close()
    finally:
        doc.close()
    return out


def difference(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Mean absolute difference in grey levels over the common area (pdfium may round a page up a pixel)."""
    a = ours if ours.ndim == 2 else cv2.cvtColor(ours, cv2.COLOR_BGR2GRAY)
    b = theirs if theirs.ndim == 2 else cv2.cvtColor(theirs, cv2.COLOR_BGR2GRAY)
    assert abs(a.shape[0] - b.shape[0]) <= 2 and abs(a.shape[1] - b.shape[1]) <= 2, (a.shape, b.shape)
    rows, cols = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return float(np.abs(a[:rows, :cols].astype(np.int16) - b[:rows, :cols].astype(np.int16)).mean())
