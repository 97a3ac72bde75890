"""The file as qpdf reads it: the final document, where each object was last written, and the revisions signed.

qpdf (through pikepdf) opens damaged files other readers refuse, permission-only
encrypted files without a password, and reports where each object was written.
A signed revision is the file cut at the end of the signature's byte range,
opened on its own: the document exactly as the signer saw it. Stream data is
read raw (compared, never decoded) except for the DSS, whose streams are
decoded under a size cap.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

from schemas.errors import ErrorCode, LimitExceeded, VerificationError

#: decoded size allowed for one DSS stream (a certificate, an OCSP answer, a CRL)
_MAX_DSS_STREAM = 16 * 1024 * 1024


@dataclass(frozen=True)
class Dss:
    """The validation data a file carries in its Document Security Store.

    Attributes:
        certs: DER certificates.
        ocsps: DER OCSP responses.
        crls: DER CRLs.
    """

    certs: tuple[bytes, ...]
    ocsps: tuple[bytes, ...]
    crls: tuple[bytes, ...]


class PdfFile:
    """One PDF to verify: its bytes, the final document, and its signed revisions on demand.

    Args:
        data: the whole file.
        max_bytes: larger files are refused.

    Raises:
        VerificationError: ``not_a_pdf``, ``password_required``, ``corrupt_pdf``.
        LimitExceeded: ``file_too_large``.
    """

    def __init__(self, data: bytes, *, max_bytes: int) -> None:
        if len(data) > max_bytes:
            raise LimitExceeded(f"the file is {len(data)} bytes, over the limit of {max_bytes}",
                                code=ErrorCode.FILE_TOO_LARGE, detail={"limit": max_bytes, "value": len(data)})
        if b"%PDF-" not in data[:1024]:
            raise VerificationError("the file is not a PDF", code=ErrorCode.NOT_A_PDF)
        self.data = data
        self.pdf = _open(data)
        self.encrypted = bool(self.pdf.is_encrypted)
        self.xref = _xref(self.pdf)
        self._revisions: dict[int, pikepdf.Pdf | None] = {}

    def written_at(self, og: tuple[int, int]) -> int | None:
        """Byte offset at which object ``og`` was last written (its object stream's, when packed in one)."""
        entry = self.xref.get(og)
        if entry is None:
            return None
        if entry[0] == 1:
            return entry[1]
        if entry[0] == 2:
            holder = self.xref.get((entry[1], 0))
            return holder[1] if holder is not None and holder[0] == 1 else None
        return None

    def revision(self, end: int) -> pikepdf.Pdf | None:
        """The document as it was in the first ``end`` bytes (``None``: those bytes are no PDF)."""
        if end not in self._revisions:
            try:
                self._revisions[end] = _open(self.data[:end]) if 0 < end <= len(self.data) else None
            except VerificationError:
                self._revisions[end] = None
        return self._revisions[end]

    def ends_a_revision(self, end: int) -> bool:
        """Whether ``end`` is where an incremental update of the file ends (just after an ``%%EOF``)."""
        return 0 < end <= len(self.data) and self.data[max(0, end - 64):end].rstrip(b"\r\n\t \x00").endswith(b"%%EOF")

    def dss(self) -> Dss | None:
        """The Document Security Store of the final document (``None``: there is none)."""
        store = self.pdf.Root.get("/DSS")
        if not isinstance(store, pikepdf.Dictionary):
            return None
        return Dss(certs=tuple(_streams(store.get("/Certs"))), ocsps=tuple(_streams(store.get("/OCSPs"))),
                   crls=tuple(_streams(store.get("/CRLs"))))

    def close(self) -> None:
        """Release qpdf's handles."""
        for pdf in [self.pdf, *(r for r in self._revisions.values() if r is not None)]:
            pdf.close()


def _open(data: bytes) -> pikepdf.Pdf:
    try:
        # an empty user password opens permission-only encryption, as every viewer does
        return pikepdf.open(io.BytesIO(data), password="")
    except pikepdf.PasswordError as e:
        raise VerificationError("the PDF opens only with a password; ask the sender for an unprotected copy",
                                code=ErrorCode.PASSWORD_REQUIRED) from e
    except (pikepdf.PdfError, ValueError, RuntimeError) as e:
        raise VerificationError(f"the PDF is damaged beyond repair: {e}", code=ErrorCode.CORRUPT_PDF) from e


def _xref(pdf: pikepdf.Pdf) -> dict[tuple[int, int], tuple[int, int]]:
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for og, entry in pdf.get_xref_table().items():
        kind = int(entry.type)
        if kind == 1:
            out[og] = (1, int(entry.offset or 0))
        elif kind == 2:
            out[og] = (2, int(entry.obj_stream_number or 0))
    return out


def _streams(array: object) -> Iterator[bytes]:
    if not isinstance(array, pikepdf.Array):
        return
    for item in array:
        if isinstance(item, pikepdf.Stream):
            data = bounded_stream(item, _MAX_DSS_STREAM)
            if data:
                yield data


def bounded_stream(stream: pikepdf.Stream, limit: int) -> bytes:
    """The decoded data of ``stream``, or ``b""`` when it decodes past ``limit`` bytes or not at all.

    A lone ``/FlateDecode`` (what DSS streams use) is inflated here under the cap;
    other filters go through qpdf only when the raw data is small.
    """
    try:
        filters = stream.get("/Filter")
        raw = stream.read_raw_bytes()
        if filters is None:
            return raw if len(raw) <= limit else b""
        if filters == pikepdf.Name.FlateDecode and stream.get("/DecodeParms") is None:
            inflater = zlib.decompressobj()
            out = inflater.decompress(raw, limit + 1)
            return out if len(out) <= limit else b""
        if len(raw) * 100 > limit:
            return b""
        data = stream.read_bytes()
        return data if len(data) <= limit else b""
    except (pikepdf.PdfError, zlib.error, ValueError, RuntimeError):
        return b""
