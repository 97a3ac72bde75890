"""The officer's routes: open a dossier, hand in its components, follow them, correct, confirm, reuse.

Thin routes: parse the request, get the caller, call one store function (which
decides whether the caller may), answer with a model. Uploads are read as a
stream, checked (type from the bytes, size, pages) before anything is stored,
and taken in all at once or not at all.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api._hot_route import HotRoute
from api._idem import idempotent
from api._intake import take_in
from api._models import (
    DOSSIER_EXAMPLE,
    STATUS,
    Accepted,
    ComponentOut,
    ComponentRef,
    DossierDetail,
    DossierOut,
    Page,
)
from api._paging import decode_cursor, encode_cursor
from api._responses import FILE_RESPONSES, check_if_match, errors, file_response, with_etag
from api._upload import cleaned, read_upload
from api.deps import Caller, Services
from api.web._documents import FileVariant, printable_of_component
from schemas.documents import DocType
from schemas.errors import InputError
from schemas.portal import HoSoDongBoDVC
from store.objects import StreamedPut
from store.records import (
    attach_to_dossier,
    component_file,
    confirm_component,
    correct_component,
    get_dossier,
    intake_owner_hot,
    list_dossiers,
    open_dossier,
    portal_record,
    read_component,
    read_component_hot,
)

#: a component is among the hottest reads (:class:`HotRoute`: the officer's screen polls it)
router = APIRouter(prefix="/v1", tags=["officer"], route_class=HotRoute)

Code = Annotated[str, Path(max_length=64, examples=[DOSSIER_EXAMPLE], description="the dossier code (mã hồ sơ)")]
ComponentId = Annotated[str, Path(max_length=36, description="the component's id")]

_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"},
                             "description": "scans or PDFs (PNG, JPEG, TIFF, BMP, WebP, PDF); a part may declare "
                                            "`Repr-Digest: sha-256=:<base64>:` and `Content-Length` to be streamed "
                                            "to the store as it arrives and checked (400 digest_mismatch)"}}}}}}}


class OpenDossier(BaseModel):
    """A dossier received at the counter."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"ma_ho_so": DOSSIER_EXAMPLE, "ma_tthc": "1.001193", "so_dinh_danh": "001090000001"}]})

    ma_ho_so: str = Field(max_length=64, description="Circular 01/2018 Art. 19: unit-yymmdd-sequence")
    ma_tthc: str | None = Field(default=None, max_length=64, description="the procedure code")
    so_dinh_danh: str = Field(max_length=20, description="the citizen's personal id (or an organization's code)")


class Correction(BaseModel):
    """Corrected values: a new version of the document, with who (the token) and why (``reason``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"fields": {"ho_ten": "Nguyễn Văn An"}, "reason": "OCR read Nguyen Van Ah"}]})

    reason: str = Field(min_length=1, max_length=500)
    fields: dict[str, str | None] = Field(default_factory=dict,
                                          description="field name → corrected value (null clears)")
    metadata: dict[str, str | None] = Field(default_factory=dict, description="Art. 9 metadata name → corrected value")
    doc_type: DocType | None = None
    document_id: str | None = Field(default=None, max_length=36,
                                    description="which document, when the component holds several")


class Confirmation(BaseModel):
    """Confirm what was read (every document of the component, or one)."""

    model_config = ConfigDict(extra="forbid")

    document_id: str | None = Field(default=None, max_length=36)


class Reuse(BaseModel):
    """Attach a document of the citizen's store to the dossier by reference: no upload."""

    model_config = ConfigDict(extra="forbid")

    document_id: str = Field(max_length=36)


@router.post("/dossiers", status_code=201, response_model=DossierOut, summary="Open a dossier",
             responses=errors(409))
async def create_dossier(body: OpenDossier, request: Request, services: Services, by: Caller) -> JSONResponse:
    """Open a dossier for a citizen; the codes are checked (the dossier code's date must exist); 409 if it exists."""

    async def work() -> tuple[int, BaseModel]:
        def run() -> DossierOut:
            with services.store.records.transaction() as s:
                return DossierOut.of(open_dossier(s, by, ma_ho_so=body.ma_ho_so, so_dinh_danh=body.so_dinh_danh,
                                                  ma_tthc=body.ma_tthc))
        return 201, await run_in_threadpool(run)

    return await idempotent(request, services, by, work, body.model_dump_json())


@router.get("/dossiers", response_model=Page[DossierOut], summary="The dossiers of my agency", responses=errors())
def dossiers(services: Services, by: Caller, cursor: Annotated[str | None, Query(max_length=200)] = None,
             limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Page[DossierOut]:
    """Newest first, paged."""
    at = decode_cursor(cursor, "at", "id")
    with services.store.records.read_transaction() as s:
        rows = list_dossiers(s, by, before=(at["at"], at["id"]) if at else None, limit=limit + 1)
    items = [DossierOut.of(r) for r in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return Page(items=items, next=encode_cursor({"at": last.created_at.isoformat(), "id": last.id}) if last else None)


@router.get("/dossiers/{ma_ho_so}", response_model=DossierDetail, summary="A dossier and its components",
            responses=errors(404))
def dossier(ma_ho_so: Code, services: Services, by: Caller) -> DossierDetail:
    """The dossier, its components and their states."""
    with services.store.records.read_transaction() as s:
        view, components = get_dossier(s, by, ma_ho_so)
    return DossierDetail(**DossierOut.of(view).model_dump(), components=[ComponentOut.of(c) for c in components])


@router.get("/dossiers/{ma_ho_so}/portal-record", response_model=HoSoDongBoDVC,
            summary="The dossier as the national portal receives it (HoSoDongBoDVC)", responses=errors(404))
def dossier_portal_record(ma_ho_so: Code, services: Services, by: Caller) -> HoSoDongBoDVC:
    """The record the sync sends to the National Public Service Portal, built from the store now
    (officers of the dossier's agency; the read is audited)."""
    with services.store.records.read_transaction() as s:
        return portal_record(s, by, ma_ho_so, base_url=services.settings.portal.public_base_url)


@router.post("/dossiers/{ma_ho_so}/components", status_code=202, response_model=Accepted,
             summary="Hand in components (multipart, field `files`)", responses=errors(404, 409, 413, 415),
             openapi_extra=_MULTIPART)
async def upload(ma_ho_so: Code, request: Request, services: Services, by: Caller) -> JSONResponse:
    """Stream one or more files to the store; each becomes a component, digitized in the background.

    The type is taken from the bytes (415), sizes and page counts are limited (413);
    either every file is taken in or none is. A file part with ``Repr-Digest`` (or
    ``Content-Digest``) ``sha-256=:<base64>:`` and ``Content-Length`` goes up while it
    arrives and is refused (400 ``digest_mismatch``) when its bytes are not those.
    """

    owner = await intake_owner_hot(services.store.records, by, ma_ho_so)  # 403/404 before a byte of the body
    cfg = services.settings

    def stream(sha: str, size: int, head: bytes) -> StreamedPut | None:
        return services.store.open_stream(sha, size, head=head, owner=owner)

    form = await read_upload(request, tmp_dir=services.tmp_dir, max_file_bytes=cfg.ingest.max_bytes,
                             max_files=cfg.api.max_files, memory_bytes=cfg.api.upload_memory_bytes, opener=stream)
    with cleaned(form):
        files = [f for f in form.files if f.field == "files"]
        if not files:
            raise InputError("send one or more files in the form field `files`")

        async def work() -> tuple[int, BaseModel]:
            taken = await run_in_threadpool(take_in, services, files, dossier=ma_ho_so, owner=owner, by=by)
            return 202, Accepted(items=[ComponentRef(id=t.component.id, status=STATUS[t.component.status],  # type: ignore[arg-type]
                                                     file_name=t.component.file_name,
                                                     duplicate_of=[h.document_id for h in t.duplicates])
                                        for t in taken])

        return await idempotent(request, services, by, work, *[f.sha256 for f in files])


@router.post("/dossiers/{ma_ho_so}/reuse", status_code=201, response_model=ComponentOut,
             summary="Reuse a document of the citizen's store", responses=errors(404, 409))
async def reuse(ma_ho_so: Code, body: Reuse, request: Request, services: Services, by: Caller) -> JSONResponse:
    """Attach a current, confirmed, unexpired document by reference (no upload).

    Another citizen's document needs that citizen's consent for this dossier.
    """

    async def work() -> tuple[int, BaseModel]:
        def run() -> ComponentOut:
            with services.store.records.transaction() as s:
                made = attach_to_dossier(s, by, body.document_id, ma_ho_so=ma_ho_so)
                view, docs = read_component(s, by, made.id)
            return ComponentOut.of(view, docs)
        return 201, await run_in_threadpool(run)

    return await idempotent(request, services, by, work, body.model_dump_json())


@router.get("/components/{component_id}", response_model=ComponentOut, summary="A component: status and what was read",
            responses={**errors(404), 304: {"description": "Not modified (If-None-Match)."}})
async def component(component_id: ComponentId, request: Request, services: Services, by: Caller) -> Response:
    """``queued``, ``running``, ``done`` or ``failed``; when done, each document with its fields (value,
    confidence, box, flags) and Art. 9 metadata; when failed, the error code. Has an ETag."""
    view, docs = await read_component_hot(services.store.records, by, component_id, shown_only=True)
    return with_etag(request, ComponentOut.of(view, docs))


@router.patch("/components/{component_id}/fields", response_model=ComponentOut, summary="Correct fields",
              responses=errors(404, 409, 412))
def correct(component_id: ComponentId, body: Correction, request: Request, services: Services,
            by: Caller) -> Response:
    """A new version of the document with the corrected values, who made it and why; the old one stays.

    Send ``If-Match`` with the component's ETag to refuse a change made on a stale read (412).
    """
    with services.store.records.transaction() as s:
        if request.headers.get("if-match"):
            check_if_match(request, ComponentOut.of(*read_component(s, by, component_id)))
        view, docs = correct_component(s, by, component_id, reason=body.reason, fields=body.fields,
                                       metadata=body.metadata, doc_type=body.doc_type, document_id=body.document_id)
    return with_etag(request, ComponentOut.of(view, docs))


@router.post("/components/{component_id}/confirm", response_model=ComponentOut, summary="Confirm and file",
             responses=errors(404, 409))
def confirm(component_id: ComponentId, request: Request, services: Services, by: Caller,
            body: Confirmation | None = None) -> Response:
    """Confirm what was read: the document is filed in the citizen's store for reuse (its content is locked)."""
    with services.store.records.transaction() as s:
        view, docs = confirm_component(s, by, component_id, document_id=body.document_id if body else None)
    return with_etag(request, ComponentOut.of(view, docs))


@router.get("/components/{component_id}/file", summary="A component's file", response_class=Response,
            responses={**FILE_RESPONSES, **errors(404)})
def component_bytes(component_id: ComponentId, services: Services, by: Caller,
                    variant: FileVariant = "original", redirect: bool = False) -> Any:
    """The scan as received (``original``), the searchable PDF, or the signed PDF; ``?redirect=1`` answers
    with a short-lived link instead."""
    if variant == "printable":  # the paper copy with its QR code (api/web)
        return printable_of_component(services, by, component_id)
    with services.store.records.read_transaction() as s:
        ref = component_file(s, by, component_id, variant)
    return file_response(services, ref, redirect=redirect)
