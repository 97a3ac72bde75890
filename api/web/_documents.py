"""What the review screens need beside the API's own routes: page images, signatures in words, printed copies.

``GET /v1/documents/{id}/pages/{n}`` is page ``n`` of the document's file as a
JPEG for a screen, with the page's own pixel size (the unit of every field's
box) in ``X-Page-Width``/``X-Page-Height``. ``GET /v1/documents/{id}/signatures``
verifies the document's signed PDF and says each signature in words.
:func:`printable_copy` makes the ``printable`` variant of a file. Each read goes
through the store's own check and audit (:func:`store.records.get_document`),
so the pages see exactly what an integrator's token would.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from api.deps import Caller, Services
from api.web._render import PageImage, page_pixels, render_page
from api.web._signatures import report_words
from api.web._words import DOC_TYPE_NAMES
from pipeline.printable import PrintLabel, make_printable
from schemas.errors import NotFoundError
from store.objects import Bucket
from store.records import DocumentView, get_document, read_component

router = APIRouter(prefix="/v1", tags=["documents"])

DocumentId = Annotated[str, Path(max_length=36, description="the document's id")]
ForDossier = Annotated[str | None, Query(max_length=64, description="the dossier the read is for (audited)")]

#: the file variants of the API's file routes, with the printed copy beside them
FileVariant = Literal["original", "searchable", "signed", "printable"]

_ICT = ZoneInfo("Asia/Ho_Chi_Minh")
_CACHE_S = 300.0


class _Lru:
    """A small in-process cache of immutable answers, keyed by content keys (files are never overwritten)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()

    def get(self, key: tuple[Any, ...], max_age_s: float | None = None) -> Any:
        hit = self.items.get(key)
        if hit is None or (max_age_s is not None and time.monotonic() - hit[0] > max_age_s):
            return None
        self.items.move_to_end(key)
        return hit[1]

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        self.items[key] = (time.monotonic(), value)
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


_pages = _Lru(64)
_reports = _Lru(256)


def _pdf_of(view: DocumentView, *, signed: bool) -> tuple[Bucket, str]:
    if signed and view.signed_pdf_key:
        return Bucket.SIGNED, view.signed_pdf_key
    if view.searchable_pdf_key:
        return Bucket.DOCUMENTS, view.searchable_pdf_key
    raise NotFoundError("this document has no PDF yet", detail={"document_id": view.id})


class SignatureWords(BaseModel):
    """One signature (or archive timestamp) of a document, verified and said in words."""

    kind: str = Field(examples=["signature"])
    signer: str = Field(examples=["Nguyễn Văn An"])
    time: str | None = Field(examples=["2025-09-15T03:21:34+00:00"])
    level: str = Field(examples=["B-LT"])
    valid: bool
    indication: str = Field(description="ETSI EN 319 102-1: TOTAL_PASSED, TOTAL_FAILED or INDETERMINATE",
                            examples=["TOTAL_PASSED"])
    sub_indication: str | None = Field(default=None, examples=[None, "NO_CERTIFICATE_CHAIN_FOUND"])
    advice: str = Field(default="", description="what to do about it, in Vietnamese (the verifier's sentence)")
    reasons: list[str] = Field(description="why it is not valid, in Vietnamese (empty when valid)")
    summary: str = Field(examples=["Hợp lệ. Ký bởi Nguyễn Văn An, lúc 15/09/2025 10:21:34 (theo dấu thời gian), "
                                   "mức B-LT; không có thay đổi nào sau khi ký; chứng thư chưa bị thu hồi."])


class SignaturesOut(BaseModel):
    """Every signature of a document's signed PDF: ``valid`` when there is one and all are valid."""

    valid: bool
    items: list[SignatureWords]


@router.get("/documents/{document_id}/pages/{number}", response_class=Response, summary="A page image",
            responses={200: {"content": {"image/jpeg": {}}, "description": "The page as a JPEG; its own pixel size "
                                         "(the unit of field boxes) in X-Page-Width and X-Page-Height."}})
def page_image(document_id: DocumentId, number: Annotated[int, Path(ge=1, le=10_000)], services: Services,
               by: Caller, *, for_dossier: ForDossier = None,
               width: Annotated[int, Query(ge=200, le=2000)] = 1100) -> Response:
    """Page ``number`` (of the file, as field boxes count pages) for a screen beside the fields."""
    with services.store.records.read_transaction() as s:
        view = get_document(s, by, document_id, for_dossier=for_dossier)
    bucket, key = _pdf_of(view, signed=False)
    cached: tuple[PageImage, tuple[int, int]] | None = _pages.get((key, number, width))
    if cached is None:
        data = services.store.objects.get_bytes(bucket, key)
        cached = (render_page(data, number, max_width=width), page_pixels(data, number, dpi=view.dpi or 300))
        _pages.put((key, number, width), cached)
    image, (page_w, page_h) = cached
    return Response(image.jpeg, media_type="image/jpeg", headers={
        "X-Page-Width": str(page_w), "X-Page-Height": str(page_h), "Cache-Control": "private, max-age=300",
        "Access-Control-Expose-Headers": "X-Page-Width, X-Page-Height"})


@router.get("/documents/{document_id}/signatures", response_model=SignaturesOut,
            summary="Each signature of a document, verified, in words")
def signatures(document_id: DocumentId, services: Services, by: Caller, *,
               for_dossier: ForDossier = None) -> SignaturesOut:
    """Verify the document's signed PDF: signer, time, PAdES level, valid or not and why (Vietnamese)."""
    with services.store.records.read_transaction() as s:
        view = get_document(s, by, document_id, for_dossier=for_dossier)
    if not view.signatures:
        return SignaturesOut(valid=False, items=[])
    bucket, key = _pdf_of(view, signed=True)
    words: dict[str, Any] | None = _reports.get((key,), max_age_s=_CACHE_S)
    if words is None:
        words = report_words(_verify(services, services.store.objects.get_bytes(bucket, key)))
        _reports.put((key,), words)
    return SignaturesOut(valid=words["valid"], items=[SignatureWords(**w) for w in words["items"]])


def _verify(services: Any, data: bytes) -> Any:
    from pipeline.verify import quiet_library_logs, verify_pdf
    from pki import verify_settings

    quiet_library_logs()  # the library's tracebacks about other signers' files are not the server's errors
    return verify_pdf(data, cfg=verify_settings(services.settings))


def print_label(view: DocumentView, *, now: datetime | None = None) -> PrintLabel:
    """What a printed copy of ``view`` says about itself (dossier, procedure, owner, name, validity)."""
    meta = view.metadata
    return PrintLabel(
        ma_ho_so=view.ma_ho_so or "(không có)", ma_tthc=view.ma_tthc or "(không có)",
        ma_dinh_danh=meta.ma_dinh_danh_chu_so_huu or view.citizen,
        ten_giay_to=meta.ten_giay_to or DOC_TYPE_NAMES.get(view.doc_type, view.doc_type),
        printed_at=(now or datetime.now(_ICT)).astimezone(_ICT), ma_ket_qua=view.ma_ket_qua,
        thoi_han_hieu_luc=view.expires_on.isoformat() if view.expires_on else meta.thoi_han_hieu_luc,
        pham_vi_hieu_luc=meta.pham_vi_hieu_luc,
    )


def printable_copy(services: Any, view: DocumentView) -> tuple[bytes, str]:
    """The ``printable`` variant of a document's file: its signed (or searchable) PDF with the QR band.

    Returns:
        The PDF and a file name for it.

    Raises:
        NotFoundError: the document has no PDF yet.
    """
    from pipeline.sign._fonts import find_font

    bucket, key = _pdf_of(view, signed=True)
    label = print_label(view)
    font = find_font(services.settings.sign.font_path)
    pdf = make_printable(services.store.objects.get_bytes(bucket, key), label, font_path=font)
    stem = (view.metadata.ten_giay_to or view.doc_type).rsplit(".", 1)[0]
    return pdf, f"{stem}.ban-in.pdf"


def _pdf_response(data: bytes, name: str) -> Response:
    from api._responses import file_headers

    digest = hashlib.sha256(data).hexdigest()  # the ETag (the copy is made anew: its time is printed on it)
    return Response(data, media_type="application/pdf", headers=file_headers(name, digest))


def printable_of_document(services: Any, by: Any, document_id: str, *, for_dossier: str | None = None) -> Response:
    """``GET …/documents/{id}/file?variant=printable``: the printed copy, read as the document is (checked, audited)."""
    with services.store.records.read_transaction() as s:
        view = get_document(s, by, document_id, for_dossier=for_dossier)
    return _pdf_response(*printable_copy(services, view))


def printable_of_component(services: Any, by: Any, component_id: str) -> Response:
    """``GET /v1/components/{id}/file?variant=printable``: the printed copy of the component's (first) document."""
    with services.store.records.read_transaction() as s:
        _, docs = read_component(s, by, component_id)
    if not docs:
        raise NotFoundError("nothing was read from this component yet", detail={"component_id": component_id})
    return _pdf_response(*printable_copy(services, docs[0]))
