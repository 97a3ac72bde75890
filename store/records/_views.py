"""What the records store hands out: frozen views, never the ORM rows themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from schemas.documents import Metadata
from store.records._models import AuditEntry, Component, Document, Dossier, Signature


@dataclass(frozen=True)
class SignatureView:
    """A signature on a document's PDF."""

    role: str
    signer_name: str
    cert_serial: str | None
    level: str | None
    signed_at: datetime
    pdf_key: str

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "signer_name": self.signer_name, "cert_serial": self.cert_serial,
                "level": self.level, "signed_at": self.signed_at.isoformat(), "pdf_key": self.pdf_key}


@dataclass(frozen=True)
class ComponentView:
    """A file handed in, and where it is in the pipeline.

    Attributes:
        status: ``pending``, ``processing``, ``extracted`` or ``failed``.
        attempts: how many times a worker started on it.
        last_error_code: the stable code of the last failure (kept after a successful retry).
        document_ids: the records made from it, in page order (a stack may hold several).
        result: the pipeline's ``DigitizeResult`` as JSON, once extracted.
    """

    id: str
    citizen: str
    ma_ho_so: str | None
    file_name: str
    scan_key: str
    scan_sha256: str
    size_bytes: int
    origin: str
    status: str
    attempts: int
    last_error_code: str | None
    last_error_message: str | None
    submitted_by: str
    created_at: datetime
    finished_at: datetime | None
    reuses_document_id: str | None
    document_ids: tuple[str, ...] = ()
    result: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        """Whether the component reached a final status."""
        return self.status in ("extracted", "failed")

    def to_json(self) -> dict[str, Any]:
        return {
            "component_id": self.id, "citizen": self.citizen, "ma_ho_so": self.ma_ho_so,
            "file": self.file_name, "scan_key": self.scan_key, "sha256": self.scan_sha256,
            "size_bytes": self.size_bytes, "origin": self.origin, "status": self.status,
            "attempts": self.attempts,
            "last_error": ({"code": self.last_error_code, "message": self.last_error_message}
                           if self.last_error_code else None),
            "document_ids": list(self.document_ids), "reuses_document_id": self.reuses_document_id,
        }


@dataclass(frozen=True)
class DocumentView:
    """One version of a digitized document, with its Art. 9 metadata and signatures."""

    id: str
    lineage_id: str
    version: int
    is_current: bool
    citizen: str
    kind: str
    origin: str
    status: str
    doc_type: str
    confidence: float
    fields: dict[str, Any]
    flags: tuple[str, ...]
    metadata: Metadata
    so_dinh_danh: str | None
    ho_ten: str | None
    ngay_sinh: str | None
    expires_on: date | None
    source_scan_key: str | None
    source_sha256: str | None
    searchable_pdf_key: str | None
    signed_pdf_key: str | None
    page_start: int
    page_count: int
    dpi: int | None
    color: bool | None
    ma_ho_so: str | None
    ma_tthc: str | None
    ma_ket_qua: str | None
    component_id: str | None
    supersedes_id: str | None
    digitized_by: str | None
    digitized_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    key_hash: str | None = None
    change_reason: str | None = None
    created_by: str | None = None
    ocr_text: str = ""
    page_info: tuple[dict[str, Any], ...] = ()
    signatures: tuple[SignatureView, ...] = field(default=())

    def to_json(self, *, text: bool = False) -> dict[str, Any]:
        """The record as JSON (``text`` adds the OCR text)."""
        out: dict[str, Any] = {
            "id": self.id, "lineage_id": self.lineage_id, "version": self.version,
            "is_current": self.is_current, "citizen": self.citizen, "kind": self.kind,
            "origin": self.origin, "status": self.status, "doc_type": self.doc_type,
            "confidence": round(self.confidence, 3), "fields": self.fields, "flags": list(self.flags),
            "metadata": self.metadata.model_dump(), "so_dinh_danh": self.so_dinh_danh,
            "ho_ten": self.ho_ten, "ngay_sinh": self.ngay_sinh,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "source_scan_key": self.source_scan_key, "source_sha256": self.source_sha256,
            "searchable_pdf_key": self.searchable_pdf_key, "signed_pdf_key": self.signed_pdf_key,
            "page_start": self.page_start, "page_count": self.page_count, "dpi": self.dpi,
            "color": self.color, "ma_ho_so": self.ma_ho_so, "ma_tthc": self.ma_tthc,
            "ma_ket_qua": self.ma_ket_qua, "component_id": self.component_id,
            "supersedes_id": self.supersedes_id, "digitized_by": self.digitized_by,
            "digitized_at": self.digitized_at.isoformat(), "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "signatures": [s.to_json() for s in self.signatures],
        }
        if text:
            out["text"] = self.ocr_text
        return out


@dataclass(frozen=True)
class DossierView:
    """A dossier: its codes, whose it is, which agency received it.

    Attributes:
        agency: the receiving unit at the head of the code.
        results_issued: how many results (``{ma_ho_so}-KQ{n}``) it has.
    """

    id: str
    ma_ho_so: str
    ma_tthc: str | None
    citizen: str
    agency: str | None
    results_issued: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class DuplicateHit:
    """A record already in the store that a new scan seems to repeat.

    Attributes:
        match: ``sha256`` (the very same file) or ``key_fields`` (same type and identifying values).
    """

    document_id: str
    doc_type: str
    match: str
    digitized_at: datetime
    status: str

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "doc_type": self.doc_type, "match": self.match,
                "digitized_at": self.digitized_at.isoformat(), "status": self.status}


@dataclass(frozen=True)
class AuditView:
    """One line of the audit log.

    Attributes:
        ma_ho_so: the dossier the act was for.
        request_id: the HTTP request or job it happened in.
        id: the line's number (newest is highest).
    """

    at: datetime
    actor: str
    action: str
    record_type: str
    record_id: str | None
    citizen: str | None
    detail: dict[str, Any]
    ma_ho_so: str | None = None
    request_id: str | None = None
    id: int = 0


def signature_view(row: Signature) -> SignatureView:
    """The view of a signature row."""
    return SignatureView(row.role, row.signer_name, row.cert_serial, row.level, row.signed_at, row.pdf_key)


def dossier_view(row: Dossier, *, citizen: str) -> DossierView:
    """The view of a dossier row."""
    return DossierView(row.id, row.ma_ho_so, row.ma_tthc, citizen, row.co_quan_tiep_nhan, row.results_issued,
                       row.created_by, row.created_at)


def component_view(row: Component, *, citizen: str, ma_ho_so: str | None,
                   document_ids: tuple[str, ...] = ()) -> ComponentView:
    """The view of a component row."""
    return ComponentView(
        id=row.id, citizen=citizen, ma_ho_so=ma_ho_so, file_name=row.file_name, scan_key=row.scan_key,
        scan_sha256=row.scan_sha256, size_bytes=row.size_bytes, origin=row.origin, status=row.status,
        attempts=row.attempts, last_error_code=row.last_error_code,
        last_error_message=row.last_error_message, submitted_by=row.submitted_by,
        created_at=row.created_at, finished_at=row.finished_at,
        reuses_document_id=row.reuses_document_id, document_ids=document_ids, result=row.result_json,
    )


def document_view(row: Document, *, citizen: str, signatures: tuple[SignatureView, ...] = ()) -> DocumentView:
    """The view of a document row."""
    metadata = Metadata(
        ma_loai_giay_to=row.ma_loai_giay_to, ma_dinh_danh_chu_so_huu=row.ma_dinh_danh_chu_so_huu,
        ten_giay_to=row.ten_giay_to, so_ky_hieu=row.so_ky_hieu, ngay_cap=row.ngay_cap,
        co_quan_cap=row.co_quan_cap, trich_yeu=row.trich_yeu, thoi_han_hieu_luc=row.thoi_han_hieu_luc,
        pham_vi_hieu_luc=row.pham_vi_hieu_luc,
    )
    return DocumentView(
        id=row.id, lineage_id=row.lineage_id, version=row.version, is_current=row.is_current,
        citizen=citizen, kind=row.kind, origin=row.origin, status=row.status, doc_type=row.doc_type,
        confidence=row.confidence, fields=dict(row.fields or {}), flags=tuple(row.flags or ()),
        metadata=metadata, so_dinh_danh=row.so_dinh_danh, ho_ten=row.ho_ten, ngay_sinh=row.ngay_sinh,
        expires_on=row.expires_on, source_scan_key=row.source_scan_key, source_sha256=row.source_sha256,
        searchable_pdf_key=row.searchable_pdf_key, signed_pdf_key=row.signed_pdf_key,
        page_start=row.page_start, page_count=row.page_count, dpi=row.dpi, color=row.color,
        ma_ho_so=row.ma_ho_so, ma_tthc=row.ma_tthc, ma_ket_qua=row.ma_ket_qua,
        component_id=row.component_id, supersedes_id=row.supersedes_id, digitized_by=row.digitized_by,
        digitized_at=row.digitized_at, confirmed_by=row.confirmed_by, confirmed_at=row.confirmed_at,
        key_hash=row.key_hash, change_reason=row.change_reason, created_by=row.created_by,
        ocr_text=row.ocr_text, page_info=tuple(row.page_info or ()),
        signatures=signatures,
    )


def audit_view(row: AuditEntry) -> AuditView:
    """The view of an audit row."""
    return AuditView(row.at, row.actor, row.action, row.record_type, row.record_id, row.citizen,
                     dict(row.detail or {}), row.ma_ho_so, row.request_id, row.id)
