"""What a signature dictionary says, and whether the file backs it up.

The byte range must start at 0, stay inside the file, and leave exactly one gap
holding this dictionary's ``/Contents``; the signed bytes must end where a
revision of the file ends; and the dictionary itself must be the one written
in that signed revision (a dictionary copied or rewritten later, as in the
"spoofing" attacks, claims a signature that was never made over it).
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from datetime import datetime

import pikepdf

from pipeline.verify._document import PdfFile
from pipeline.verify._fields import SigField

#: the keys a signature dictionary is compared on (``/Contents`` is the gap and is checked against it)
_CLAIMS = ("/Type", "/Filter", "/SubFilter", "/ByteRange", "/Reason", "/Location", "/ContactInfo", "/Name", "/M",
           "/Reference", "/Prop_Build", "/Cert")


@dataclass(frozen=True)
class SigDict:
    """One signed field's signature dictionary, read and checked against the file.

    Attributes:
        field: the signature field.
        kind: ``signature`` or ``doc_timestamp``.
        subfilter: ``/SubFilter`` without the slash (``ETSI.CAdES.detached`` …).
        byte_range: the four numbers, or ``None`` when they are not four integers.
        contents: the CMS bytes (trailing padding included; readers ignore it).
        claimed_time: ``/M``.
        reason: ``/Reason``.
        problems: what is wrong with the dictionary or its byte range (codes).
        changed_keys: keys whose value differs from the signed revision's dictionary.
    """

    field: SigField
    kind: str
    subfilter: str
    byte_range: tuple[int, int, int, int] | None
    contents: bytes
    claimed_time: datetime | None
    reason: str | None
    problems: tuple[str, ...]
    changed_keys: tuple[str, ...]

    @property
    def signed_end(self) -> int:
        """Where the signed bytes end (0 without a usable byte range)."""
        return self.byte_range[2] + self.byte_range[3] if self.byte_range else 0


def read_sigdict(field: SigField, doc: PdfFile) -> SigDict:
    """The facts of ``field``'s signature dictionary (``field.value`` must be set)."""
    value = field.value
    assert value is not None
    subfilter = str(value.get("/SubFilter", "")).lstrip("/")
    timestamp = value.get("/Type") == pikepdf.Name.DocTimeStamp or subfilter == "ETSI.RFC3161"
    byte_range = _byte_range(value.get("/ByteRange"))
    problems: list[str] = []
    gap = _gap(doc.data, byte_range)
    if byte_range is None or gap is None:
        problems.append("byte_range_invalid")
    raw = _hex(gap) if gap is not None else None
    contents = (raw or b"") if doc.encrypted else _contents(value)
    if raw is not None and not doc.encrypted and raw != contents:
        problems.append("contents_outside_byte_range")
    changed: tuple[str, ...] = ()
    if byte_range is not None and gap is not None:
        changed = _changed_since_signing(field, doc, byte_range, problems)
    return SigDict(field=field, kind="doc_timestamp" if timestamp else "signature", subfilter=subfilter,
                   byte_range=byte_range, contents=contents, claimed_time=_date(value.get("/M")),
                   reason=_str(value.get("/Reason")), problems=tuple(problems), changed_keys=changed)


def _changed_since_signing(field: SigField, doc: PdfFile, br: tuple[int, int, int, int],
                           problems: list[str]) -> tuple[str, ...]:
    end = br[2] + br[3]
    if not doc.ends_a_revision(end):
        problems.append("signed_bytes_not_a_revision")
        return ()
    og = field.value_og
    signed = doc.revision(end) if og is not None else None
    old = _object(signed, og) if signed is not None and og is not None else None
    if not isinstance(old, pikepdf.Dictionary):
        # the dictionary the field points to now did not exist in the bytes signed: nobody signed it
        problems.append("signature_dictionary_not_signed")
        return ()
    new = field.value
    assert new is not None
    keys = [k for k in _CLAIMS if _unparsed(old.get(k)) != _unparsed(new.get(k))]
    if keys:
        problems.append("signature_dictionary_changed")
    return tuple(keys)


def _object(pdf: pikepdf.Pdf, og: tuple[int, int]) -> object:
    try:
        return pdf.get_object(og)
    except (pikepdf.PdfError, ValueError, KeyError):
        return None


def _unparsed(value: object) -> bytes | None:
    if value is None:
        return None
    try:
        return value.unparse(resolved=True) if isinstance(value, pikepdf.Object) else repr(value).encode()
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return b"?"


def _byte_range(value: object) -> tuple[int, int, int, int] | None:
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    items: list[object] = list(value)
    numbers = [int(v) for v in items if isinstance(v, int) and not isinstance(v, bool)]
    if len(numbers) != 4:
        return None
    a, b, c, d = numbers
    if a != 0 or b < 0 or d < 0 or c < b:
        return None
    return a, b, c, d


def _gap(data: bytes, br: tuple[int, int, int, int] | None) -> bytes | None:
    """The bytes between the two signed ranges, when they are a ``<hex>`` string inside the file."""
    if br is None or br[2] + br[3] > len(data) or br[2] - br[1] < 2:
        return None
    gap = data[br[1]:br[2]]
    if gap[:1] != b"<" or gap[-1:] != b">":
        return None
    return gap


def _hex(gap: bytes) -> bytes | None:
    digits = gap[1:-1].translate(None, b" \t\r\n\f\x00")
    if len(digits) % 2:
        digits += b"0"
    try:
        return binascii.unhexlify(digits)
    except (binascii.Error, ValueError):
        return None


def _contents(value: pikepdf.Dictionary) -> bytes:
    # in an encrypted file /Contents is read from the gap instead: a signature's /Contents is never
    # encrypted (ISO 32000-1 §7.6.1), but qpdf decrypts it like any string
    raw = value.get("/Contents")
    return bytes(raw) if isinstance(raw, pikepdf.String) else b""


def _str(value: object) -> str | None:
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except (UnicodeDecodeError, ValueError):
            return bytes(value).decode("latin-1")
    return None


def _date(value: object) -> datetime | None:
    from pyhanko.pdf_utils.generic import parse_pdf_date  # one parser for the odd dates signers write

    text = _str(value)
    if not text:
        return None
    try:
        return parse_pdf_date(text, strict=False)
    except (ValueError, TypeError, IndexError, KeyError):
        return None
