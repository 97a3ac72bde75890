"""The hottest reads' short way (api/_hot_route.py): the same answers as FastAPI's handler, for every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import fastapi.routing
import pytest
from fastapi import APIRouter, FastAPI, Header, Query, Request
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import create_app
from api._hot_route import HotRoute, _plan
from api.deps import Caller, Services
from schemas.settings import ApiSettings
from tests.api.conftest import CITIZEN, DOSSIER, OTHER, TOKEN_SECRET, Api, api_settings, tokens_for

#: headers that differ between any two answers
_PER_ANSWER = {"x-request-id", "date"}


@pytest.fixture
def both(tmp_path: Any) -> Iterator[tuple[Api, Api]]:
    """Two apps on the same records: the short way on, and off (``api.fast_reads``)."""
    apis = []
    with TestClient(create_app(api_settings(tmp_path)), raise_server_exceptions=False) as fast:
        slow_settings = api_settings(tmp_path, api=ApiSettings(token_secret=SecretStr(TOKEN_SECRET),
                                                               rate_limit_per_minute=0, fast_reads=False))
        with TestClient(create_app(slow_settings), raise_server_exceptions=False) as slow:
            for client in (fast, slow):
                settings = client.app.state.services.settings  # type: ignore[attr-defined]
                apis.append(Api(client, settings, tokens_for(settings)))
            yield apis[0], apis[1]


def _answer(api: Api, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    r = api.client.get(url, headers=headers)
    return r.status_code, {k: v for k, v in r.headers.items() if k not in _PER_ANSWER}, r.json()


def test_every_request_is_answered_as_fastapi_answers_it(both: tuple[Api, Api]) -> None:
    """Given the same records, when plain, odd and bad requests go to both reads, then both apps answer the same."""
    fast, slow = both
    fast.open_dossier()
    component, _ = fast.digitized()
    fast.digitized(seed=1, confirm=False)
    cursor = fast.client.get(f"/v1/citizens/{CITIZEN}/documents?limit=1",
                             headers=fast.headers("officer")).json()["next"]
    assert cursor
    docs = f"/v1/citizens/{CITIZEN}/documents"
    queries = ["", "?limit=1", f"?limit=1&cursor={cursor}", "?valid=true", "?valid=1", "?valid=false&limit=200",
               "?valid=yes", "?valid=TRUE", "?q=an", "?q=", "?doc_type=can_cuoc", "?doc_type=" + "x" * 41,
               "?limit=0", "?limit=201", "?limit=007", "?limit=+5", "?limit=5.0", "?limit=abc",
               "?limit=1&limit=2", "?unknown=1", "?cursor=not-a-cursor", f"?for_dossier={DOSSIER}",
               "?q=" + "a" * 201]
    urls = [docs + q for q in queries] + [f"/v1/citizens/{OTHER}/documents", f"/v1/citizens/{'9' * 21}/documents",
                                          f"/v1/components/{component}", "/v1/components/no-such-component",
                                          f"/v1/components/{'x' * 37}", f"/v1/components/{component}?extra=1"]
    for url in urls:
        for who in ("officer", "foreign_officer", "resolution", "citizen", "admin"):
            assert _answer(fast, url, fast.headers(who)) == _answer(slow, url, slow.headers(who)), (url, who)
        for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"},
                        {"Authorization": "Bearer not-a-jwt"}, {"Authorization": f"bearer  {fast.tokens['officer']}"}):
            assert _answer(fast, url, headers) == _answer(slow, url, headers), (url, headers)


def test_an_etag_the_client_has_is_answered_304_the_short_way_too(both: tuple[Api, Api]) -> None:
    fast = both[0]
    fast.open_dossier()
    component, _ = fast.digitized()
    tag = fast.client.get(f"/v1/components/{component}", headers=fast.headers("officer")).headers["etag"]
    for api in both:
        r = api.client.get(f"/v1/components/{component}", headers=api.headers("officer", **{"If-None-Match": tag}))
        assert r.status_code == 304
        assert r.headers["etag"] == tag


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests FastAPI solved dependencies for."""
    seen: list[str] = []
    solve = fastapi.routing.solve_dependencies

    async def counting(*, request: Request, **kwargs: Any) -> Any:
        seen.append(request.url.path)
        return await solve(request=request, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    return seen


def test_plain_reads_skip_dependency_solving_and_odd_ones_take_it(api: Api, solved: list[str]) -> None:
    """Given a dossier, when the officer reads plainly, then FastAPI solves nothing; an odd value, it does."""
    api.open_dossier()
    component = api.upload()
    solved.clear()
    for url in (f"/v1/citizens/{CITIZEN}/documents?limit=10&valid=true", f"/v1/components/{component}"):
        assert api.client.get(url, headers=api.headers("officer")).status_code == 200
    assert solved == []
    r = api.client.get(f"/v1/citizens/{CITIZEN}/documents?valid=on", headers=api.headers("officer"))
    assert r.status_code == 200
    assert solved == [f"/v1/citizens/{CITIZEN}/documents"]


def test_the_short_way_still_counts_the_rate_limit_and_writes_the_audit_line(tmp_path: Any,
                                                                             solved: list[str]) -> None:
    settings = api_settings(tmp_path, api=ApiSettings(token_secret=SecretStr(TOKEN_SECRET), rate_limit_per_minute=3))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        api = Api(client, settings, tokens_for(settings))
        api.open_dossier()  # one request of the officer's three
        answers = [client.get(f"/v1/citizens/{CITIZEN}/documents", headers=api.headers("officer")) for _ in range(3)]
        assert [r.status_code for r in answers] == [200, 200, 429]
        assert answers[2].json()["error"]["code"] == "rate_limited"
        assert "retry-after" in answers[2].headers
        log = client.get("/v1/audit", headers=api.headers("admin"),
                         params={"so_dinh_danh": CITIZEN, "action": "read_documents"}).json()["items"]
        assert {line["request_id"] for line in log} == {answers[0].headers["x-request-id"],
                                                           answers[1].headers["x-request-id"]}
    assert f"/v1/citizens/{CITIZEN}/documents" not in solved


def _route(endpoint: Any) -> HotRoute:
    router = APIRouter(route_class=HotRoute)
    router.get("/x/{key}")(endpoint)
    route = router.routes[0]
    assert isinstance(route, HotRoute)
    return route


def test_only_async_reads_of_the_services_the_caller_and_simple_parameters_take_the_short_way() -> None:
    async def simple(key: str, services: Services, by: Caller, n: Annotated[int, Query(ge=1)] = 1) -> None: ...

    async def with_header(key: str, by: Caller, x_thing: Annotated[str | None, Header()] = None) -> None: ...

    async def with_list(key: str, by: Caller, tags: Annotated[list[str] | None, Query()] = None) -> None: ...

    async def with_min(key: str, by: Caller, q: Annotated[str | None, Query(min_length=2)] = None) -> None: ...

    def blocking(key: str, by: Caller) -> None: ...

    assert _plan(_route(simple)) is not None
    for endpoint in (with_header, with_list, with_min, blocking):
        assert _plan(_route(endpoint)) is None, endpoint.__name__


def test_dependencies_added_where_a_router_is_included_send_its_reads_the_long_way(solved: list[str]) -> None:
    calls: list[str] = []

    async def extra() -> None:
        calls.append("extra")

    router = APIRouter(route_class=HotRoute)

    @router.get("/x/{key}")
    async def read(key: str, request: Request) -> dict[str, str]:
        return {"key": key}

    app = FastAPI()
    app.include_router(router, dependencies=[fastapi.Depends(extra)])
    with TestClient(app) as client:
        assert client.get("/x/1", headers={"Authorization": "Bearer t"}).json() == {"key": "1"}
    assert calls == ["extra"]
