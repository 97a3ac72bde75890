"""The citizen's routes: my documents and their files, my consents, and who read my data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api._idem import idempotent
from api._models import AccessOut, ConsentOut, DocumentOut, Page
from api._paging import decode_cursor, encode_cursor
from api._responses import FILE_RESPONSES, errors, file_response
from api._store_docs import Cursor, Limit, after_of, page_of
from api.deps import Caller, Services
from api.web._documents import FileVariant, printable_of_document
from store.records import (
    access_log,
    browse_documents,
    document_file,
    grant_consent,
    list_consents,
    require_role,
    revoke_consent,
)


async def citizen_only(by: Caller) -> None:
    """The ``/v1/me`` routes are the citizen's (the store still checks whose records they are).

    Raises:
        AccessDenied: any other role.
    """
    require_role(by, "citizen")


router = APIRouter(prefix="/v1/me", tags=["citizen"], dependencies=[Depends(citizen_only)])


class NewConsent(BaseModel):
    """Let a dossier reuse one of my documents (every version of it) until I take it back."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"document_id": "6f1c0a8e-1b2c-4d5e-9f00-123456789abc", "ma_ho_so": "000.00.16.H56-261207-0003"}]})

    document_id: str = Field(max_length=36)
    ma_ho_so: str = Field(max_length=64, description="the dossier that may reuse it")


@router.get("/documents", response_model=Page[DocumentOut], summary="My documents", responses=errors())
def my_documents(services: Services, by: Caller, *,
                 q: Annotated[str | None, Query(max_length=200, description="words, diacritics optional")] = None,
                 valid: Annotated[bool, Query(description="only reusable ones")] = False,
                 cursor: Cursor = None, limit: Limit = 50) -> Page[DocumentOut]:
    """Everything digitized for me and the results issued to me, newest first."""
    with services.store.records.read_transaction() as s:
        views = browse_documents(s, by, by.id, q=q, valid=valid, after=after_of(cursor), limit=limit + 1)
    return page_of(views, limit)


@router.get("/documents/{document_id}/file", summary="A file of one of my documents", response_class=Response,
            responses={**FILE_RESPONSES, **errors(404)})
def my_document_file(document_id: Annotated[str, Path(max_length=36)], services: Services, by: Caller,
                     variant: FileVariant = "signed", redirect: bool = False) -> Any:
    """The scan (``original``), the searchable PDF, or the signed PDF of one of my documents."""
    if variant == "printable":  # the paper copy with its QR code (api/web)
        return printable_of_document(services, by, document_id)
    with services.store.records.read_transaction() as s:
        ref = document_file(s, by, document_id, variant)
    return file_response(services, ref, redirect=redirect)


@router.get("/consents", response_model=Page[ConsentOut], summary="My consents", responses=errors())
def my_consents(services: Services, by: Caller,
                revoked: Annotated[bool, Query(description="include those taken back")] = False) -> Page[ConsentOut]:
    """The dossiers I let reuse my documents."""
    with services.store.records.read_transaction() as s:
        return Page(items=[ConsentOut.of(c) for c in list_consents(s, by, include_revoked=revoked)])


@router.post("/consents", status_code=201, response_model=ConsentOut, summary="Let a dossier reuse a document",
             responses=errors(404))
async def add_consent(body: NewConsent, request: Request, services: Services, by: Caller) -> JSONResponse:
    """Officers of that dossier's agency may then read this document for it and attach it."""

    async def work() -> tuple[int, BaseModel]:
        def run() -> ConsentOut:
            with services.store.records.transaction() as s:
                return ConsentOut.of(grant_consent(s, by, document_id=body.document_id, ma_ho_so=body.ma_ho_so))
        return 201, await run_in_threadpool(run)

    return await idempotent(request, services, by, work, body.model_dump_json())


@router.delete("/consents/{consent_id}", response_model=ConsentOut, summary="Take a consent back",
               responses=errors(404))
def remove_consent(consent_id: Annotated[str, Path(max_length=36)], services: Services, by: Caller) -> ConsentOut:
    """From now on the dossier may no longer read or attach the document (what was attached stays on record)."""
    with services.store.records.transaction() as s:
        return ConsentOut.of(revoke_consent(s, by, consent_id))


@router.get("/access-log", response_model=Page[AccessOut], summary="Who read my data", responses=errors())
def my_access_log(services: Services, by: Caller, cursor: Cursor = None, limit: Limit = 50) -> Page[AccessOut]:
    """Every read of my data by someone else: who, when, for which dossier, in which request."""
    at = decode_cursor(cursor, "id")
    with services.store.records.read_transaction() as s:
        lines = access_log(s, by, before_id=int(at["id"]) if at else None, limit=limit + 1)
    nxt = encode_cursor({"id": lines[limit - 1].id}) if len(lines) > limit else None
    return Page(items=[AccessOut.of(line) for line in lines[:limit]], next=nxt)
