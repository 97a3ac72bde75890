"""``Idempotency-Key`` on POST: the first request's answer is kept in the database and replayed to retries.

A retry that lands on another replica finds the same key, so a flaky network
never makes two dossiers, two components or two result jobs. A request that
failed in a way worth retrying (an outage) gives the key back, so the retry
does the work; any other answer, errors included, is what retries get.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api._errors import error_body, status_of
from api._services import ApiServices
from schemas.errors import SohoaError
from store.records import Principal, claim_key, complete_key, release_key

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"

Work = Callable[[], Awaitable[tuple[int, BaseModel]]]


def fingerprint(request: Request, *parts: str) -> str:
    """What makes two requests the same: method, path, query and the body's digest (given as ``parts``)."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}".encode())
    for part in parts:
        digest.update(b"\x1f" + part.encode())
    return digest.hexdigest()


async def idempotent(request: Request, services: ApiServices, by: Principal, work: Work, *parts: str) -> JSONResponse:
    """Run ``work`` once per ``Idempotency-Key`` (or every time when the request has none).

    Args:
        request: the request (its key, method and path).
        services: the store the keys are kept in.
        by: who calls (keys are per principal).
        work: does the request; returns the status and the answer.
        *parts: what else identifies the request (the body's digest, the files' SHA-256).
    """
    key = request.headers.get(HEADER)
    if key is None:
        status, model = await work()
        return JSONResponse(model.model_dump(mode="json"), status_code=status)
    records = services.store.records
    print_ = fingerprint(request, *parts)

    def claim() -> tuple[int, dict[str, object]] | None:
        with records.transaction() as session:
            replay = claim_key(session, by, key, print_)
        return (replay.status_code, replay.body) if replay else None

    replay = await run_in_threadpool(claim)
    if replay is not None:
        return JSONResponse(replay[1], status_code=replay[0], headers={REPLAYED: "true"})
    try:
        status, model = await work()
    except SohoaError as e:
        if e.retryable or status_of(e) >= 500:
            await run_in_threadpool(_release, services, by, key)
        else:
            await run_in_threadpool(_complete, services, by, key, status_of(e),
                                    error_body(e.code, e.message, e.detail))
        raise
    except BaseException:
        await run_in_threadpool(_release, services, by, key)
        raise
    body = model.model_dump(mode="json")
    await run_in_threadpool(_complete, services, by, key, status, body)
    return JSONResponse(body, status_code=status)


def _complete(services: ApiServices, by: Principal, key: str, status: int, body: dict[str, object]) -> None:
    with services.store.records.transaction() as session:
        complete_key(session, by, key, status_code=status, body=body)


def _release(services: ApiServices, by: Principal, key: str) -> None:
    with services.store.records.transaction() as session:
        release_key(session, by, key)
