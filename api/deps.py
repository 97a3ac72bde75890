"""The API's dependencies, as ``Annotated`` aliases routes declare: the services, and who is calling.

``Caller`` authenticates the bearer token (401 when missing or bad), counts the
request against the token's rate limit (429 with ``Retry-After``), and hands the
route the :class:`~store.records.Principal`; what that principal may do is
decided by the store functions the route calls, not here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api._auth import unauthenticated
from api._ratelimit import retry_after
from api._services import ApiServices
from schemas.errors import ErrorCode, SohoaError
from store.records import Principal

__all__ = ["Caller", "Services", "current_principal", "get_services"]

_bearer = HTTPBearer(auto_error=False, scheme_name="bearer",
                     description="A JWT from the province's identity provider (in development: `sohoa token`).")


async def get_services(request: Request) -> ApiServices:
    """The app's services (``async``: a plain ``def`` dependency would cost a thread hop per request)."""
    services: ApiServices = request.app.state.services
    return services


Services = Annotated[ApiServices, Depends(get_services)]


async def current_principal(request: Request,
                            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """Who is calling, from the bearer token; the request is counted against its rate limit.

    Runs on the event loop (a signature check and one Redis round trip); only a verifier
    that may fetch the identity provider's keys over the network is sent to a thread.

    Raises:
        SohoaError: ``unauthenticated`` (401), ``rate_limited`` (429).
    """
    services: ApiServices = request.app.state.services  # (not a sub-dependency: one less to solve per request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        services.metrics.denied.labels("unauthenticated").inc()
        raise unauthenticated("send a bearer token (Authorization: Bearer …)")
    verifier = services.verifier
    try:
        if verifier.may_block:
            principal = await run_in_threadpool(verifier.verify, credentials.credentials)
        else:
            principal = verifier.verify(credentials.credentials)
    except SohoaError:
        services.metrics.denied.labels("unauthenticated").inc()
        raise
    request.state.principal = str(principal)
    wait = await services.limiter.hit(str(principal))
    if wait is not None:
        services.metrics.denied.labels("rate_limited").inc()
        raise SohoaError("too many requests for this token: slow down", code=ErrorCode.RATE_LIMITED,
                         detail={"retry_after_s": retry_after(wait)})
    return principal


Caller = Annotated[Principal, Depends(current_principal)]
