"""What the API answers with: response models, one per thing, built from the store's views.

These are the contract other systems are written against (OpenAPI shows them
with examples); they are not the database rows nor the pipeline's results.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from schemas.documents import Metadata
from store.records import (
    AuditView,
    CallbackAttemptView,
    ComponentView,
    ConsentView,
    DocumentView,
    DossierView,
    ResultJobView,
)

T = TypeVar("T")
_OUT = ConfigDict(frozen=True)
DOSSIER_EXAMPLE = "000.00.15.H55-261206-0001"
CITIZEN_EXAMPLE = "001090000001"


class ErrorInfo(BaseModel):
    """A failure: a stable code (the same the command line prints), a sentence, and context."""

    code: str = Field(examples=["forbidden"])
    message: str = Field(examples=["this dossier belongs to another agency"])
    detail: dict[str, Any] = Field(default_factory=dict, examples=[{"ma_ho_so": DOSSIER_EXAMPLE}])


class ErrorBody(BaseModel):
    """The one error body of every failure."""

    error: ErrorInfo


class Page(BaseModel, Generic[T]):
    """One page of a list; ``next`` is the cursor of the following page (``null`` on the last)."""

    items: list[T]
    next: str | None = Field(default=None, description="pass as ?cursor= to get the next page")


class FieldOut(BaseModel):
    """One extracted value, where it came from, and why to look twice."""

    model_config = _OUT

    value: str | None = Field(examples=["Nguyễn Văn An"])
    confidence: float = Field(ge=0, le=1, examples=[0.93])
    page: int | None = Field(default=None, description="1-based page of the file")
    bbox: list[int] | None = Field(default=None, description="x0, y0, x1, y1 in pixels of the upright page")
    flags: list[str] = Field(default_factory=list, examples=[["id_birth_year_mismatch"]])


class SignatureOut(BaseModel):
    """A signature on the document's PDF."""

    model_config = _OUT

    role: str = Field(examples=["officer"])
    signer_name: str
    cert_serial: str | None
    level: str | None = Field(examples=["B-LT"])
    signed_at: datetime


class DocumentOut(BaseModel):
    """One version of a digitized document (or of a result): type, fields, Art. 9 metadata, who and when."""

    model_config = _OUT

    id: str
    lineage_id: str = Field(description="the same for every version of this document")
    version: int
    is_current: bool
    so_dinh_danh: str = Field(description="whose store it is in", examples=[CITIZEN_EXAMPLE])
    kind: Literal["component", "result"]
    origin: str = Field(examples=["scanned"])
    status: str = Field(examples=["extracted"], description="pending, extracted, confirmed, signed or revoked")
    doc_type: str = Field(examples=["can_cuoc"])
    confidence: float
    fields: dict[str, FieldOut]
    flags: list[str]
    metadata: Metadata = Field(description="Art. 9 of Circular 01/2023/TT-VPCP")
    valid_until: date | None
    page_start: int
    page_count: int
    dpi: int | None
    color: bool | None
    ma_ho_so: str | None = Field(examples=[DOSSIER_EXAMPLE])
    ma_tthc: str | None
    ma_ket_qua: str | None = Field(default=None, examples=[f"{DOSSIER_EXAMPLE}-KQ1"])
    component_id: str | None
    supersedes_id: str | None
    change_reason: str | None = Field(default=None, description="why this version was made")
    digitized_by: str | None = Field(examples=["officer:canbo01"])
    digitized_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    created_by: str | None = Field(default=None, description="who made this version")
    signatures: list[SignatureOut]

    @classmethod
    def of(cls, view: DocumentView) -> DocumentOut:
        """From the store's view."""
        return cls(
            id=view.id, lineage_id=view.lineage_id, version=view.version, is_current=view.is_current,
            so_dinh_danh=view.citizen, kind="result" if view.kind == "result" else "component", origin=view.origin,
            status=view.status, doc_type=view.doc_type, confidence=round(view.confidence, 3),
            fields={k: FieldOut(**_field(v)) for k, v in view.fields.items()}, flags=list(view.flags),
            metadata=view.metadata, valid_until=view.expires_on, page_start=view.page_start,
            page_count=view.page_count, dpi=view.dpi, color=view.color, ma_ho_so=view.ma_ho_so,
            ma_tthc=view.ma_tthc, ma_ket_qua=view.ma_ket_qua, component_id=view.component_id,
            supersedes_id=view.supersedes_id, change_reason=view.change_reason, digitized_by=view.digitized_by,
            digitized_at=view.digitized_at, confirmed_by=view.confirmed_by, confirmed_at=view.confirmed_at,
            created_by=view.created_by,
            signatures=[SignatureOut(role=s.role, signer_name=s.signer_name, cert_serial=s.cert_serial, level=s.level,
                                     signed_at=s.signed_at) for s in view.signatures],
        )


def _field(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        return {"value": None, "confidence": 0.0}
    return {"value": entry.get("value"), "confidence": float(entry.get("confidence") or 0.0),
            "page": entry.get("page"), "bbox": entry.get("bbox"), "flags": list(entry.get("flags") or [])}


#: the component's status in the API's words
STATUS = {"pending": "queued", "processing": "running", "extracted": "done", "failed": "failed"}


class ComponentOut(BaseModel):
    """A file handed in for a dossier, where it is in the pipeline, and (when done) what was read from it."""

    model_config = _OUT

    id: str
    status: Literal["queued", "running", "done", "failed"]
    ma_ho_so: str | None = Field(examples=[DOSSIER_EXAMPLE])
    so_dinh_danh: str = Field(examples=[CITIZEN_EXAMPLE])
    file_name: str = Field(examples=["cccd.jpg"])
    size_bytes: int
    sha256: str
    origin: str = Field(examples=["scanned"], description="scanned, or reused (attached from the store)")
    reuses_document_id: str | None = None
    attempts: int
    submitted_by: str = Field(examples=["officer:canbo01"])
    created_at: datetime
    finished_at: datetime | None
    error: ErrorInfo | None = Field(default=None, description="why it failed (code as in the CLI)")
    documents: list[DocumentOut] = Field(default_factory=list, description="what was read (current versions)")

    @classmethod
    def of(cls, view: ComponentView, documents: list[DocumentView] | None = None) -> ComponentOut:
        """From the store's views."""
        error = (ErrorInfo(code=view.last_error_code, message=view.last_error_message or "")
                 if view.status == "failed" and view.last_error_code else None)
        return cls(
            id=view.id, status=STATUS.get(view.status, "queued"), ma_ho_so=view.ma_ho_so,  # type: ignore[arg-type]
            so_dinh_danh=view.citizen, file_name=view.file_name, size_bytes=view.size_bytes, sha256=view.scan_sha256,
            origin=view.origin, reuses_document_id=view.reuses_document_id, attempts=view.attempts,
            submitted_by=view.submitted_by, created_at=view.created_at, finished_at=view.finished_at, error=error,
            documents=[DocumentOut.of(d) for d in documents or []],
        )


class ComponentRef(BaseModel):
    """A component just taken in."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    file_name: str
    duplicate_of: list[str] = Field(default_factory=list,
                                    description="documents of the citizen's store this very file repeats")


class Accepted(BaseModel):
    """The components an upload made (202: they are digitized in the background)."""

    items: list[ComponentRef]


class DossierOut(BaseModel):
    """A dossier: its codes, whose it is, which agency received it."""

    model_config = _OUT

    ma_ho_so: str = Field(examples=[DOSSIER_EXAMPLE])
    ma_tthc: str | None = Field(examples=["1.001193"])
    so_dinh_danh: str = Field(examples=[CITIZEN_EXAMPLE])
    agency: str | None = Field(examples=["000.00.15.H55"], description="the receiving unit at the head of the code")
    results_issued: int
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, view: DossierView) -> DossierOut:
        """From the store's view."""
        return cls(ma_ho_so=view.ma_ho_so, ma_tthc=view.ma_tthc, so_dinh_danh=view.citizen, agency=view.agency,
                   results_issued=view.results_issued, created_by=view.created_by, created_at=view.created_at)


class DossierDetail(DossierOut):
    """A dossier with its components and their states."""

    components: list[ComponentOut]


class ResultJobOut(BaseModel):
    """A result job: where it is, and once done the result code and document."""

    model_config = _OUT

    job_id: str
    state: Literal["queued", "running", "done", "failed"]
    ma_ho_so: str = Field(examples=[DOSSIER_EXAMPLE])
    level: str = Field(examples=["B-LT"])
    ten_giay_to: str = Field(examples=["Giấy chứng nhận đăng ký hộ kinh doanh"])
    so_ky_hieu: str | None = Field(examples=["15/QĐ-UBND"])
    ma_ket_qua: str | None = Field(default=None, examples=[f"{DOSSIER_EXAMPLE}-KQ1"])
    document_id: str | None = None
    callback_state: Literal["none", "pending", "delivered", "failed"]
    attempts: int
    error: ErrorInfo | None = None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, view: ResultJobView) -> ResultJobOut:
        """From the store's view."""
        error = ErrorInfo(code=view.error_code, message=view.error_message or "") \
            if view.state == "failed" and view.error_code else None
        return cls(job_id=view.id, state=view.state, ma_ho_so=view.ma_ho_so, level=view.level,  # type: ignore[arg-type]
                   ten_giay_to=view.ten_giay_to, so_ky_hieu=view.so_ky_hieu, ma_ket_qua=view.ma_ket_qua,
                   document_id=view.document_id, callback_state=view.callback_state,  # type: ignore[arg-type]
                   attempts=view.attempts, error=error, created_at=view.created_at, finished_at=view.finished_at)


class CallbackAttemptOut(BaseModel):
    """One call of a job's callback."""

    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    delivered: bool

    @classmethod
    def of(cls, view: CallbackAttemptView) -> CallbackAttemptOut:
        """From the store's view."""
        return cls(attempt=view.attempt, at=view.at, status_code=view.status_code, error=view.error,
                   duration_ms=view.duration_ms, delivered=view.delivered)


class JobAccepted(BaseModel):
    """A result job accepted (202)."""

    job_id: str


class ConsentOut(BaseModel):
    """A consent: this dossier may reuse this document of mine (every version of it), until revoked."""

    model_config = _OUT

    id: str
    document_id: str
    ma_ho_so: str = Field(examples=["000.00.16.H56-261207-0003"])
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, view: ConsentView) -> ConsentOut:
        """From the store's view."""
        return cls(id=view.id, document_id=view.document_id, ma_ho_so=view.ma_ho_so, created_at=view.created_at,
                   revoked_at=view.revoked_at)


class AccessOut(BaseModel):
    """A read of my data: who, when, for which dossier."""

    at: datetime
    who: str = Field(examples=["officer:canbo01"])
    action: str = Field(examples=["read_document"])
    record_id: str | None
    ma_ho_so: str | None = Field(examples=[DOSSIER_EXAMPLE])
    request_id: str | None

    @classmethod
    def of(cls, view: AuditView) -> AccessOut:
        """From an audit line."""
        return cls(at=view.at, who=view.actor, action=view.action, record_id=view.record_id, ma_ho_so=view.ma_ho_so,
                   request_id=view.request_id)


class AuditOut(AccessOut):
    """One line of the audit log."""

    id: int
    record_type: str
    so_dinh_danh: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, view: AuditView) -> AuditOut:
        """From an audit line."""
        return cls(at=view.at, who=view.actor, action=view.action, record_id=view.record_id, ma_ho_so=view.ma_ho_so,
                   request_id=view.request_id, id=view.id, record_type=view.record_type, so_dinh_danh=view.citizen,
                   detail=view.detail)
