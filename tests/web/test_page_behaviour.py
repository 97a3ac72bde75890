"""How the officer's page behaves, with the /v1 answers played back in the browser (no services needed).

The page is served for real; only its calls to ``/v1`` are answered by the test
(Playwright's request routing), so each behaviour is checked in isolation and
fast: codes checked as typed, doubtful fields said in words, a field's box drawn
when it has focus, keys for every action, a lost connection and an expired
token said plainly with nothing typed lost. The whole journey on the real API
and services is ``test_journey.py``.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from api.web import router
from tests.fixtures_services import free_port
from tests.web.browser import RequestLog, chromium, page_on, screenshot, serious_violations

CODE = "000.00.15.H55-230612-0001"
CITIZEN = "001090000001"


def _token(exp: int) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
    claims = {'sub': 'canbo.motcua.01', 'agency': '000.00.15.H55', 'exp': exp, 'jti': uuid.uuid4().hex}
    return f"{part({'alg': 'HS256'})}.{part(claims)}.sig"


DOCUMENT = {
    "id": "d1", "lineage_id": "l1", "doc_type": "xac_nhan_cu_tru", "confidence": 0.93, "status": "extracted",
    "flags": [], "page_start": 1, "page_count": 1, "dpi": 300, "valid_until": None,
    "metadata": {"ten_giay_to": "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"},
    "signatures": [{"role": "officer", "signer_name": "Cán Bộ Một Cửa", "level": "B-T",
                    "signed_at": "2025-09-15T03:21:34+00:00"}],
    "fields": {
        "ho_ten": {"value": "Nguyễn Văn An", "confidence": 0.97, "page": 1, "bbox": [100, 200, 500, 240],
                   "flags": []},
        "so_dinh_danh": {"value": "001090000001", "confidence": 0.62, "page": 1, "bbox": [100, 300, 520, 340],
                         "flags": ["id_birth_year_mismatch"]},
        "ngay_sinh": {"value": "1991-03-05", "confidence": 0.9, "page": 1, "bbox": [100, 400, 400, 440],
                      "flags": []},
    },
}
COMPONENT = {"id": "c1", "status": "done", "file_name": "the-cu-tru.jpg", "origin": "scanned",
             "reuses_document_id": None, "documents": [DOCUMENT]}
DOSSIER = {"ma_ho_so": CODE, "ma_tthc": "1.001193", "so_dinh_danh": CITIZEN, "components": [COMPONENT]}
PAGE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1400">'
            '<rect width="1000" height="1400" fill="#eee"/></svg>')


def _app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


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


class PlayedApi:
    """Answers the page's /v1 calls from Python; ``down`` makes every call fail like a cut cable."""

    def __init__(self) -> None:
        self.down = False
        self.expired: set[str] = set()
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []
        self.handlers: dict[tuple[str, str], Callable[[dict[str, Any] | None], tuple[int, Any]]] = {
            ("POST", "/v1/dev/tokens"): lambda body: (200, {"access_token": _token(int(time.time()) + 3600)}),
            ("GET", f"/v1/dossiers/{CODE}"): lambda body: (200, DOSSIER),
            ("GET", "/v1/components/c1"): lambda body: (200, COMPONENT),
            ("GET", "/v1/documents/d1/signatures"): lambda body: (200, {"valid": True, "items": [
                {"valid": True, "signer": "Cán Bộ Một Cửa",
                 "summary": "Hợp lệ. Ký bởi Cán Bộ Một Cửa, lúc 15/09/2025 10:21:34, mức B-T."}]}),
            ("GET", f"/v1/citizens/{CITIZEN}/documents"): lambda body: (200, {"items": [], "next": None}),
            ("PATCH", "/v1/components/c1/fields"): self._patch,
        }

    @staticmethod
    def _patch(body: dict[str, Any] | None) -> tuple[int, Any]:
        corrected = json.loads(json.dumps(COMPONENT))
        for name, value in (body or {}).get("fields", {}).items():
            corrected["documents"][0]["fields"][name] |= {"value": value, "confidence": 1.0, "flags": []}
        return 200, corrected

    def route(self, route: Any) -> None:
        request = route.request
        path = request.url.split("?")[0].split("://", 1)[1].split("/", 1)[1]
        path = "/" + path
        if self.down:
            route.abort("connectionrefused")
            return
        is_json = "json" in (request.headers.get("content-type") or "")
        body = json.loads(request.post_data) if request.post_data and is_json else None
        self.calls.append((request.method, path, body))
        token = (request.headers.get("authorization") or "").removeprefix("Bearer ")
        if path != "/v1/dev/tokens" and (not token or token in self.expired):
            route.fulfill(status=401, content_type="application/json",
                          body=json.dumps({"error": {"code": "unauthenticated", "message": "expired", "detail": {}}}))
            return
        if path == "/v1/documents/d1/pages/1":
            route.fulfill(status=200, content_type="image/svg+xml", body=PAGE_SVG,
                          headers={"X-Page-Width": "1000", "X-Page-Height": "1400"})
            return
        handler = self.handlers.get((request.method, path))
        if handler is None:
            route.fulfill(status=404, content_type="application/json",
                          body=json.dumps({"error": {"code": "not_found", "message": "no", "detail": {}}}))
            return
        status, answer = handler(body)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(answer))


@pytest.fixture
def officer(browser: Any, served: str) -> Iterator[tuple[Any, PlayedApi, RequestLog]]:
    api, log = PlayedApi(), RequestLog()
    with page_on(browser, log=log) as page:
        page.route("**/v1/**", api.route)
        page.goto(served + "/")
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("dialog").wait_for(state="hidden")
        yield page, api, log
    assert log.foreign(served) == []


def test_codes_are_checked_as_they_are_typed(officer: tuple[Any, PlayedApi, RequestLog]) -> None:
    page, _, _ = officer
    code = page.get_by_label("Mã hồ sơ")
    code.type("000.00.15.h55-231332-0001")
    assert code.get_attribute("aria-invalid") == "true"
    assert "không có thật" in page.locator("#ma-ho-so-hint").inner_text()
    code.fill("")
    code.type("000.00.15.H55-230612-0001")
    assert code.get_attribute("aria-invalid") == "false"
    assert "nhận ngày 12/06/2023" in page.locator("#ma-ho-so-hint").inner_text()

    page.get_by_role("button", name="Tạo hồ sơ mới").click()
    sdd = page.get_by_label("Số định danh cá nhân của công dân")
    sdd.type("0010900")
    assert "đang có 7" in page.locator("#so-dinh-danh-hint").inner_text()
    sdd.type("00001")
    assert "khai sinh tại Hà Nội, Nam, sinh năm 1990" in page.locator("#so-dinh-danh-hint").inner_text()
    tthc = page.get_by_label("Mã thủ tục hành chính")
    tthc.type("1.00119")
    assert tthc.get_attribute("aria-invalid") == "true"
    tthc.type("3")
    assert tthc.get_attribute("aria-invalid") == "false"


def test_a_doubtful_field_says_why_and_its_box_is_drawn_when_it_has_focus(
        officer: tuple[Any, PlayedApi, RequestLog]) -> None:
    page, _, _ = officer
    page.get_by_label("Mã hồ sơ").fill(CODE)
    page.keyboard.press("Enter")
    field = page.get_by_label("Số định danh cá nhân", exact=True)
    field.wait_for()
    wrap = page.locator(".field", has=field)
    assert "check" in (wrap.get_attribute("class") or "")
    assert "Số định danh không khớp năm sinh" in wrap.inner_text()
    assert page.locator(".field.check").count() == 1  # the confident fields are not highlighted

    field.focus()
    box = page.locator("#page-boxes rect")
    box.wait_for(state="attached")
    assert (box.get_attribute("x"), box.get_attribute("y")) == ("94", "294")  # the field's box, 6 px around
    assert page.locator("#page-boxes").get_attribute("viewBox") == "0 0 1000 1400"
    screenshot(page, "behaviour-review-box")
    assert serious_violations(page) == []


def test_every_step_has_a_key(officer: tuple[Any, PlayedApi, RequestLog]) -> None:
    page, api, _ = officer
    page.keyboard.press("Alt+H")
    assert page.evaluate("document.activeElement.id") == "ma-ho-so"
    page.keyboard.type(CODE)
    page.keyboard.press("Enter")
    page.get_by_label("Họ, chữ đệm và tên").wait_for()
    page.keyboard.press("Alt+N")
    assert page.evaluate("document.activeElement.name") == "ho_ten"
    page.keyboard.press("Control+A")
    page.keyboard.type("Nguyễn Văn Ân")
    page.keyboard.press("Control+S")
    page.locator("#fields-ok").wait_for()
    assert ("PATCH", "/v1/components/c1/fields",
            {"fields": {"ho_ten": "Nguyễn Văn Ân"}, "reason": "Đối chiếu bản giấy"}) in api.calls
    page.keyboard.press("Alt+K")
    assert page.evaluate("document.activeElement.id") == "kho-q"
    page.keyboard.press("Alt+D")
    assert page.evaluate("document.activeElement.dataset.id") == "c1"


def test_a_lost_connection_is_said_plainly_and_what_was_typed_is_sent_when_it_comes_back(
        officer: tuple[Any, PlayedApi, RequestLog]) -> None:
    page, api, _ = officer
    page.get_by_label("Mã hồ sơ").fill(CODE)
    page.keyboard.press("Enter")
    name = page.get_by_label("Họ, chữ đệm và tên")
    name.fill("Nguyễn Văn Ân")
    api.down = True
    page.context.set_offline(True)
    page.get_by_role("button", name="Lưu sửa").click()
    banner = page.locator("#banner")
    banner.wait_for()
    assert banner.inner_text().startswith("Mất kết nối tới máy chủ. Những gì đã nhập vẫn được giữ")
    screenshot(page, "behaviour-offline")
    assert name.input_value() == "Nguyễn Văn Ân"
    api.down = False
    page.context.set_offline(False)
    page.locator("#fields-ok").wait_for(timeout=10_000)
    assert banner.inner_text() in ("Đã kết nối lại.", "")
    assert [c for c in api.calls if c[0] == "PATCH"][-1][2] == {"fields": {"ho_ten": "Nguyễn Văn Ân"},
                                                               "reason": "Đối chiếu bản giấy"}


def test_an_expired_token_asks_to_sign_in_again_and_nothing_typed_is_lost(
        officer: tuple[Any, PlayedApi, RequestLog]) -> None:
    page, api, _ = officer
    page.get_by_label("Mã hồ sơ").fill(CODE)
    page.keyboard.press("Enter")
    name = page.get_by_label("Họ, chữ đệm và tên")
    name.fill("Nguyễn Văn Ân")
    api.expired.add(page.evaluate("sessionStorage.getItem('sohoa.token.officer')"))
    page.get_by_role("button", name="Lưu sửa").click()
    dialog = page.get_by_role("dialog", name="Đăng nhập")
    dialog.wait_for()
    assert "Phiên đăng nhập đã hết hạn" in dialog.inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#fields-ok").wait_for()
    assert name.input_value() == "Nguyễn Văn Ân"
    patches = [c for c in api.calls if c[0] == "PATCH"]
    assert patches[-1][2] == {"fields": {"ho_ten": "Nguyễn Văn Ân"}, "reason": "Đối chiếu bản giấy"}


def test_what_was_typed_survives_a_reload(officer: tuple[Any, PlayedApi, RequestLog]) -> None:
    page, _, _ = officer
    page.get_by_label("Mã hồ sơ").fill(CODE)
    page.keyboard.press("Enter")
    page.get_by_label("Họ, chữ đệm và tên").fill("Nguyễn Văn Ân")
    page.reload()
    name = page.get_by_label("Họ, chữ đệm và tên")
    name.wait_for()
    assert name.input_value() == "Nguyễn Văn Ân"  # the dossier reopened and the unsaved edit is back


MY_DOCUMENTS = {"items": [DOCUMENT | {"id": "d1", "status": "confirmed", "valid_until": "2099-01-01"}, {
    "id": "d2", "lineage_id": "l2", "doc_type": "tinh_trang_hon_nhan", "status": "confirmed",
    "valid_until": "2020-01-01", "metadata": {}, "fields": {"ho_ten": {"value": "Nguyễn Văn An"}}, "signatures": [],
}], "next": None}


def test_the_citizen_sees_documents_gives_and_takes_back_consent_and_the_access_log_on_a_phone(
        browser: Any, served: str) -> None:
    api, log = PlayedApi(), RequestLog()
    consents: list[dict[str, Any]] = []

    def give(body: dict[str, Any] | None) -> tuple[int, Any]:
        consents.append({"id": "k1", "ma_ho_so": (body or {})["ma_ho_so"], "document_id": (body or {})["document_id"],
                         "created_at": "2025-09-15T03:00:00+00:00", "revoked_at": None})
        return 201, consents[-1]

    def take_back(body: dict[str, Any] | None) -> tuple[int, Any]:
        consents.clear()
        return 200, {}

    api.handlers.update({
        ("GET", "/v1/me/documents"): lambda body: (200, MY_DOCUMENTS),
        ("GET", "/v1/me/consents"): lambda body: (200, {"items": list(consents), "next": None}),
        ("POST", "/v1/me/consents"): give,
        ("DELETE", "/v1/me/consents/k1"): take_back,
        ("GET", "/v1/me/access-log"): lambda body: (200, {"items": [
            {"at": "2025-09-15T03:21:00+00:00", "who": "officer:canbo.motcua.01", "action": "read_document",
             "record_id": "d1", "ma_ho_so": CODE, "request_id": "r1"}], "next": None}),
    })
    with page_on(browser, width=360, height=740, log=log) as page:
        page.route("**/v1/**", api.route)
        page.goto(served + "/cong-dan")
        page.get_by_label("Số định danh cá nhân").fill(CITIZEN)
        page.get_by_role("button", name="Đăng nhập").click()
        cards = page.locator("#docs > li")
        cards.first.wait_for()
        assert cards.count() == 2
        first, second = cards.nth(0).inner_text(), cards.nth(1).inner_text()
        page.get_by_text("Chữ ký số hợp lệ: Cán Bộ Một Cửa").wait_for()  # verified by the server, said in words
        first = cards.nth(0).inner_text()
        assert "Còn hiệu lực đến 01/01/2099" in first
        assert "Nguyễn Văn An" in first
        assert "Hết hiệu lực từ 01/01/2020" in second and "Chưa ký số" in second
        page.locator("#access-log li").first.wait_for()
        log_text = page.locator("#access-log").inner_text()
        assert "Cán bộ canbo.motcua.01" in log_text and f"xem một giấy tờ · cho hồ sơ {CODE}" in log_text
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(page, "behaviour-citizen-phone")
        assert serious_violations(page) == []

        cards.nth(0).get_by_text("Cho một hồ sơ dùng lại").click()
        box = cards.nth(0).get_by_label("Cho phép hồ sơ này dùng lại giấy tờ")
        box.type(CODE.lower())
        assert box.input_value() == CODE  # typed as people type; kept as the code is written
        cards.nth(0).get_by_role("button", name="Cho phép").click()
        page.locator("#consents li").wait_for()
        assert f"Hồ sơ {CODE} được dùng lại Xác nhận thông tin về cư trú" in page.locator("#consents").inner_text()
        page.get_by_role("button", name=f"Thu hồi quyền dùng lại cho hồ sơ {CODE}").click()
        page.locator("#consents li").wait_for(state="detached")
        assert ("DELETE", "/v1/me/consents/k1", None) in api.calls
    assert log.foreign(served) == []


def test_dropped_scans_go_up_with_their_digest_declared_and_the_api_reads_it(
        officer: tuple[Any, PlayedApi, RequestLog], tmp_path: Any) -> None:
    """The page hashes each scan (WebCrypto) and gives its part Repr-Digest and Content-Length; the API's own
    reading of the body it sent finds every file with the declaration matching its bytes."""
    import asyncio
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    from starlette.requests import Request

    from api._upload import read_upload

    page, _api, _ = officer
    page.get_by_label("Mã hồ sơ").fill(CODE)
    page.keyboard.press("Enter")
    page.get_by_label("Họ, chữ đệm và tên").wait_for()
    sent: list[tuple[bytes, str]] = []

    def components(route: Any) -> None:
        sent.append((route.request.post_data_buffer, route.request.headers["content-type"]))
        route.fulfill(status=202, content_type="application/json", body=json.dumps({"items": [
            {"id": "c1", "status": "queued", "file_name": "a.png", "duplicate_of": []},
            {"id": "c1", "status": "queued", "file_name": "b.png", "duplicate_of": []}]}))

    page.route(f"**/v1/dossiers/{CODE}/components", components)
    scans = [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, b"%PDF-1.7\n" + "Căn cước".encode() * 300]
    page.set_input_files("#files", files=[
        {"name": 'Căn cước "mặt trước".png', "mimeType": "image/png", "buffer": scans[0]},
        {"name": "b.pdf", "mimeType": "application/pdf", "buffer": scans[1]}])
    deadline = time.monotonic() + 10
    while not sent and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    [(body, kind)] = sent
    assert b"Repr-Digest: sha-256=:" in body

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"",
             "headers": [(b"content-type", kind.encode())]}
    reading = read_upload(Request(scope, receive), tmp_dir=tmp_path, max_file_bytes=1 << 20,  # type: ignore[arg-type]
                          max_files=5)
    with ThreadPoolExecutor(1) as aside:  # Playwright's own loop runs in this thread
        form = aside.submit(asyncio.run, reading).result()
    assert [(f.name, f.declared) for f in form.files] == [
        ('Căn cước %22mặt trước%22.png', (hashlib.sha256(scans[0]).hexdigest(), len(scans[0]))),
        ("b.pdf", (hashlib.sha256(scans[1]).hexdigest(), len(scans[1])))]
    form.cleanup()
