"""What a file is, told from its first bytes (magic numbers), never from its name.

The name only serves to catch a file whose bytes are not what its extension
claims (``type_mismatch``): a scanner that writes JPEG into ``.png``, a Word
file renamed ``.pdf``. Bytes of a type we do not read get ``unsupported_type``
with a description an officer recognises.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

from pipeline.ingest._limits import input_error
from schemas.errors import ErrorCode

Kind = Literal["pdf", "png", "jpeg", "tiff", "bmp", "webp"]

#: how many leading bytes sniffing needs (a PDF header may follow up to 1 KiB of junk)
HEAD_BYTES = 1024 + 8

_EXTENSIONS: dict[str, Kind] = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".jfif": "jpeg",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".bmp": "bmp",
    ".dib": "bmp",
    ".webp": "webp",
}

_LABELS: dict[Kind, str] = {
    "pdf": "a PDF",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "tiff": "a TIFF image",
    "bmp": "a BMP image",
    "webp": "a WebP image",
}

#: sizes of the BMP info headers (OS/2 1.x, Windows 3.x … v5): "BM" alone is too weak a magic
_BMP_HEADER_SIZES = (12, 16, 40, 52, 56, 64, 108, 124)

#: well-known types we refuse, so the message can say what the file is
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel .docx/.xlsx file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel document (.doc/.xls)"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (b"{\\rtf", "an RTF document"),
    (b"AT&TFORM", "a DjVu document"),
    (b"%!PS", "a PostScript file"),
)


def sniff(head: bytes) -> Kind | None:
    """The supported kind the bytes are, or ``None``.

    Args:
        head: the first :data:`HEAD_BYTES` bytes of the file (fewer if it is shorter).

    Returns:
        ``"pdf"``, ``"png"``, ``"jpeg"``, ``"tiff"``, ``"bmp"``, ``"webp"`` or ``None``.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "bmp"
    # readers accept a PDF header anywhere in the first KiB (some producers prepend junk)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def describe(head: bytes) -> str:
    """A few words saying what an unsupported file looks like ("a GIF image", "a text file").

    Args:
        head: the first bytes of the file.

    Returns:
        A phrase for an error message.
    """
    for magic, label in _OTHER_MAGIC:
        if head.startswith(magic):
            return label
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "a HEIC photo (iPhone)"
        return "a video or MP4-family file"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if _looks_like_text(head):
        return "a text file"
    return "a file of unknown type"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the end of the sample is still text
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return bool(text) and printable / len(text) > 0.95


def kind_from_name(name: str) -> Kind | None:
    """The supported kind a file name's extension claims, or ``None``.

    Args:
        name: the file name (a path is fine).

    Returns:
        The claimed kind, or ``None`` when the extension is absent or not ours.
    """
    return _EXTENSIONS.get(PurePath(name).suffix.lower())


def identify(head: bytes, *, name: str) -> Kind:
    """Decide the kind of a file from its bytes, checking the name does not contradict them.

    Args:
        head: the first bytes of the file.
        name: the file name as the officer knows it.

    Returns:
        The kind to read the file as.

    Raises:
        InputError: ``type_mismatch`` when the extension claims a supported type the bytes
            are not; ``unsupported_type`` when the bytes are of a type we do not read.
    """
    kind = sniff(head)
    claimed = kind_from_name(name)
    actual = _LABELS[kind] if kind else describe(head)
    if claimed is not None and claimed != kind:
        raise input_error(
            ErrorCode.TYPE_MISMATCH,
            f"'{name}' is named as {_LABELS[claimed]} but its content is {actual}: "
            "export or scan it again in the right format.",
            name=name,
            claimed=claimed,
            found=kind or actual,
        )
    if kind is None:
        raise input_error(
            ErrorCode.UNSUPPORTED_TYPE,
            f"'{name}' is {actual}, which cannot be digitized: "
            "upload a PDF or an image (PNG, JPEG, TIFF, BMP, WebP).",
            name=name,
            found=actual,
        )
    return kind


def label(kind: Kind) -> str:
    """The phrase naming a supported kind ("a TIFF image")."""
    return _LABELS[kind]
