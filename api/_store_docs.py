"""Routes of the officer and the resolution system over a citizen's store: find, read, fetch a document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api._hot_route import HotRoute
from api._models import CITIZEN_EXAMPLE, DOSSIER_EXAMPLE, DocumentOut, Page
from api._paging import decode_cursor, encode_cursor
from api._responses import FILE_RESPONSES, errors, file_response, model_response, with_etag
from api.deps import Caller, Services
from api.web._documents import FileVariant, printable_of_document
from store.records import DocumentView, browse_documents_hot, document_file, get_document

#: the documents list is among the hottest reads (:class:`HotRoute`)
router = APIRouter(prefix="/v1", tags=["officer", "resolution system"], route_class=HotRoute)

ForDossier = Annotated[str | None, Query(max_length=64, examples=[DOSSIER_EXAMPLE],
                                         description="the dossier you read for (recorded in the citizen's "
                                                     "access log); another citizen's dossier sees only the "
                                                     "documents consented to it")]
Cursor = Annotated[str | None, Query(max_length=200, description="from the previous page's `next`")]
Limit = Annotated[int, Query(ge=1, le=200)]


def page_of(views: list[DocumentView], limit: int) -> Page[DocumentOut]:
    """A page of documents from ``limit + 1`` views (the extra one says there is a next page)."""
    items = [DocumentOut.of(v) for v in views[:limit]]
    last = views[limit - 1] if len(views) > limit else None
    return Page(items=items, next=encode_cursor({"at": last.digitized_at.isoformat(), "id": last.id}) if last else None)


def after_of(cursor: str | None) -> tuple[datetime, str] | None:
    """The position a documents cursor holds."""
    at = decode_cursor(cursor, "at", "id")
    return (datetime.fromisoformat(at["at"]), str(at["id"])) if at else None


@router.get("/citizens/{so_dinh_danh}/documents", response_model=Page[DocumentOut],
            summary="A citizen's documents", responses=errors(404))
async def citizen_documents(
    so_dinh_danh: Annotated[str, Path(max_length=20, examples=[CITIZEN_EXAMPLE])], services: Services, by: Caller, *,
    q: Annotated[str | None, Query(max_length=200, description="words; without diacritics finds them with")] = None,
    valid: Annotated[bool, Query(description="only reusable ones: confirmed or signed, not expired")] = False,
    doc_type: Annotated[str | None, Query(max_length=40, examples=["can_cuoc"])] = None,
    for_dossier: ForDossier = None, cursor: Cursor = None, limit: Limit = 50,
) -> Response:
    """Newest first. An officer sees them through a dossier of their agency for this citizen, or (for another
    citizen's dossier) those the citizen consented to; every read is in the citizen's access log."""
    views = await browse_documents_hot(services.store.records, by, so_dinh_danh, q=q, valid=valid,
                                       doc_type=doc_type, for_dossier=for_dossier, after=after_of(cursor),
                                       limit=limit + 1, shown_only=True)
    return model_response(page_of(views, limit))


@router.get("/documents/{document_id}", response_model=DocumentOut, summary="A document",
            responses={**errors(404), 304: {"description": "Not modified (If-None-Match)."}})
def document(document_id: Annotated[str, Path(max_length=36)], request: Request, services: Services, by: Caller,
             for_dossier: ForDossier = None) -> Response:
    """One version of a document, with its ETag."""
    with services.store.records.read_transaction() as s:
        view = get_document(s, by, document_id, for_dossier=for_dossier)
    return with_etag(request, DocumentOut.of(view))


@router.get("/documents/{document_id}/file", summary="A document's file", response_class=Response,
            responses={**FILE_RESPONSES, **errors(404)})
def document_bytes(document_id: Annotated[str, Path(max_length=36)], services: Services, by: Caller, *,
                   variant: FileVariant = "signed", for_dossier: ForDossier = None, redirect: bool = False) -> Any:
    """The document's scan (``original``), searchable PDF, or signed PDF; ``?redirect=1`` for a short-lived link."""
    if variant == "printable":  # the paper copy with its QR code (api/web)
        return printable_of_document(services, by, document_id, for_dossier=for_dossier)
    with services.store.records.read_transaction() as s:
        ref = document_file(s, by, document_id, variant, for_dossier=for_dossier)
    return file_response(services, ref, redirect=redirect)
