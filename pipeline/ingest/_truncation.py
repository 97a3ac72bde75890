"""Whether an image file that failed to decode ends before its own structure says it should.

Decoders report a cut-short file in many ways (or as a generic error); this
tells ``truncated_image`` (send it again) from ``corrupt_image`` (scan it again)
by reading the format's own length fields: PNG's closing IEND chunk, JPEG's EOI
marker, the RIFF and BMP file sizes, TIFF's directories and strip extents.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from pipeline.ingest._sniff import Kind

#: a TIFF with more directories than this is not walked further
_MAX_IFDS = 10_000
#: TIFF tags giving where image data lies and how long it is (strips, then tiles)
_EXTENT_TAGS = ((273, 279), (324, 325))
_TYPE_SIZES = {3: 2, 4: 4, 16: 8}


def looks_cut_short(fh: BinaryIO, kind: Kind, size: int) -> bool:
    """Whether the file stops before its format says it ends.

    Args:
        fh: the file, seekable.
        kind: its sniffed type.
        size: its length in bytes.

    Returns:
        ``True`` when the file is truncated as far as its own structure tells.
    """
    fh.seek(0)
    head = fh.read(32)
    fh.seek(max(0, size - 16))
    tail = fh.read()
    if kind == "png":
        return not tail.endswith(b"IEND\xaeB`\x82")
    if kind == "jpeg":
        return b"\xff\xd9" not in tail
    if kind == "webp":
        return len(head) < 8 or int.from_bytes(head[4:8], "little") + 8 > size
    if kind == "bmp":
        return len(head) < 6 or int.from_bytes(head[2:6], "little") > size
    if kind == "tiff":
        try:
            return _tiff_cut_short(fh, head, size)
        except struct.error:
            return True
    return False


def _tiff_cut_short(fh: BinaryIO, head: bytes, size: int) -> bool:
    """Walk a classic TIFF's directories: any that, or any strip that, lies past the end means truncated."""
    if head[:4] not in (b"II*\x00", b"MM\x00*"):
        return False  # BigTIFF: not walked
    order = "<" if head[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", head[4:8])[0]
    seen: set[int] = set()
    while offset and offset not in seen and len(seen) < _MAX_IFDS:
        seen.add(offset)
        if offset + 2 > size:
            return True
        fh.seek(offset)
        count = struct.unpack(order + "H", fh.read(2))[0]
        if offset + 2 + 12 * count + 4 > size:
            return True
        entries = {}
        for _ in range(count):
            tag, typ, n, raw = struct.unpack(order + "HHI4s", fh.read(12))
            entries[tag] = (typ, n, raw)
        offset = struct.unpack(order + "I", fh.read(4))[0]
        if _strips_past_end(fh, order, entries, size):
            return True
    return False


def _strips_past_end(fh: BinaryIO, order: str, entries: dict[int, tuple[int, int, bytes]], size: int) -> bool:
    for offsets_tag, counts_tag in _EXTENT_TAGS:
        if offsets_tag in entries and counts_tag in entries:
            starts = _values(fh, order, *entries[offsets_tag], size=size)
            lengths = _values(fh, order, *entries[counts_tag], size=size)
            if starts is None or lengths is None:
                return True
            return any(start + length > size for start, length in zip(starts, lengths, strict=False))
    return False


def _values(fh: BinaryIO, order: str, typ: int, count: int, raw: bytes, *, size: int) -> list[int] | None:
    """An integer TIFF field's values (inline or at an offset); ``None`` if they lie past the end."""
    width = _TYPE_SIZES.get(typ, 4)
    code = {2: "H", 4: "I", 8: "Q"}[width]
    total = width * count
    if total <= 4:
        data = raw[:total]
    else:
        at = struct.unpack(order + "I", raw)[0]
        if at + total > size:
            return None
        fh.seek(at)
        data = fh.read(total)
    return list(struct.unpack(f"{order}{count}{code}", data))
