"""Sample input files for the ingest tests, made on the fly (no binary file is checked in).

Each function returns the bytes of one kind of file a scanner, a phone or an
office produces; README.md beside this file says how each is made and what it
stands for. Pages are small (a few hundred pixels) so the tests stay fast.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pikepdf
from PIL import Image

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --------------------------------------------------------------------------- pixels


def page_pixels(width: int = 480, height: int = 640, *, seed: int = 0) -> np.ndarray:
    """A BGR page: white paper, black text-like lines, a red seal in the lower right, a mark top-left."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), 255, np.uint8)
    for i, y in enumerate(range(60, height - 120, 36)):
        words = " ".join(rng.choice(["HO", "TEN", "NGAY", "SINH", "SO", "CCCD", "1990"], size=4))
        cv2.putText(img, words if i else "GIAY KHAI SINH", (30, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 2)
    cv2.circle(img, (width - 90, height - 80), 50, (40, 40, 220), 6)
    # an asymmetric mark so that flips and quarter turns are detectable
    img[10:40, 10:90] = 0
    return img


def grey_pixels(width: int = 480, height: int = 640) -> np.ndarray:
    """The page in grey."""
    return cv2.cvtColor(page_pixels(width, height), cv2.COLOR_BGR2GRAY)


def bilevel_pixels(width: int = 480, height: int = 640) -> np.ndarray:
    """The page in black and white, 0/255."""
    return np.where(grey_pixels(width, height) < 128, 0, 255).astype(np.uint8)


def rgb(img: np.ndarray) -> np.ndarray:
    """BGR to RGB (Pillow's order)."""
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


# --------------------------------------------------------------------------- image files


def save(pil: Image.Image, fmt: str, **params: object) -> bytes:
    """Encode a Pillow image."""
    buf = io.BytesIO()
    pil.save(buf, fmt, **params)
    return buf.getvalue()


def png(img: np.ndarray, *, dpi: int | None = 300) -> bytes:
    """An 8-bit PNG (grey or colour), with a pHYs resolution unless ``dpi`` is None."""
    pil = Image.fromarray(img if img.ndim == 2 else rgb(img))
    return save(pil, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))


def png16(img: np.ndarray) -> bytes:
    """A 16-bit PNG (grey or colour): OpenCV writes 16 bits per sample."""
    ok, buf = cv2.imencode(".png", img.astype(np.uint16) * 257)
    assert ok
    return buf.tobytes()


def png_alpha(img: np.ndarray, *, sixteen: bool = False) -> bytes:
    """A PNG whose paper is fully transparent (black ink opaque): must come out on white."""
    alpha = np.where(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) < 250, 255, 0).astype(np.uint8)
    bgra = np.dstack([img, alpha])
    bgra[alpha == 0, :3] = 0  # transparent pixels hide black: compositing must not show it
    if sixteen:
        ok, buf = cv2.imencode(".png", bgra.astype(np.uint16) * 257)
        assert ok
        return buf.tobytes()
    return save(Image.fromarray(cv2.cvtColor(bgra, cv2.COLOR_BGRA2RGBA)), "PNG")


def png_palette(img: np.ndarray, *, grey: bool = False) -> bytes:
    """A palette (indexed) PNG, colour or with a grey palette."""
    pil = Image.fromarray(img if grey else rgb(img))
    return save(pil.convert("L").quantize(16) if grey else pil.quantize(16), "PNG")


def jpeg(
    img: np.ndarray, *, dpi: int | None = 300, orientation: int | None = None, cmyk: bool = False, quality: int = 92
) -> bytes:
    """A JPEG, optionally CMYK (Adobe) or with an EXIF orientation tag.

    With ``orientation=6`` the stored pixels are the page turned 90° counter-clockwise,
    so a viewer that honours the tag (turning 90° clockwise) shows ``img`` upright.
    """
    stored = img
    if orientation == 6:
        stored = np.ascontiguousarray(np.rot90(img, 1))
    pil = Image.fromarray(stored if stored.ndim == 2 else rgb(stored))
    if cmyk:
        pil = pil.convert("CMYK")
    params: dict[str, object] = {"quality": quality}
    if dpi:
        params["dpi"] = (dpi, dpi)
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        params["exif"] = exif.tobytes()
    return save(pil, "JPEG", **params)


def tiff(pages: Sequence[Image.Image], *, compression: str | None = None, dpi: int = 300) -> bytes:
    """A (multi-page) TIFF of Pillow images with one compression."""
    params: dict[str, object] = {"dpi": (dpi, dpi), "save_all": True, "append_images": list(pages[1:])}
    if compression:
        params["compression"] = compression
    return save(pages[0], "TIFF", **params)


def tiff_raw(
    data: bytes, *, width: int, height: int, samples: int, bits: int, photometric: int, dpi: int = 300
) -> bytes:
    """An uncompressed little-endian TIFF written by hand (for 16-bit CMYK, which Pillow cannot write)."""
    entries = [
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, samples, None), (259, 3, 1, 1),
        (262, 3, 1, photometric), (273, 4, 1, None), (277, 3, 1, samples), (278, 4, 1, height),
        (279, 4, 1, len(data)), (282, 5, 1, None), (283, 5, 1, None), (284, 3, 1, 1), (296, 3, 1, 2),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    extra_at = 8 + ifd_size
    bits_blob = struct.pack(f"<{samples}H", *([bits] * samples))
    res_blob = struct.pack("<II", dpi, 1)
    data_at = extra_at + len(bits_blob) + 2 * len(res_blob)
    values = {258: extra_at if samples > 2 else bits, 273: data_at, 282: extra_at + len(bits_blob),
              283: extra_at + len(bits_blob) + len(res_blob)}
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, typ, count, value in entries:
        value = values.get(tag, value)
        packed = struct.pack("<HH", value, 0) if typ == 3 and count == 1 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, typ, count) + packed
    out += struct.pack("<I", 0) + bits_blob + res_blob + res_blob + data
    return bytes(out)


def g4(bilevel: np.ndarray) -> bytes:
    """CCITT Group 4 data (PDF convention, ``BlackIs1`` false) of a 0/255 image, via libtiff."""
    # Pillow writes bilevel TIFF as min-is-black: feed it the negative so that the coded
    # "white" runs are white paper, as PDF's CCITTFaxDecode expects by default
    inverted = Image.fromarray(255 - bilevel).convert("1")
    data = save(inverted, "TIFF", compression="group4", tiffinfo={278: bilevel.shape[0]})
    tif: Any = Image.open(io.BytesIO(data))
    offset, length = tif.tag_v2[273][0], tif.tag_v2[279][0]
    return data[offset : offset + length]


def jbig2(bilevel: np.ndarray) -> bytes:
    """An embedded JBIG2 stream (for a PDF): page info + one MMR-coded generic region + end of page.

    JBIG2 generic regions may be coded with MMR, which is CCITT T.6 (Group 4): the G4
    data libtiff makes is the region's data as it stands. 1 is black in JBIG2.
    """
    height, width = bilevel.shape
    data = g4(bilevel)

    def segment(number: int, kind: int, payload: bytes) -> bytes:
        # segment number, flags (type; 1-byte page association), no referred-to segments, page 1
        return struct.pack(">IBBBI", number, kind, 0, 1, len(payload)) + payload

    page_info = struct.pack(">IIIIBH", width, height, 0, 0, 0, 0)
    region = struct.pack(">IIIIB", width, height, 0, 0, 0) + bytes([0x01]) + data  # flags: MMR=1
    return segment(0, 48, page_info) + segment(1, 38, region) + segment(2, 49, b"")


# --------------------------------------------------------------------------- PDFs


def pdf_bytes(pdf: pikepdf.Pdf, **save_options: Any) -> bytes:
    """Serialize a pikepdf document."""
    buf = io.BytesIO()
    pdf.save(buf, **save_options)
    return buf.getvalue()


def image_stream(pdf: pikepdf.Pdf, data: bytes, width: int, height: int, **entries: object) -> pikepdf.Stream:
    """An image XObject with the given dictionary entries (names as ``"/DeviceRGB"`` strings)."""
    stream = pikepdf.Stream(pdf, data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = width, height
    for key, value in entries.items():
        stream[f"/{key}"] = _pdf_value(value)
    return stream


def _pdf_value(value: object) -> object:
    if isinstance(value, str) and value.startswith("/"):
        return pikepdf.Name(value)
    if isinstance(value, list):
        return pikepdf.Array([_pdf_value(v) for v in value])
    if isinstance(value, dict):
        return pikepdf.Dictionary({f"/{k}": _pdf_value(v) for k, v in value.items()})
    return value


def add_image_page(
    pdf: pikepdf.Pdf,
    image: pikepdf.Stream,
    *,
    size_pt: tuple[float, float],
    matrix: tuple[float, ...] | None = None,
    rotate: int | None = None,
    in_form: bool = False,
    before: bytes = b"",
    after: bytes = b"",
    fonts: pikepdf.Dictionary | None = None,
) -> None:
    """A page that paints ``image`` (full page unless ``matrix``), optionally inside a form XObject."""
    width, height = size_pt
    matrix = matrix or (width, 0, 0, height, 0, 0)
    page = pdf.add_blank_page(page_size=size_pt)
    cm = " ".join(f"{v:g}" for v in matrix).encode()
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    if in_form:
        form = pikepdf.Stream(pdf, b"q " + cm + b" cm /Im0 Do Q")
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = [0, 0, width, height]
        form.Matrix = [1, 0, 0, 1, 0, 0]
        form.Resources = resources
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
        draw = b"q /Fm0 Do Q"
    else:
        draw = b"q " + cm + b" cm /Im0 Do Q"
    if fonts is not None:
        resources.Font = fonts
    page.Resources = resources
    page.Contents = pikepdf.Stream(pdf, before + b"\n" + draw + b"\n" + after)
    if rotate is not None:
        page.Rotate = rotate


def helvetica(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """A font resource dictionary with /F1 = Helvetica (base 14, not embedded)."""
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
                           Encoding=pikepdf.Name.WinAnsiEncoding)
    )
    return pikepdf.Dictionary(F1=font)


def text_ops(lines: Sequence[tuple[float, float, str]], *, size: float = 12, mode: int = 0) -> bytes:
    """Content that shows ASCII ``lines`` as ``(x, baseline_y, text)`` in /F1, in render ``mode``."""
    out = [f"BT /F1 {size:g} Tf {mode} Tr".encode()]
    for x, y, text in lines:
        out.append(f"1 0 0 1 {x:g} {y:g} Tm ({text}) Tj".encode())
    out.append(b"ET")
    return b"\n".join(out)


def text_pdf(lines: Sequence[tuple[float, float, str]], *, size_pt: tuple[float, float] = (595, 842),
             rotate: int | None = None, font_size: float = 12) -> bytes:
    """A born-digital page with Helvetica text at known positions."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=size_pt)
    page.Resources = pikepdf.Dictionary(Font=helvetica(pdf))
    page.Contents = pikepdf.Stream(pdf, text_ops(lines, size=font_size))
    if rotate is not None:
        page.Rotate = rotate
    return pdf_bytes(pdf)


def vietnamese_pdf(lines: Sequence[str], *, drop_unicode_map: bool = False) -> bytes:
    """A born-digital A4 page in DejaVu Sans (embedded, Identity-H) with Vietnamese text, via fpdf2.

    With ``drop_unicode_map`` the font's /ToUnicode is removed, so text extraction sees
    only ``(cid:NN)`` glyph ids: a text layer that is present but useless.
    """
    from fpdf import FPDF

    doc = FPDF(unit="pt", format=(595, 842))
    doc.add_page()
    doc.add_font("dejavu", fname=str(DEJAVU))
    doc.set_font("dejavu", size=14)
    for i, line in enumerate(lines):
        doc.text(72, 100 + 30 * i, line)
    data = bytes(doc.output())
    if not drop_unicode_map:
        return data
    pdf = pikepdf.open(io.BytesIO(data))
    for font in pdf.pages[0].Resources.Font.values():
        if "/ToUnicode" in font:
            del font["/ToUnicode"]
    return pdf_bytes(pdf)


def raw_pdf(objects: Sequence[bytes], *, root: int = 1) -> bytes:
    """A PDF written object by object (``objects[i]`` is object ``i + 1``) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def many_pages_pdf(count: int) -> bytes:
    """A real ``count``-page PDF (tiny pages sharing one content stream), written directly."""
    first_page = 4
    kids = " ".join(f"{first_page + i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Count {count} /Kids [{kids}] >>".encode(),
        b"<< /Length 14 >>\nstream\n0 0 10 10 re f\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 3 0 R >>"
    objects.extend(page for _ in range(count))
    return raw_pdf(objects)


def break_xref(data: bytes) -> bytes:
    """Damage a PDF's cross-reference table: every offset wrong, ``startxref`` pointing nowhere."""
    damaged = re.sub(rb"\d{10} 00000 n", b"0000000001 00000 n", data)
    return re.sub(rb"startxref\s+\d+", b"startxref\n123", damaged)


def encrypt(data: bytes, *, user: str, owner: str) -> bytes:
    """Re-save a PDF encrypted (AES-256) with the given user and owner passwords."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return pdf_bytes(pdf, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))


def classic_xref(data: bytes) -> bytes:
    """Re-save a PDF with a classic xref table (no object or xref streams)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.disable)


def flate_bilevel(bits: np.ndarray) -> bytes:
    """Flate data of a boolean image (True = white), 1 bit per pixel, rows padded to bytes."""
    return zlib.compress(np.packbits(bits, axis=1).tobytes(), 1)


def huge_bilevel_page(dpi: int = 2400, size_in: tuple[float, float] = (8.27, 11.69)) -> tuple[bytes, int, int]:
    """A page of ``size_in`` inches holding one 1-bit Flate image at ``dpi``, with black bars.

    Returns:
        ``(pdf_bytes, width_px, height_px)`` of the image.
    """
    width, height = round(size_in[0] * dpi), round(size_in[1] * dpi)
    row_bytes = -(-width // 8)
    packed = np.full((height, row_bytes), 0xFF, np.uint8)
    for k in range(8):  # eight thick black bars, an eighth of the page apart
        top = height * k // 8 + height // 32
        packed[top : top + height // 64, row_bytes // 8 : row_bytes * 7 // 8] = 0
    data = zlib.compress(packed.tobytes(), 1)
    del packed
    pdf = pikepdf.new()
    image = image_stream(pdf, data, width, height, BitsPerComponent=1, ColorSpace="/DeviceGray",
                         Filter="/FlateDecode")
    add_image_page(pdf, image, size_pt=(size_in[0] * 72, size_in[1] * 72))
    return pdf_bytes(pdf), width, height


@functools.cache
def png_bomb(side: int = 30_000) -> bytes:
    """A real decompression bomb: a ``side``×``side`` 1-bit all-white PNG, about 100 KB on disk."""
    row = b"\x00" + b"\xff" * (-(-side // 8))
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * 1000) for _ in range(side // 1000)]
    chunks.append(compressor.compress(row * (side % 1000)))
    chunks.append(compressor.flush())
    idat = b"".join(chunks)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
