"""Turning the pipeline's result into document rows: fields, Art. 9 metadata, promoted keys, expiry."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, delete, insert
from sqlalchemy.orm import Session

from schemas.documents import METADATA_FIELDS, ComponentResult, DigitizeResult, DocType
from store.records._fold import key_hash, search_text
from store.records._models import Document, Signature, utcnow
from store.records._types import Principal

#: validity counted from the issue date where the paper does not print one (DESIGN.md, Art. 9 h)
VALIDITY_MONTHS: dict[str, int] = {"tinh_trang_hon_nhan": 6, "xac_nhan_cu_tru": 12}

#: SQLite's FTS5 table (made by the migration; kept out of the ORM metadata on purpose)
FTS = Table("documents_fts", MetaData(), Column("document_id", String), Column("citizen_id", String),
            Column("body", Text))


@dataclass(frozen=True)
class SignatureInput:
    """A signature a worker applied, to be recorded beside the document.

    Attributes:
        role: ``officer`` (scan), ``signer`` / ``agency`` (result), ``copy`` (certified copy).
        signer_name: the certificate's subject name.
        cert_serial: the certificate serial number (hex).
        level: ``B-B`` … ``B-LTA``.
        signed_at: when it was signed (aware).
    """

    role: str
    signer_name: str
    cert_serial: str | None
    level: str | None
    signed_at: datetime


def value_of(fields: dict[str, Any], name: str) -> str | None:
    """A field's value from the stored ``{name: {value, …}}`` JSON."""
    entry = fields.get(name)
    value = entry.get("value") if isinstance(entry, dict) else None
    return value if isinstance(value, str) and value else None


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def expiry_of(doc_type: str, fields: dict[str, Any], metadata: dict[str, str | None]) -> date | None:
    """The last day the paper is valid: printed, or counted from the issue date by its type's rule."""
    printed = _iso_date(metadata.get("thoi_han_hieu_luc")) or _iso_date(value_of(fields, "co_gia_tri_den"))
    if printed:
        return printed
    issued = _iso_date(metadata.get("ngay_cap")) or _iso_date(value_of(fields, "ngay_cap"))
    months = VALIDITY_MONTHS.get(doc_type)
    return _add_months(issued, months) if issued and months else None


def refresh_derived(row: Document) -> None:
    """Recompute the promoted keys, fingerprint, expiry and search text from fields and metadata."""
    metadata = {name: getattr(row, name) for name in METADATA_FIELDS}
    fields = row.fields or {}
    sdd = value_of(fields, "so_dinh_danh")
    row.so_dinh_danh = sdd if sdd and sdd.isdigit() and len(sdd) == 12 else None
    row.ho_ten = value_of(fields, "ho_ten") or value_of(fields, "ten_ho_kinh_doanh")
    row.ngay_sinh = value_of(fields, "ngay_sinh")
    values: dict[str, str | None] = {name: value_of(fields, name) for name in fields}
    values.update({k: v for k, v in metadata.items() if v})
    row.key_hash = key_hash(row.doc_type, values)
    row.expires_on = expiry_of(row.doc_type, fields, metadata)
    row.search_text = search_text([
        row.ho_ten, *(value_of(fields, n) for n in sorted(fields)), *(v for v in metadata.values()),
        row.ma_ho_so, row.ocr_text,
    ])


def metadata_columns(part: ComponentResult, owner: str) -> dict[str, str | None]:
    """The Art. 9 columns; the owner's id and the type code are filled in when the paper lacks them."""
    meta: dict[str, str | None] = part.metadata.model_dump()
    meta["ma_dinh_danh_chu_so_huu"] = meta.get("ma_dinh_danh_chu_so_huu") or owner
    meta["ma_loai_giay_to"] = meta.get("ma_loai_giay_to") or str(part.doc_type)
    return meta


def parts_of(result: DigitizeResult) -> list[ComponentResult]:
    """The documents found in a file; a file with none found is one ``khac`` document of all pages."""
    if result.components:
        return list(result.components)
    pages = max(result.pages, 1)
    return [ComponentResult(doc_type=result.doc_type or DocType.KHAC, confidence=result.confidence,
                            page_range=(1, pages))]


def page_facts(result: DigitizeResult, part: ComponentResult) -> tuple[list[dict[str, Any]], int | None,
                                                                       bool | None]:
    """Page info of the part's pages, its lowest dpi, and whether every page is in colour."""
    first, last = part.page_range
    pages = [p for p in result.page_info if first <= p.number <= last]
    if not pages:
        return [], None, None
    return [p.model_dump() for p in pages], min(p.dpi for p in pages), all(p.color for p in pages)


def index_for_search(session: Session, row: Document, *, replaces: str | None = None) -> None:
    """Keep SQLite's FTS5 table in step (PostgreSQL indexes ``search_text`` by itself)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if replaces:
        session.execute(delete(FTS).where(FTS.c.document_id == replaces))
    session.execute(insert(FTS).values(document_id=row.id, citizen_id=row.citizen_id, body=row.search_text))


def signature_row(document_id: str, sig: SignatureInput, pdf_key: str, by: Principal, *,
                  request_id: str | None = None) -> Signature:
    """A signature row for ``document_id``'s PDF at ``pdf_key``."""
    return Signature(document_id=document_id, role=sig.role, signer_name=sig.signer_name[:300],
                     cert_serial=sig.cert_serial, level=sig.level, signed_at=sig.signed_at,
                     pdf_key=pdf_key, requested_by=str(by), request_id=request_id, created_at=utcnow())
