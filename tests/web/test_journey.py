"""The officer's whole journey and the citizen's view, in Chromium, on the real stack.

``sohoa serve`` and one ``sohoa worker`` (the real pipeline, PAdES signing by the
development PKI) run on this test's own PostgreSQL database, RabbitMQ queue and
SeaweedFS server. The officer opens a dossier, drops two scans, waits for them,
corrects a field, confirms, reuses a document the citizen's store already holds
and downloads the signed copy; the citizen then sees the documents and the
officer's read. Every step is screenshot (``build/test-artifacts/web``), checked
with axe-core, and no request may leave the server.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.browser import RequestLog, chromium, page_on, screenshot, serious_violations, wait_until
from tests.web.stack import Served, serve
from tests.workers.services import Services

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.xdist_group("web-stack")]

AGENCY = "000.00.15.H55"
CITIZEN = "001090000001"
OFFICER = "canbo.motcua.01"
READ_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from corpus import generate_corpus
    from schemas.documents import DocType

    folder = tmp_path_factory.mktemp("journey-scans")
    generate_corpus(folder, count=3, seed=2718, kinds=("scan",),
                    doc_types=[DocType.XAC_NHAN_CU_TRU, DocType.TINH_TRANG_HON_NHAN, DocType.KHAI_SINH])
    return sorted(folder.glob("*_scan.*"))


@pytest.fixture
def stack(services: Services) -> Iterator[Served]:
    # one job at a time: pipeline/_pages.py keeps one open document per process, so two worker threads
    # reading two scans at once close each other's file (both fail); reported, not ours to fix here
    services.start_worker(threads=1, pipeline=True)
    with serve(services) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _client(origin: str, role: str, sub: str, agency: str | None = None) -> httpx.Client:
    body = {"role": role, "sub": sub} | ({"agency": agency} if agency else {})
    answer = httpx.post(f"{origin}/v1/dev/tokens", json=body, timeout=10).raise_for_status().json()
    token = answer.get("access_token") or answer["token"]
    return httpx.Client(base_url=origin, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _post(client: httpx.Client, path: str, **kwargs: Any) -> httpx.Response:
    return client.post(path, headers={"Idempotency-Key": uuid.uuid4().hex}, **kwargs).raise_for_status()


def _seed_stored_document(origin: str, scan: Path) -> str:
    """An earlier dossier of the same citizen, its scan read and confirmed: what the store already holds."""
    with _client(origin, "officer", "canbo.motcua.02", AGENCY) as officer:
        code = f"{AGENCY}-250102-0001"
        _post(officer, "/v1/dossiers", json={"ma_ho_so": code, "ma_tthc": "1.001193", "so_dinh_danh": CITIZEN})
        items = _post(officer, f"/v1/dossiers/{code}/components",
                      files=[("files", (scan.name, scan.read_bytes(), "image/jpeg"))]).json()["items"]
        component = items[0]["id"]
        deadline = time.monotonic() + READ_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            state = officer.get(f"/v1/components/{component}").raise_for_status().json()
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert state["status"] == "done", state
        _post(officer, f"/v1/components/{component}/confirm", json={})
        return code


def _checked(page: Any, name: str) -> None:
    screenshot(page, name)
    assert serious_violations(page) == [], name


def test_the_officer_journey_then_the_citizen_sees_it(stack: Served, browser: Any, scans: list[Path]) -> None:
    origin = stack.origin
    _seed_stored_document(origin, scans[2])
    log = RequestLog()
    code = f"{AGENCY}-250103-0007"

    with page_on(browser, log=log) as page:
        page.goto(origin + "/")
        page.get_by_label("Mã cán bộ").fill(OFFICER)
        _checked(page, "journey-01-sign-in")
        page.get_by_role("button", name="Đăng nhập").click()

        # open a dossier: a new one, its codes checked as they are typed
        page.get_by_label("Mã hồ sơ").type(code)
        page.get_by_role("button", name="Tạo hồ sơ mới").click()
        page.get_by_label("Mã thủ tục hành chính").type("1.001193")
        page.get_by_label("Số định danh cá nhân của công dân").type(CITIZEN)
        assert "Hà Nội" in page.locator("#so-dinh-danh-hint").inner_text()
        page.get_by_role("button", name="Tạo và mở hồ sơ").click()
        page.locator("#dossier-facts:not([hidden]), #dossier-error:not([hidden])").first.wait_for()
        assert page.locator("#dossier-error").is_hidden(), page.locator("#dossier-error").inner_text()
        _checked(page, "journey-02-dossier-open")

        # two scans dropped at once; each read by the worker while the page watches
        page.set_input_files("#files", [str(scans[0]), str(scans[1])])
        items = page.locator("#components li")
        items.nth(1).wait_for()
        wait_until(page, "document.querySelectorAll('#components .badge.running, #components .badge.queued,"
                         " #components .badge.uploading').length === 0"
                         " && document.querySelectorAll('#components .badge').length >= 2",
                   timeout_s=READ_TIMEOUT_MS / 1000, every_ms=250)
        if page.locator("#components .badge.failed").count():
            with _client(origin, "officer", OFFICER, AGENCY) as officer:
                failed = [c["error"] for c in officer.get(f"/v1/dossiers/{code}").json()["components"]]
            pytest.fail(f"a scan was not read: {failed}")
        page.locator("#fields .field input").first.wait_for()
        _checked(page, "journey-03-read")

        # correct a field beside its page image (its box drawn when it has focus), then confirm
        first = page.locator("#fields .field input").first
        first.focus()
        page.locator("#page-boxes rect").wait_for(state="attached")
        page.locator("#page-image[src^='blob:']").wait_for()
        corrected = first.input_value() + " (đã sửa)"
        first.fill(corrected)
        _checked(page, "journey-04-review")
        page.keyboard.press("Control+S")
        page.locator("#fields-ok").wait_for()
        assert page.locator("#fields .field input").first.input_value() == corrected
        page.keyboard.press("Control+Enter")
        page.get_by_text("Đã xác nhận và lưu vào kho của công dân.").wait_for()
        _checked(page, "journey-05-confirmed")

        # "Đã có trong kho": reuse the document the store holds from the earlier dossier
        page.keyboard.press("Alt+K")
        reuse = page.locator("#kho-list").get_by_role("button", name="Dùng lại").first
        reuse.wait_for()
        before = items.count()
        reuse.click()
        wait_until(page, f"document.querySelectorAll('#components li').length === {before + 1}")
        assert "_scan.jpg" not in page.locator("#components").inner_text()  # each named by what was read
        _checked(page, "journey-06-reused")

        # the signed copy of the confirmed scan, and its signature in words
        page.locator("#components li button").first.click()
        page.locator("#signatures li .badge.valid").first.wait_for(timeout=60_000)
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Bản đã ký số").click()
        signed = Path(download_info.value.path()).read_bytes()
        assert signed.startswith(b"%PDF-")
        _checked(page, "journey-07-signed-copy")

    from pipeline.verify import verify_pdf
    from schemas.settings import VerifySettings
    assert verify_pdf(signed, cfg=VerifySettings()).signatures  # a real PAdES signature, read back

    with page_on(browser, width=360, height=740, log=log) as page:
        page.goto(origin + "/cong-dan")
        page.get_by_label("Số định danh cá nhân").fill(CITIZEN)
        page.get_by_role("button", name="Đăng nhập").click()
        page.locator("#docs > li").first.wait_for()
        assert page.locator("#docs > li").count() >= 2
        page.locator("#access-log li").first.wait_for()
        page.get_by_text("Chữ ký số hợp lệ").first.wait_for(timeout=60_000)  # verified by the server, in words
        assert OFFICER in page.locator("#access-log").inner_text()
        wide = page.evaluate("""[...document.querySelectorAll('body *')].filter((e) =>
            e.getBoundingClientRect().right > 361).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' '
            + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 60))""")
        screenshot(page, "journey-08-citizen")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
        _checked(page, "journey-08-citizen")
        with page.expect_download() as download_info:
            page.locator("#docs > li").first.get_by_role("button", name="Bản in có mã QR").click()
        assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF-")

    assert log.urls and log.foreign(origin) == []
