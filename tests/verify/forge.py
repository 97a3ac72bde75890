"""Tools to damage and attack signed PDFs the way hostile senders do, for the verification tests.

Every change after signing is an incremental update (pyHanko's writer, or raw bytes
appended by hand for what no writer would write), so the signature stays
cryptographically intact and only the verifier's judgement can catch it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def append(signed: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    """``signed`` with one incremental update made by ``change``."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def last_byte_range(data: bytes) -> tuple[int, int, int, int]:
    """The byte range of the signature written last."""
    found = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    a, b, c, d = (int(n) for n in found[-1])
    return a, b, c, d


def contents_of_last(data: bytes) -> bytes:
    """The DER container of the last signature (its ``/Contents`` string, padding removed)."""
    _, b, c, _ = last_byte_range(data)
    return bytes.fromhex(data[b + 1:c - 1].decode()).rstrip(b"\0")


def with_contents(data: bytes, der: bytes) -> bytes:
    """``data`` with the last signature's ``/Contents`` replaced by ``der`` (zero padded, same length)."""
    _, b, c, _ = last_byte_range(data)
    room = c - b - 2
    hexed = der.hex().encode()
    assert len(hexed) <= room, "the new container does not fit"
    return data[:b + 1] + hexed + b"0" * (room - len(hexed)) + data[c - 1:]


def append_raw(data: bytes, objects: dict[int, bytes], *, trailer_extra: bytes = b"") -> bytes:
    """Append a hand-written update: the given objects (bodies between ``obj`` and ``endobj`` as written)."""
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", data)[-1]
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = max(int(n) for n in re.findall(rb"/Size\s+(\d+)", data))
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for num, body in sorted(objects.items()):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for num, off in sorted(offsets.items()):
        out += f"{num} 1\n{off:010d} 00000 n \n".encode()
    new_size = max(size, *(n + 1 for n in objects))
    out += b"trailer\n<< /Size %d /Root %s /Prev %d %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        new_size, root, prev, trailer_extra, xref)
    return bytes(out)


def next_free(data: bytes) -> int:
    """An object number no revision has used."""
    return max(int(n) for n in re.findall(rb"/Size\s+(\d+)", data)) + 10


def page_of(writer: IncrementalPdfFileWriter, index: int = 0) -> generic.DictionaryObject:
    """The ``index``-th page dictionary (pages of our test PDFs hang right under the root /Pages)."""
    return writer.root["/Pages"]["/Kids"][index].get_object()  # type: ignore[no-any-return]
