"""Routes for operators and load balancers (no token): alive, ready, metrics; and the local store's download links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api._errors import error_body
from api._health import DOWN_CODES, readiness
from api._metrics import CONTENT_TYPE_LATEST
from api._models import ErrorBody
from api._responses import FILE_RESPONSES, file_headers
from api.deps import Services
from schemas.errors import AccessDenied, ErrorCode, NotFoundError

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    """The process answers."""

    status: str = "ok"


class Ready(BaseModel):
    """Every service answers."""

    status: str = "ready"
    services: dict[str, str]


@router.get("/healthz", response_model=Alive, summary="Alive")
def healthz() -> Alive:
    """The process answers (nothing else is checked)."""
    return Alive()


@router.get("/readyz", response_model=Ready, summary="Ready",
            responses={503: {"model": ErrorBody, "description": "A service is down; `detail.down` names it."}})
async def readyz(services: Services) -> JSONResponse:
    """The database, the object store, the broker and Redis (when configured) all answer."""
    results = await readiness(services)
    down = [name for name, state in results.items() if state != "ok"]
    if down:
        body = error_body(DOWN_CODES[down[0]], f"not ready: {', '.join(down)} down",
                          {"down": down, "services": results})
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
    return JSONResponse(Ready(services=results).model_dump())


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(services: Services) -> Response:
    """Requests by route and status, latency, bytes taken in, jobs dispatched, refusals (Prometheus text)."""
    return Response(services.metrics.render(), media_type=CONTENT_TYPE_LATEST)


@router.get("/files/{bucket}/{key:path}", summary="A download link of the local-folder store",
            response_class=Response, responses={**FILE_RESPONSES, 403: {"model": ErrorBody}, 404: {"model": ErrorBody}})
def local_file(bucket: Annotated[str, Path(max_length=20)], key: Annotated[str, Path(max_length=200)],
               request: Request, services: Services, *,
               expires: Annotated[int, Query()], signature: Annotated[str, Query(max_length=128)]) -> Response:
    """Served only for the embedded local-folder store; the link itself (signed, short-lived) is the permission."""
    store = services.local_files
    if store is None:
        raise NotFoundError("no such route: files are served by the object store")
    granted_bucket, granted_key = store.verify_presigned(str(request.url))
    if (granted_bucket.value, granted_key) != (bucket, key):
        raise AccessDenied("the download link does not match", code=ErrorCode.FORBIDDEN)
    info = store.stat(granted_bucket, granted_key)
    data = store.get_bytes(granted_bucket, granted_key)
    return Response(data, media_type=info.content_type, headers=file_headers(granted_key.rsplit("/", 1)[-1],
                                                                             granted_key))
