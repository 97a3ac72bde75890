"""Encoders for the written files: PNG/JPEG scans, multi-page TIFF with per-page compression,
image-only and mixed PDFs. No encoder writes a clock time, so bytes follow the seed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, TiffImagePlugin

from corpus._pdf import ScannedPage, write_pdf
from corpus._types import Degraded, PageSpec


def is_bilevel(page: Degraded) -> bool:
    """Whether the page came out of the fax profile (black and white only)."""
    return "bilevel" in page.damage


def encode_image(page: Degraded, fmt: str, *, quality: int = 85) -> bytes:
    """One page as ``PNG`` or ``JPEG`` bytes with its dpi recorded (a photo records 72, as phones do)."""
    buf = io.BytesIO()
    dpi = 72 if "perspective" in page.damage else page.dpi
    img = page.image.convert("1") if is_bilevel(page) and fmt == "PNG" else page.image
    if fmt == "JPEG":
        img.save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi), optimize=False)
    else:
        img.save(buf, format="PNG", compress_level=1, dpi=(dpi, dpi))
    return buf.getvalue()


def scanned_page(page: Degraded, *, quality: int = 80, flate: bool = False) -> ScannedPage:
    """A degraded page ready for a PDF: JPEG (DCT) for colour, PNG (Flate) when asked or bilevel."""
    fmt = "PNG" if flate or is_bilevel(page) else "JPEG"
    data = encode_image(page, fmt, quality=quality)
    return ScannedPage(data, page.image.width, page.image.height, page.dpi)


def write_image_pdf(path: Path, pages: Sequence[ScannedPage | PageSpec]) -> None:
    """A PDF of scanned (and, for mixed files, born-digital) pages."""
    path.write_bytes(write_pdf(pages))


def write_tiff(path: Path, pages: Sequence[tuple[Degraded, str]]) -> None:
    """A multi-page TIFF; each page with its own compression (``group4`` pages are made bilevel)."""
    with path.open("w+b") as fp, TiffImagePlugin.AppendingTiffWriter(fp, new=True) as tf:
        for page, compression in pages:
            img: Image.Image = page.image
            if compression == "group4":
                img = img.convert("1")
            extra = {"quality": 80} if compression == "jpeg" else {}
            img.save(tf, format="TIFF", compression=compression, dpi=(page.dpi, page.dpi), **extra)
            tf.newFrame()
