"""The page-image, signature and printed-copy routes meet the store's rules: who may read what is not decided here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import api.web
from api import create_app
from schemas.settings import Settings
from tests.api.conftest import Api, api_settings, tokens_for


@pytest.fixture
def web_api(tmp_path) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    settings: Settings = api_settings(tmp_path)
    with TestClient(create_app(settings, extra_routers=api.web.ROUTERS), raise_server_exceptions=False) as client:
        yield Api(client, settings, tokens_for(settings))


def _paths(cid: str, doc: str) -> list[str]:
    return [f"/v1/documents/{doc}/pages/1", f"/v1/documents/{doc}/signatures",
            f"/v1/documents/{doc}/file?variant=printable", f"/v1/components/{cid}/file?variant=printable"]


def test_another_agency_and_another_citizen_are_refused_and_nobody_without_a_token(web_api: Api) -> None:
    web_api.open_dossier()
    cid, doc = web_api.digitized()
    for path in _paths(cid, doc):
        assert web_api.client.get(path, headers=web_api.headers("foreign_officer")).status_code == 403, path
        assert web_api.client.get(path, headers=web_api.headers(None)).status_code == 401, path
    for path in _paths(cid, doc)[:3]:
        assert web_api.client.get(path, headers=web_api.headers("other_citizen")).status_code == 403, path
    mine = web_api.client.get(f"/v1/me/documents/{doc}/file?variant=printable",
                              headers=web_api.headers("other_citizen"))
    assert mine.status_code in (403, 404)


def test_the_officer_and_the_owner_get_the_page_its_size_the_signatures_and_the_printed_copy(web_api: Api) -> None:
    web_api.open_dossier()
    cid, doc = web_api.digitized()
    page = web_api.client.get(f"/v1/documents/{doc}/pages/1", headers=web_api.headers("officer"))
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "image/jpeg" and int(page.headers["x-page-width"]) > 0
    sigs = web_api.client.get(f"/v1/documents/{doc}/signatures", headers=web_api.headers("citizen"))
    assert sigs.status_code == 200, sigs.text
    assert set(sigs.json()) == {"valid", "items"}
    for who, path in (("officer", f"/v1/components/{cid}/file?variant=printable"),
                      ("citizen", f"/v1/me/documents/{doc}/file?variant=printable")):
        copy = web_api.client.get(path, headers=web_api.headers(who))
        assert copy.status_code == 200, (who, copy.text)
        assert copy.content.startswith(b"%PDF-")
    log = web_api.client.get("/v1/me/access-log", headers=web_api.headers("citizen")).json()["items"]
    assert any(line["action"] == "read_document" and line["who"].startswith("officer:") for line in log)
