"""A route class for the hottest reads: plain requests skip FastAPI's dependency solving, the rest take it.

FastAPI solves a route's dependencies and validates its parameters anew on every
request: for a read asked a thousand times a second that machinery costs more than
the read itself (a quarter of the server's CPU per request on
``GET /v1/citizens/{id}/documents`` and its six query parameters, a fifth on
``GET /v1/components/{id}``). :class:`HotRoute` is declared like any route, so its OpenAPI
document, its validation and its error answers stay FastAPI's; a request whose every
parameter is plainly valid (a string within its length, ``true``/``false``/``1``/``0``,
a small integer within its bounds, each given once, nothing unknown) and that carries a
bearer token calls the same endpoint with the same arguments, built here; any other
request (a bad or unusual value, a missing token, dependency overrides in tests) goes
through FastAPI's handler and gets its usual answer. Either way the endpoint, the
caller's authentication and rate limit (:func:`~api.deps.current_principal`), the
store's checks and the audit line are the same code.

Only ``async`` endpoints whose dependencies are the services and the caller, and whose
parameters are ``str``, ``bool`` or ``int`` path or query parameters (plus the request),
take the short way; any other route built with this class is an ordinary route.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from types import UnionType
from typing import Any, Union, get_args, get_origin

import fastapi.routing
from annotated_types import Ge, Le, MaxLen
from fastapi import Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import current_principal, get_services

_Handler = Callable[[Request], Coroutine[Any, Any, Response]]
#: a parameter's check: its value from the request's text, or :data:`_UNSURE` to leave the request to FastAPI
_Parse = Callable[[str], Any]
#: a value this module does not vouch for (FastAPI's handler then reads the request, and may refuse it)
_UNSURE = object()
#: what FastAPI's bool accepts most often, in the spelling clients send; any other spelling goes the long way
_BOOLS = {"true": True, "false": False, "1": True, "0": False}


class HotRoute(APIRoute):
    """An :class:`~fastapi.routing.APIRoute` whose plain requests skip dependency solving (module docstring)."""

    def get_route_handler(self) -> _Handler:
        """FastAPI's handler, behind the short way when this route's endpoint and parameters allow it."""
        slow = super().get_route_handler()
        plan = _plan(self)
        if plan is None:
            return slow
        dependencies, path, query, request_name = plan

        async def handler(request: Request) -> Response:
            kwargs = _arguments(request, path, query)
            token = _bearer(request)
            if kwargs is None or token is None or not _enabled(request):
                return await slow(request)
            for name, call in dependencies:
                kwargs[name] = await (current_principal(request, token) if call is current_principal
                                      else get_services(request))
            if request_name is not None:
                kwargs[request_name] = request
            response: Response = await self.endpoint(**kwargs)
            return response

        return handler


def _plan(route: APIRoute) -> tuple[list[tuple[str, Any]], dict[str, _Parse], dict[str, tuple[_Parse, Any]],
                                    str | None] | None:
    """How to call ``route``'s endpoint without FastAPI's solving; ``None`` when it cannot be done here."""
    dep = route.dependant
    if not inspect.iscoroutinefunction(route.endpoint) or route.methods != {"GET"}:
        return None
    if dep.header_params or dep.cookie_params or dep.body_params or any(getattr(dep, name, None) for name in (
            "websocket_param_name", "http_connection_param_name", "response_param_name",
            "background_tasks_param_name", "security_scopes_param_name")):
        return None
    dependencies = [(sub.name, sub.call) for sub in dep.dependencies]
    if any(name is None or call not in (get_services, current_principal) for name, call in dependencies):
        return None
    path = {f.name: _parser(f) for f in dep.path_params}
    query = {f.alias: (_parser(f), _UNSURE if f.field_info.is_required() else f.default) for f in dep.query_params}
    if any(p is None for p in path.values()) or any(p is None for p, _ in query.values()):
        return None
    if any(f.alias != f.name for f in dep.query_params) or any(
            type(default) not in (type(None), bool, int, str, object) for _, default in query.values()):
        return None  # a default that may be mutable (a list, a dict): FastAPI copies it for each request
    if len(getattr(_effective(route), "dependencies", None) or route.dependencies) != len(route.dependencies):
        return None  # dependencies added where the router was included: FastAPI's handler knows them
    return dependencies, path, query, dep.request_param_name  # type: ignore[return-value]


def _effective(route: APIRoute) -> Any:
    """The route as included in the app, when FastAPI is building its handler for an inclusion (else ``None``)."""
    var = getattr(fastapi.routing, "_effective_route_context_var", None)
    context = var.get() if var is not None else None
    return context if context is not None and getattr(context, "original_route", None) is route else None


def _parser(field: Any) -> _Parse | None:
    """The check of one parameter, as FastAPI would pass it (``None``: a kind this class does not handle)."""
    info = field.field_info
    if getattr(info, "validation_alias", None) is not None:
        return None
    limits = {type(m): m for m in info.metadata}
    if set(limits) - {MaxLen, Ge, Le}:
        return None
    kind = info.annotation
    if _is_text(kind) and set(limits) <= {MaxLen}:
        most = limits[MaxLen].max_length if MaxLen in limits else None
        return lambda text: text if text and (most is None or len(text) <= most) else _UNSURE
    if kind is bool and not limits:
        return lambda text: _BOOLS.get(text, _UNSURE)
    if kind is int:
        low = limits[Ge].ge if Ge in limits else None
        high = limits[Le].le if Le in limits else None
        return lambda text: _small_int(text, low, high)
    return None


def _is_text(kind: Any) -> bool:
    """``str``, or ``str | None``."""
    return kind is str or (get_origin(kind) in (Union, UnionType) and set(get_args(kind)) == {str, type(None)})


def _small_int(text: str, low: Any, high: Any) -> Any:
    """A plain decimal integer of a few digits within its bounds, else unsure (FastAPI says what is wrong)."""
    if not (0 < len(text) <= 6 and text.isascii() and text.isdigit()) or (len(text) > 1 and text[0] == "0"):
        return _UNSURE
    value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        return _UNSURE
    return value


def _arguments(request: Request, path: dict[str, _Parse],
               query: dict[str, tuple[_Parse, Any]]) -> dict[str, Any] | None:
    """The endpoint's path and query arguments; ``None`` when any is not plainly valid."""
    kwargs: dict[str, Any] = {}
    for name, parse in path.items():
        value = parse(request.path_params.get(name, ""))
        if value is _UNSURE:
            return None
        kwargs[name] = value
    given = request.query_params
    if len(given.multi_items()) != len(given) or any(key not in query for key in given):
        return None  # a repeated or unknown parameter: FastAPI's reading of it stands
    for name, (parse, default) in query.items():
        text = given.get(name)
        value = default if text is None else parse(text)
        if value is _UNSURE:
            return None
        kwargs[name] = value
    return kwargs


def _bearer(request: Request) -> HTTPAuthorizationCredentials | None:
    """The bearer token as :class:`~fastapi.security.HTTPBearer` reads it; ``None`` (the long way) otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return HTTPAuthorizationCredentials(scheme=scheme, credentials=token)


def _enabled(request: Request) -> bool:
    """Off with ``api.fast_reads`` false, and while tests override dependencies (FastAPI applies overrides)."""
    app = request.app
    return not app.dependency_overrides and bool(app.state.services.settings.api.fast_reads)
