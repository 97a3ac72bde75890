"""Shared pieces of responses: the documented error statuses, ETags, and files (bytes or a short-lived link)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from api._models import ErrorBody
from api._services import ApiServices
from schemas.errors import ErrorCode, SohoaError
from store.records import FileRef

_WHY = {
    400: "The request is malformed.",
    401: "No token, or a token that is expired, not yet valid, badly signed, or for another issuer or audience.",
    403: "The caller may not do this (another agency's dossier, another citizen's data, another role).",
    404: "No such record (or route).",
    409: "The request contradicts the record's state (it exists, it is locked, a retry is still running).",
    412: "If-Match names another version.",
    413: "A body, file or page count over the limit.",
    415: "A type that is not accepted (the type is taken from the bytes).",
    422: "A value is not valid (codes, ids, fields).",
    429: "Too many requests for this token; see Retry-After.",
    503: "A service the API needs is unreachable; retry later.",
}
#: statuses every authenticated route may answer
AUTH = (400, 401, 403, 422, 429, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the error body under each status it may answer."""
    return {s: {"model": ErrorBody, "description": _WHY.get(s, "Error.")} for s in sorted({*AUTH, *statuses})}


def etag_of(raw: bytes) -> str:
    """A strong ETag of a serialized body."""
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def model_response(model: BaseModel, *, status_code: int = 200) -> Response:
    """The model as JSON, serialized once by pydantic (a model returned to FastAPI is validated again first)."""
    return Response(model.model_dump_json().encode(), status_code=status_code, media_type="application/json")


def with_etag(request: Request, model: BaseModel, *, status_code: int = 200) -> Response:
    """The model as JSON with its ETag; ``304 Not Modified`` when the client already has this version.

    The body is serialized once (pydantic's own JSON) and the ETag is the digest of those bytes.
    """
    raw = model.model_dump_json().encode()
    tag = etag_of(raw)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    wanted = request.headers.get("if-none-match", "")
    if tag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(raw, status_code=status_code, headers=headers, media_type="application/json")


def check_if_match(request: Request, model: BaseModel) -> None:
    """Refuse a change made against another version than the current one (``If-Match``).

    Raises:
        SohoaError: ``precondition_failed`` (412).
    """
    wanted = request.headers.get("if-match")
    if wanted is None:
        return
    tag = etag_of(model.model_dump_json().encode())
    if wanted.strip() != "*" and tag not in [t.strip() for t in wanted.split(",")]:
        raise SohoaError("the record changed since you read it: read it again", code=ErrorCode.PRECONDITION_FAILED,
                         detail={"etag": tag})


def file_response(services: ApiServices, ref: FileRef, *, redirect: bool) -> Response:
    """The file's bytes (checked against their SHA-256), or with ``redirect`` a 307 to a short-lived link."""
    if redirect:
        url = services.store.objects.presigned_url(ref.bucket, ref.key,
                                                   expiry_s=services.settings.store.presign_expiry_s)
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    data = services.store.objects.get_bytes(ref.bucket, ref.key)
    return Response(data, media_type=ref.content_type, headers=file_headers(ref.file_name, ref.key))


def file_headers(name: str, key: str) -> dict[str, str]:
    """Content-Disposition (UTF-8 name, RFC 5987), an ETag from the content key, no shared caching."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
            "ETag": f'"{key.rsplit("/", 1)[-1][:32]}"', "Cache-Control": "private, max-age=0",
            "X-Content-Type-Options": "nosniff"}


#: OpenAPI of a file answer
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file's bytes.",
          "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                      "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
    307: {"description": "With ?redirect=1: a short-lived download link in Location."},
}
