"""The authorization matrix, generated from the app's routes: every route × every caller, allowed or refused.

The world: an officer of agency H55 opened a dossier for a citizen, handed in and
confirmed a card; the resolution system of H55 had a result signed; the citizen
consented to a dossier of a third agency. Each caller then calls each route on
those resources: the H55 officer and resolution system on their own agency's,
the H56 ones on a foreign agency's, the citizen on their own data, another
citizen on someone else's. A route added to the app without a row here fails
the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api import create_app
from schemas.settings import Settings
from tests.api.conftest import AGENCY, CALLERS, CITIZEN, DOSSIER, Api, tokens_for
from workers import fake_scan

_seq = itertools.count(100)


@dataclass
class World:
    component: str
    document: str
    job: str
    consent: str
    file_link: str
    pdf: bytes


@pytest.fixture(params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Api]:
    """The app on the embedded SQLite, and on PostgreSQL (where the hottest reads run on the event loop:
    ``store/records/_hot.py``), so that both ways meet every row."""
    if request.param == "postgres":
        settings = settings.model_copy(update={"database_url": request.getfixturevalue("empty_postgres")})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Api(client, settings, tokens_for(settings))


@pytest.fixture
def world(api: Api) -> World:
    api.open_dossier()
    cid, doc = api.digitized()
    pdf = api.client.get(f"/v1/components/{cid}/file?variant=searchable", headers=api.headers("officer")).content
    job = api.client.post("/v1/results", files={"file": ("kq.pdf", pdf, "application/pdf")},
                          data={"ma_ho_so": DOSSIER, "ten_giay_to": "Quyết định"}, headers=api.headers("resolution"))
    assert job.status_code == 202, job.text
    assert api.wait_job(job.json()["job_id"])["state"] == "done"
    consent = api.client.post("/v1/me/consents", json={"document_id": doc, "ma_ho_so": "000.00.17.H57-261207-0003"},
                              headers=api.headers("citizen"))
    assert consent.status_code == 201, consent.text
    link = api.client.get(f"/v1/components/{cid}/file?redirect=1", headers=api.headers("officer"),
                          follow_redirects=False).headers["location"]
    return World(cid, doc, job.json()["job_id"], consent.json()["id"], link.split("://", 1)[1].split("/", 1)[1], pdf)


Request = Callable[[World], tuple[str, dict[str, Any]]]
AGENCY_READERS = {"officer", "resolution"}
PUBLIC = set(CALLERS) | {None}


@dataclass(frozen=True)
class Row:
    """Who may call a route (everyone else gets ``deny``; no token gets 401 unless the route is public)."""

    request: Request
    allowed: set[str | None]
    deny: dict[str, int] = field(default_factory=dict)
    #: a request whose body names its caller (the Kho look-up's requester must be the token's principal)
    request_as: Callable[[World, str | None], tuple[str, dict[str, Any]]] | None = None

    def build(self, world: World, who: str | None) -> tuple[str, dict[str, Any]]:
        """The request ``who`` sends."""
        return self.request_as(world, who) if self.request_as else self.request(world)


def _get(path: str) -> Request:
    return lambda w: (path.format(w=w), {})


def _upload(w: World) -> tuple[str, dict[str, Any]]:
    n = next(_seq)
    return f"/v1/dossiers/{DOSSIER}/components", {"files": [("files", (f"s{n}.png", fake_scan(seed=n), "image/png"))]}


def _new_dossier(_w: World) -> tuple[str, dict[str, Any]]:
    code = f"{DOSSIER.rsplit('-', 1)[0]}-{next(_seq):04d}"
    return "/v1/dossiers", {"json": {"ma_ho_so": code, "so_dinh_danh": CITIZEN}}


def _result(w: World) -> tuple[str, dict[str, Any]]:
    return "/v1/results", {"files": {"file": ("kq.pdf", w.pdf, "application/pdf")},
                           "data": {"ma_ho_so": DOSSIER, "ten_giay_to": "Quyết định"}}


def _kho_lookup(_w: World, who: str | None) -> tuple[str, dict[str, Any]]:
    role, sub, _agency = CALLERS[who or "officer"]
    return "/v1/kho/lookup", {"json": {"SoDinhDanhChuSoHuu": CITIZEN, "KenhThucHien": "2" if role == "citizen" else "1",
                                       "SoDinhDanhNguoiYeuCau": sub, "DanhSachDanhMucKetQua": []}}


OWN_STORE = AGENCY_READERS | {"citizen"}
MATRIX: dict[tuple[str, str], Row] = {
    ("POST", "/v1/dossiers"): Row(_new_dossier, {"officer"}),
    ("GET", "/v1/dossiers"): Row(_get("/v1/dossiers"), {"officer", "foreign_officer", "resolution",
                                                        "foreign_resolution"}),
    ("GET", "/v1/dossiers/{ma_ho_so}"): Row(_get(f"/v1/dossiers/{DOSSIER}"), OWN_STORE),
    ("GET", "/v1/dossiers/{ma_ho_so}/portal-record"): Row(_get(f"/v1/dossiers/{DOSSIER}/portal-record"), {"officer"}),
    ("POST", "/v1/dossiers/{ma_ho_so}/components"): Row(_upload, {"officer"}),
    ("POST", "/v1/dossiers/{ma_ho_so}/reuse"): Row(
        lambda w: (f"/v1/dossiers/{DOSSIER}/reuse", {"json": {"document_id": w.document}}), {"officer"}),
    ("GET", "/v1/components/{component_id}"): Row(_get("/v1/components/{w.component}"), OWN_STORE),
    ("PATCH", "/v1/components/{component_id}/fields"): Row(
        lambda w: (f"/v1/components/{w.component}/fields", {"json": {"fields": {"ho_ten": "Nguyễn Văn An"},
                                                                     "reason": "matrix"}}), {"officer"}),
    ("POST", "/v1/components/{component_id}/confirm"): Row(
        lambda w: (f"/v1/components/{w.component}/confirm", {}), {"officer"}),
    ("GET", "/v1/components/{component_id}/file"): Row(_get("/v1/components/{w.component}/file"), OWN_STORE),
    ("GET", "/v1/citizens/{so_dinh_danh}/documents"): Row(_get(f"/v1/citizens/{CITIZEN}/documents"), OWN_STORE),
    ("GET", "/v1/documents/{document_id}"): Row(_get("/v1/documents/{w.document}"), OWN_STORE),
    ("GET", "/v1/documents/{document_id}/file"): Row(_get("/v1/documents/{w.document}/file"), OWN_STORE),
    ("POST", "/v1/results"): Row(_result, {"resolution"}),
    ("GET", "/v1/results/{job_id}"): Row(_get("/v1/results/{w.job}"), {"resolution"}),
    ("GET", "/v1/results/{job_id}/file"): Row(_get("/v1/results/{w.job}/file"), {"resolution"}),
    ("GET", "/v1/results/{job_id}/callbacks"): Row(_get("/v1/results/{w.job}/callbacks"), {"resolution"}),
    ("GET", "/v1/me/documents"): Row(_get("/v1/me/documents"), {"citizen", "other_citizen"}),
    ("GET", "/v1/me/documents/{document_id}/file"): Row(_get("/v1/me/documents/{w.document}/file"), {"citizen"}),
    ("GET", "/v1/me/consents"): Row(_get("/v1/me/consents"), {"citizen", "other_citizen"}),
    ("POST", "/v1/me/consents"): Row(
        lambda w: ("/v1/me/consents", {"json": {"document_id": w.document, "ma_ho_so": DOSSIER}}), {"citizen"},
        deny={"other_citizen": 404}),
    ("DELETE", "/v1/me/consents/{consent_id}"): Row(lambda w: (f"/v1/me/consents/{w.consent}", {}), {"citizen"},
                                                    deny={"other_citizen": 404}),
    ("GET", "/v1/me/access-log"): Row(_get("/v1/me/access-log"), {"citizen", "other_citizen"}),
    ("GET", "/v1/audit"): Row(_get("/v1/audit"), {"admin"}),
    ("GET", "/v1/stats"): Row(_get(f"/v1/stats?agency={AGENCY}"), {"officer", "admin"}),
    ("POST", "/v1/kho/lookup"): Row(_get("/v1/kho/lookup"), OWN_STORE, request_as=_kho_lookup),
    ("POST", "/v1/dev/tokens"): Row(lambda w: ("/v1/dev/tokens", {"json": {"role": "admin", "sub": "x"}}), PUBLIC),
    ("GET", "/healthz"): Row(_get("/healthz"), PUBLIC),
    ("GET", "/readyz"): Row(_get("/readyz"), PUBLIC),
    ("GET", "/metrics"): Row(_get("/metrics"), PUBLIC),
    ("GET", "/files/{bucket}/{key}"): Row(lambda w: ("/" + w.file_link, {}), PUBLIC),
}
#: routes of the framework itself, not ours
FRAMEWORK = {"/openapi.json", "/docs", "/docs/oauth2-redirect"}


def _routes(api: Api) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (included routers walked, as FastAPI nests them)."""
    found = set()
    for route in api.client.app.routes:  # type: ignore[attr-defined]
        included = getattr(route, "effective_route_contexts", None)
        pairs = [(ctx.path, ctx.methods) for ctx in included()] if included else (
            [(route.path, route.methods)] if isinstance(route, APIRoute) else [])
        for path, methods in pairs:
            if path not in FRAMEWORK:
                found.update((m, path.replace("{key:path}", "{key}")) for m in set(methods) - {"HEAD"})
    return found


def test_every_route_has_a_row(api: Api) -> None:
    routes = _routes(api)
    assert routes - set(MATRIX) == set(), "routes without a row in the authorization matrix"
    assert set(MATRIX) - routes == set(), "rows for routes the app no longer has"


def test_every_route_allows_exactly_its_callers(api: Api, world: World) -> None:
    wrong = []
    for (method, path), row in sorted(MATRIX.items()):
        for who in [*sorted(CALLERS), None]:
            url, kwargs = row.build(world, who)
            r = api.client.request(method, url, headers=api.headers(who), follow_redirects=False, **kwargs)
            if who in row.allowed:
                ok = r.status_code < 400
            elif who is None:
                ok = r.status_code == 401
            else:
                ok = r.status_code == row.deny.get(who, 403)
            if not ok:
                wrong.append(f"{method} {path} as {who}: {r.status_code} {r.text[:120]}")
    assert not wrong, "\n".join(wrong)


def test_foreign_callers_see_nothing_of_the_dossier_in_lists(api: Api, world: World) -> None:
    for who in ("foreign_officer", "foreign_resolution"):
        listed = api.client.get("/v1/dossiers", headers=api.headers(who)).json()["items"]
        assert DOSSIER not in [d["ma_ho_so"] for d in listed]
    assert DOSSIER in [d["ma_ho_so"] for d in api.client.get("/v1/dossiers", headers=api.headers("officer"))
                       .json()["items"]]
    mine = api.client.get("/v1/me/documents", headers=api.headers("other_citizen")).json()["items"]
    assert mine == []
