"""One error body for every failure, ``{"error": {"code", "message", "detail"}}``, made in one place.

Statuses come from the stable codes of ``schemas/errors.py`` (the CLI prints the
same codes); a failure nobody meant is ``internal`` with the request id and
never a stack trace (that goes to the log).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from schemas.errors import ErrorCode, InputError, SohoaError

log = logging.getLogger("sohoa.api")

_STATUS: dict[ErrorCode, int] = {
    ErrorCode.DIGEST_MISMATCH: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FILE_NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RECORD_LOCKED: 409,
    ErrorCode.PRECONDITION_FAILED: 412,
    ErrorCode.REQUEST_TOO_LARGE: 413,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.TOO_MANY_PAGES: 413,
    ErrorCode.IMAGE_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_TYPE: 415,
    ErrorCode.TYPE_MISMATCH: 415,
    ErrorCode.NOT_A_PDF: 415,
    ErrorCode.IDEMPOTENCY_CONFLICT: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.STORAGE_UNAVAILABLE: 503,
    ErrorCode.DATABASE_UNAVAILABLE: 503,
    ErrorCode.BROKER_UNAVAILABLE: 503,
}


def status_of(error: SohoaError) -> int:
    """The HTTP status of an error: by its code, else 422 for bad input, 503 for outages, 500 otherwise."""
    if error.code in _STATUS:
        return _STATUS[error.code]
    if isinstance(error, InputError):
        return 422
    return 503 if error.retryable else 500


def error_body(code: ErrorCode | str, message: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error body."""
    return {"error": {"code": str(code), "message": message, "detail": detail or {}}}


def error_response(error: SohoaError) -> JSONResponse:
    """The response for one of our errors, with the headers its status calls for."""
    status = status_of(error)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if error.detail else "Bearer"
    if status in (429, 503) or (status == 409 and error.retryable):
        headers["Retry-After"] = str(int(error.detail.get("retry_after_s", 1 if status == 409 else 5)))
    detail = error.detail if status < 500 or error.retryable else {}
    return JSONResponse(error_body(error.code, error.message, detail), status_code=status, headers=headers)


async def _sohoa_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SohoaError)
    if status_of(exc) >= 500:
        log.warning("request failed: %s: %s", exc.code, exc.message)
    return error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                 "type": str(e.get("type", ""))} for e in exc.errors()]
    return JSONResponse(error_body(ErrorCode.INVALID_VALUE, "the request is not valid", {"errors": problems}),
                        status_code=422)


_HTTP_CODES = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED, 401: ErrorCode.UNAUTHENTICATED,
               403: ErrorCode.FORBIDDEN, 413: ErrorCode.REQUEST_TOO_LARGE, 415: ErrorCode.UNSUPPORTED_TYPE}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, ErrorCode.INVALID_VALUE if exc.status_code < 500 else ErrorCode.INTERNAL)
    message = {404: "no such route", 405: "this method is not allowed here"}.get(exc.status_code, str(exc.detail))
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map our errors, request validation and Starlette's HTTP errors to the one error body."""
    app.add_exception_handler(SohoaError, _sohoa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
