"""The pages as served: Vietnamese, every asset ours, nothing fetched from elsewhere, accessible in Chromium."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web import CSP, router
from tests.fixtures_services import free_port
from tests.web.browser import RequestLog, chromium, page_on, screenshot, serious_violations

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+|[a-z]+:[^"]*|//[^"]*)"')


def _app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(_app())


def test_both_pages_are_vietnamese_html_with_a_policy_that_forbids_outside_requests(client: TestClient) -> None:
    for path in ("/", "/cong-dan"):
        response = client.get(path)
        assert response.status_code == 200
        assert '<html lang="vi">' in response.text
        assert response.headers["content-security-policy"] == CSP
        assert "default-src 'none'" in CSP and "connect-src 'self'" in CSP


def test_every_asset_a_page_names_is_ours_and_served_with_its_hash(client: TestClient) -> None:
    for path in ("/", "/cong-dan"):
        html = client.get(path).text
        assets = ASSET.findall(html)
        assert assets, "the page names its script and style"
        for url in assets:
            assert url.startswith("/") and not url.startswith("//"), f"{url} is not on this server"
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["cache-control"].endswith("immutable")
            again = client.get(url, headers={"If-None-Match": response.headers["etag"]})
            assert again.status_code == 304


def test_no_template_style_or_script_names_another_host() -> None:
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("static/*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), f"{path.name} names an outside URL"
        assert "@import" not in text and "@font-face" not in text, f"{path.name} pulls a font or style"


def test_an_unknown_or_path_like_asset_is_not_found(client: TestClient) -> None:
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/static/..%2F_routes.py").status_code == 404
    assert client.get("/static/../_routes.py").status_code == 404


def test_the_officer_page_weighs_under_300_kb_before_images(client: TestClient) -> None:
    html = client.get("/")
    total = len(html.content) + sum(len(client.get(u).content) for u in ASSET.findall(html.text)
                                    if not u.split("?")[0].endswith((".svg", ".png")))
    assert total < 300_000


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.mark.parametrize(("path", "size", "name"), [
    ("/", (1366, 768), "shell-officer-sign-in"),
    ("/cong-dan", (360, 740), "shell-citizen-sign-in"),
])
def test_a_signed_out_page_asks_to_sign_in_accessibly_and_fetches_nothing_from_elsewhere(
        browser: Any, served: str, path: str, size: tuple[int, int], name: str) -> None:
    width, height = size
    log = RequestLog()
    with page_on(browser, width=width, height=height, log=log) as page:
        page.goto(served + path)
        dialog = page.get_by_role("dialog", name="Đăng nhập")
        dialog.wait_for()
        assert page.evaluate("document.activeElement.id") == "dev-sub"  # focus starts where typing starts
        assert serious_violations(page) == []
        screenshot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert log.urls and log.foreign(served) == []
