"""The whole journey over HTTP, on the real services: ``sohoa serve`` and a real ``sohoa worker`` with the
real pipeline, PostgreSQL, RabbitMQ, SeaweedFS S3, Redis, and the development PKI with its TSA and OCSP.

An officer opens a dossier and uploads a scan; the worker reads it and signs it as
the officer; the officer corrects a field and confirms; the resolution system submits
a result, which the worker signs at B-LT (signer, then seal) and calls back; the file
verifies with ``pdfsig`` and ``sohoa verify``; the citizen sees both documents and the
officer's reads in their access log; a second dossier reuses the first document
without an upload.
"""

from __future__ import annotations

import io
import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
import pytest

from corpus import generate_corpus
from tests.api.conftest import AGENCY, CITIZEN
from tests.api.live import live_api, poll
from tests.fixtures_services import free_port
from tests.sign.test_levels import pdfsig
from tests.workers.services import Services, sohoa_command
from workers import SIGNATURE_HEADER, verify_signature

pytestmark = pytest.mark.services

D1, D2 = f"{AGENCY}-261206-0001", f"{AGENCY}-261209-0002"
CALLBACK_SECRET = "callback-secret-of-the-resolution-system-0123"


class Hook(BaseHTTPRequestHandler):
    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        type(self).got.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.got = []
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/sohoa"
    server.shutdown()


def _result_pdf() -> bytes:
    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(out)
    return out.getvalue()


def test_officer_resolution_system_and_citizen_over_http(live_services: Services, hook: str, tmp_path: Path) -> None:
    scan = generate_corpus(tmp_path / "scans", count=1, seed=4242, kinds=("scan",))[0]
    live_services.start_worker(pipeline=True, threads=1, extra_env={"SOHOA_CALLBACKS__SECRET": CALLBACK_SECRET,
                                                                    "SOHOA_CALLBACKS__ALLOW": json.dumps([hook])})
    env = {"SOHOA_CALLBACKS__SECRET": CALLBACK_SECRET, "SOHOA_CALLBACKS__ALLOW": json.dumps([hook]),
           "SOHOA_PKI__PORT": str(live_services.pki_port)}
    with live_api(live_services, **env) as api, api.client() as http:
        officer, resolution, citizen = (api.headers(w) for w in ("officer", "resolution", "citizen"))
        assert http.get("/readyz").json()["services"] == {"database": "ok", "object_store": "ok", "broker": "ok",
                                                          "redis": "ok"}
        # the officer opens the dossier and hands in the scan
        assert http.post("/v1/dossiers", json={"ma_ho_so": D1, "ma_tthc": "1.001193", "so_dinh_danh": CITIZEN},
                         headers=officer).status_code == 201
        up = http.post(f"/v1/dossiers/{D1}/components", headers=officer,
                       files=[("files", (scan.file, (tmp_path / "scans" / scan.file).read_bytes(), "image/png"))])
        assert up.status_code == 202, up.text
        cid = up.json()["items"][0]["id"]
        done = poll(http, f"/v1/components/{cid}", officer, key="status", until=("done", "failed"))
        assert done["status"] == "done", done
        doc = done["documents"][0]
        assert doc["doc_type"] == str(scan.components[0].doc_type) and doc["fields"]
        assert [(s["role"], s["level"]) for s in doc["signatures"]] == [("officer", "B-T")]
        # the officer corrects a field and confirms
        name = next(iter(doc["fields"]))
        fixed = http.patch(f"/v1/components/{cid}/fields", headers=officer,
                           json={"fields": {name: "Giá trị đã sửa"}, "reason": "đọc sai"})
        assert fixed.status_code == 200 and fixed.json()["documents"][0]["version"] == 2
        confirmed = http.post(f"/v1/components/{cid}/confirm", headers=officer).json()["documents"][0]
        assert (confirmed["status"], confirmed["fields"][name]["value"]) == ("confirmed", "Giá trị đã sửa")
        # the resolution system has its result signed at B-LT, and is called back
        sent = http.post("/v1/results", headers={**resolution, "Idempotency-Key": "kq-1"},
                         files={"file": ("kq.pdf", _result_pdf(), "application/pdf")},
                         data={"ma_ho_so": D1, "ten_giay_to": "Giấy xác nhận", "so_ky_hieu": "15/XN-UBND",
                               "callback_url": hook})
        assert sent.status_code == 202, sent.text
        job = poll(http, f"/v1/results/{sent.json()['job_id']}", resolution, key="callback_state",
                   until=("delivered", "failed"))
        assert (job["state"], job["ma_ket_qua"], job["level"], job["callback_state"]) == (
            "done", f"{D1}-KQ1", "B-LT", "delivered")
        signed = http.get(f"/v1/results/{job['job_id']}/file", headers=resolution)
        assert signed.status_code == 200 and signed.headers["content-type"] == "application/pdf"
        # the file verifies with poppler's pdfsig and with sohoa verify
        out = pdfsig(signed.content, tmp_path)
        assert out.count("Signature Validation: Signature is Valid.") == out.count("Signature #") >= 2, out
        assert "Sig_result_1" in out and "Sig_seal_1" in out  # the signer, then the agency seal
        (tmp_path / "kq.pdf").write_bytes(signed.content)
        ours = subprocess.run([*sohoa_command(), "verify", str(tmp_path / "kq.pdf"), "--json", "--lang", "en"],
                              env=live_services.env(pipeline=True), capture_output=True, text=True, timeout=120,
                              check=False)
        assert ours.returncode == 0, ours.stdout + ours.stderr
        report = json.loads(ours.stdout)
        assert report["valid"] and all(s["level"] in ("B-LT", "B-LTA") for s in report["signatures"])
        # the callback came once, signed
        assert len(Hook.got) == 1
        headers, body = Hook.got[0]
        assert verify_signature(CALLBACK_SECRET.encode(), body, headers[SIGNATURE_HEADER])
        assert json.loads(body)["ma_ket_qua"] == f"{D1}-KQ1"
        # the citizen sees both documents, and the officer's reads
        mine = http.get("/v1/me/documents", headers=citizen).json()["items"]
        assert sorted(d["kind"] for d in mine) == ["component", "result"]
        log = http.get("/v1/me/access-log", headers=citizen).json()["items"]
        assert ("officer:canbo01", "read_component", D1) in {(a["who"], a["action"], a["ma_ho_so"]) for a in log}
        assert all(a["request_id"] for a in log)
        # a second dossier reuses the first document, without an upload
        assert http.post("/v1/dossiers", json={"ma_ho_so": D2, "so_dinh_danh": CITIZEN},
                         headers=officer).status_code == 201
        reused = http.post(f"/v1/dossiers/{D2}/reuse", json={"document_id": doc["id"]}, headers=officer)
        assert reused.status_code == 201, reused.text
        attached = reused.json()
        assert (attached["origin"], attached["status"], attached["size_bytes"]) == ("reused", "done", 0)
        assert attached["documents"][0]["id"] == confirmed["id"] and attached["sha256"] == done["sha256"]
