"""Requests done right, and hostile ones: each a clear 4xx or a recorded failure, nothing half-written, still up.

Bad files (the digitize work's: corrupt, encrypted, not a scan at all), a zip
bomb and a decompression bomb, bodies over the limit (declared and chunked), the
wrong content type, a path in the file name, retried POSTs with one
Idempotency-Key, stale writes (If-Match), rate limits, callbacks not allowed or
hanging.
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api import create_app
from schemas.settings import ApiSettings, CallbackSettings
from tests.api.conftest import DOSSIER, TOKEN_SECRET, Api, api_settings, tokens_for
from tests.fixtures_services import free_port


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("scan.png", b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros in ~50 kB
    return out.getvalue()


def _pixel_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 400 Mpx in ~50 kB
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    return out.getvalue()


BAD_FILES = {
    "text": (b"ho ten: Nguyen Van An\n", 415, "unsupported_type"),
    "zip bomb": (_zip_bomb(), 415, "unsupported_type"),
    "pixel bomb": (_pixel_bomb(), 413, "image_too_large"),
    "corrupt pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", 422, "corrupt_pdf"),
    "encrypted pdf": (_encrypted_pdf(), 422, "encrypted_pdf"),
    "empty": (b"", 422, "empty_file"),
    "truncated png": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 422, None),
}


def _components(api: Api) -> list[Any]:
    r = api.client.get(f"/v1/dossiers/{DOSSIER}", headers=api.headers("officer"))
    return list(r.json()["components"])


def _scans(api: Api) -> list[Path]:
    return [p for p in (api.settings.data_dir / "objects" / "scans").rglob("*") if p.is_file()
            and not p.name.endswith(".json")]


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_whole_and_nothing_is_written(api: Api, case: str) -> None:
    data, status, code = BAD_FILES[case]
    api.open_dossier()
    good = ("files", ("good.png", __import__("workers").fake_scan(seed=1), "image/png"))
    r = api.client.post(f"/v1/dossiers/{DOSSIER}/components", headers=api.headers("officer"),
                        files=[good, ("files", ("scan.jpg", data, "image/jpeg"))])
    assert r.status_code == status, r.text
    if code is not None:
        assert r.json()["error"]["code"] == code
    assert _components(api) == [] and _scans(api) == []  # the good file was not taken in either
    assert api.client.get("/healthz").status_code == 200


def test_a_path_in_the_file_name_is_dropped(api: Api) -> None:
    api.open_dossier()
    cid = api.upload(name="../../../etc/passwd.png")
    assert api.wait_component(cid)["file_name"] == "passwd.png"


def test_bodies_over_the_limit_are_refused_declared_or_chunked(tmp_path: Path) -> None:
    settings = api_settings(tmp_path, api=ApiSettings(token_secret=TOKEN_SECRET, max_request_bytes=64 * 1024,  # type: ignore[arg-type]
                                                      max_json_bytes=4096, rate_limit_per_minute=0))
    with TestClient(create_app(settings)) as client:
        api = Api(client, settings, tokens_for(settings))
        api.open_dossier()
        big = ("files", ("big.png", b"\x89PNG" + b"\0" * 100_000, "image/png"))
        declared = client.post(f"/v1/dossiers/{DOSSIER}/components", files=[big], headers=api.headers("officer"))
        assert declared.status_code == 413 and declared.json()["error"]["code"] == "request_too_large"

        def chunks() -> Iterator[bytes]:
            yield b'{"ma_ho_so": "' + b"x" * 3000
            yield b"y" * 3000 + b'"}'

        chunked = client.post("/v1/dossiers", content=chunks(), headers=api.headers(
            "officer", **{"Content-Type": "application/json"}))
        assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "request_too_large"
        assert client.get("/healthz").status_code == 200


def test_the_wrong_content_type_and_compressed_bodies_are_refused(api: Api) -> None:
    api.open_dossier()
    as_json = api.client.post(f"/v1/dossiers/{DOSSIER}/components", json={"files": "x"}, headers=api.headers("officer"))
    assert as_json.status_code == 415 and as_json.json()["error"]["code"] == "unsupported_type"
    gzipped = api.client.post("/v1/dossiers", content=b"\x1f\x8b\x08\0", headers=api.headers(
        "officer", **{"Content-Encoding": "gzip", "Content-Type": "application/json"}))
    assert gzipped.status_code == 415
    not_json = api.client.post("/v1/dossiers", content=b"{nope", headers=api.headers(
        "officer", **{"Content-Type": "application/json"}))
    assert not_json.status_code == 422 and not_json.json()["error"]["code"] == "invalid_value"


def test_a_retried_post_with_the_same_key_makes_one_component(api: Api) -> None:
    api.open_dossier()
    from workers import fake_scan

    files = [("files", ("a.png", fake_scan(seed=7), "image/png"))]
    headers = api.headers("officer", **{"Idempotency-Key": "upload-7"})
    first = api.client.post(f"/v1/dossiers/{DOSSIER}/components", files=files, headers=headers)
    again = api.client.post(f"/v1/dossiers/{DOSSIER}/components", files=files, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() and again.headers.get("idempotent-replayed") == "true"
    assert len(_components(api)) == 1
    other = api.client.post(f"/v1/dossiers/{DOSSIER}/components", headers=headers,
                            files=[("files", ("b.png", fake_scan(seed=8), "image/png"))])
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_conflict"


def test_a_retried_dossier_post_replays_its_answer_even_the_refusal(api: Api) -> None:
    body = {"ma_ho_so": DOSSIER, "so_dinh_danh": "001090000001"}
    headers = api.headers("officer", **{"Idempotency-Key": "open-1"})
    first = api.client.post("/v1/dossiers", json=body, headers=headers)
    again = api.client.post("/v1/dossiers", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201) and first.json() == again.json()
    fresh = api.client.post("/v1/dossiers", json=body, headers=api.headers("officer", **{"Idempotency-Key": "open-2"}))
    assert fresh.status_code == 409


def test_documents_carry_etags_and_a_stale_correction_is_refused(api: Api) -> None:
    api.open_dossier()
    cid, doc = api.digitized(confirm=False)
    read = api.client.get(f"/v1/components/{cid}", headers=api.headers("officer"))
    etag = read.headers["etag"]
    same = api.client.get(f"/v1/components/{cid}", headers=api.headers("officer", **{"If-None-Match": etag}))
    assert same.status_code == 304 and same.headers["etag"] == etag
    one = api.client.get(f"/v1/documents/{doc}", headers=api.headers("officer"))
    assert one.headers["etag"] and api.client.get(f"/v1/documents/{doc}", headers=api.headers(
        "officer", **{"If-None-Match": one.headers["etag"]})).status_code == 304
    fix = {"fields": {"ho_ten": "Nguyễn Văn Ân"}, "reason": "dấu"}
    guarded = api.headers("officer", **{"If-Match": etag})
    done = api.client.patch(f"/v1/components/{cid}/fields", json=fix, headers=guarded)
    assert done.status_code == 200 and done.json()["documents"][0]["version"] == 2
    stale = api.client.patch(f"/v1/components/{cid}/fields", json=fix, headers=guarded)
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "precondition_failed"


def test_too_many_requests_get_429_with_retry_after(tmp_path: Path) -> None:
    settings = api_settings(tmp_path, api=ApiSettings(token_secret=TOKEN_SECRET, rate_limit_per_minute=3))  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        tokens = tokens_for(settings)
        codes = [client.get("/v1/dossiers", headers={"Authorization": f"Bearer {tokens['officer']}"}).status_code
                 for _ in range(4)]
        limited = client.get("/v1/dossiers", headers={"Authorization": f"Bearer {tokens['officer']}"})
        other = client.get("/v1/dossiers", headers={"Authorization": f"Bearer {tokens['resolution']}"})
    assert codes == [200, 200, 200, 429] and limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60 and limited.json()["error"]["code"] == "rate_limited"
    assert other.status_code == 200  # per token


def test_a_callback_outside_the_allow_list_is_refused(api: Api) -> None:
    api.open_dossier()
    cid, _ = api.digitized()
    pdf = api.client.get(f"/v1/components/{cid}/file?variant=searchable", headers=api.headers("officer")).content
    for url in ("http://10.0.0.8/hook", "file:///etc/passwd", "http://user:pw@127.0.0.1/x", "https://127.0.0.1/"):
        r = api.client.post("/v1/results", files={"file": ("kq.pdf", pdf, "application/pdf")}, headers=api.headers(
            "resolution"), data={"ma_ho_so": DOSSIER, "ten_giay_to": "Quyết định", "callback_url": url})
        assert r.status_code == 422 and r.json()["error"]["code"] == "callback_not_allowed", url


class _Hanging(BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        time.sleep(3)  # past the callback's timeout

    def log_message(self, *args: Any) -> None:
        pass


def test_a_callback_that_hangs_is_a_recorded_failure_and_the_job_stands(tmp_path: Path) -> None:
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Hanging)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = api_settings(tmp_path, callbacks=CallbackSettings(allow=(f"http://127.0.0.1:{port}/",), timeout_s=0.5,
                                                                 max_attempts=2, min_backoff_ms=10, max_backoff_ms=20))
    try:
        with TestClient(create_app(settings)) as client:
            api = Api(client, settings, tokens_for(settings))
            api.open_dossier()
            cid, _ = api.digitized()
            pdf = client.get(f"/v1/components/{cid}/file?variant=searchable", headers=api.headers("officer")).content
            r = client.post("/v1/results", files={"file": ("kq.pdf", pdf, "application/pdf")}, headers=api.headers(
                "resolution"), data={"ma_ho_so": DOSSIER, "ten_giay_to": "Quyết định",
                                     "callback_url": f"http://127.0.0.1:{port}/hook"})
            job = r.json()["job_id"]
            deadline = time.monotonic() + 30
            while (state := api.wait_job(job))["callback_state"] == "pending" and time.monotonic() < deadline:
                time.sleep(0.1)
            attempts = client.get(f"/v1/results/{job}/callbacks", headers=api.headers("resolution")).json()
            assert client.get("/healthz").status_code == 200
    finally:
        server.shutdown()
    assert state["state"] == "done" and state["ma_ket_qua"] == f"{DOSSIER}-KQ1"
    assert state["callback_state"] == "failed"
    assert [a["delivered"] for a in attempts] == [False, False]
    assert all("timed out" in a["error"] for a in attempts)
