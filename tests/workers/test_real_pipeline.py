"""The real parts end to end: ``sohoa worker`` on RabbitMQ, PostgreSQL and S3 with the real pipeline and signing.

The worker runs tesseract on a generated scan (``corpus``, a benchmark seed below
100000 so the classifier never trained on it), makes the searchable PDF, signs it
as the digitizing officer at PAdES B-T with the development PKI, and stores the
record. Nothing is set up for signing beforehand: the worker makes the PKI under
its data dir on first run and serves its TSA/OCSP itself, as an operator running
``sohoa worker`` in development expects. OCR takes seconds a page here, so each
test uses one scan.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from corpus import SampleTruth, generate_corpus
from pipeline.verify import verify_pdf
from schemas.settings import VerifySettings
from store.objects import Bucket
from store.records import DocumentView, Principal, get_document
from tests.workers.services import Producer, Services, sohoa_command

pytestmark = pytest.mark.services

SEED = 4242  # below 100000: never seen in training
DOSSIER = "000.00.15.H55-250912-0007"
PROCEDURE = "1.001193"
OFFICER = Principal("officer", "cb07", None)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SampleTruth]]:
    """Two scanned pages: an ID card (CCCD) and a birth certificate."""
    folder = tmp_path_factory.mktemp("scans")
    return folder, generate_corpus(folder, count=2, seed=SEED, kinds=("scan",))


def _document(producer: Producer, document_id: str) -> DocumentView:
    with producer.store.records.transaction() as s:
        return get_document(s, OFFICER, document_id)


def _assert_officer_signed_and_searchable(producer: Producer, services: Services, doc: DocumentView,
                                          id_number: str) -> None:
    """The stored PDF carries the OCR text and one officer signature at B-T that verifies."""
    assert doc.searchable_pdf_key is not None
    pdf = producer.store.objects.get_bytes(Bucket.DOCUMENTS, doc.searchable_pdf_key)
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        text = "".join(page.extract_text() or "" for page in opened.pages)
    assert id_number in text.replace(" ", "")  # the invisible text layer holds what OCR read
    assert [(s.role, s.level, s.pdf_key) for s in doc.signatures] == [("officer", "B-T", doc.searchable_pdf_key)]
    assert "DEVELOPMENT" in doc.signatures[0].signer_name
    root = services.data_dir / "pki" / "certs" / "root.cert.pem"  # made by the worker on its first run
    report = verify_pdf(pdf, cfg=VerifySettings(trust_roots=(root,), revocation_timeout_s=5.0))
    assert report.valid, report.to_text("en")
    [sig] = report.signatures
    assert (sig.level, sig.timestamp_ok, sig.trusted, sig.intact) == ("B-T", True, True, True)


def test_ingest_wait_digitizes_signs_and_stores_a_real_scan_and_fails_a_bad_one(
        services: Services, producer: Producer, scans: tuple[Path, list[SampleTruth]], tmp_path: Path) -> None:
    folder, truths = scans
    card = truths[0]
    [truth] = card.components
    assert truth.doc_type == "can_cuoc"
    good = folder / card.file
    bad = tmp_path / "cut-short.jpg"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 3])  # an upload interrupted on the way
    services.start_worker(threads=1, pipeline=True)
    done = subprocess.run(
        [*sohoa_command(), "ingest", str(good), str(bad), "--citizen", truth.fields["so_dinh_danh"],
         "--dossier", DOSSIER, "--procedure", PROCEDURE, "--officer", "cb07", "--wait", "--json"],
        env=services.env(pipeline=True), cwd=services.data_dir, capture_output=True, timeout=300, check=False,
    )
    assert done.returncode == 1, done.stderr.decode()  # one file failed
    ok, failed = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert (ok["status"], ok["doc_type"], ok["error"], ok["attempts"]) == ("extracted", "can_cuoc", None, 1)
    assert (failed["status"], failed["error"]["code"], failed["attempts"]) == ("failed", "truncated_image", 1)

    doc = _document(producer, ok["record_id"])
    assert (doc.doc_type, doc.ma_ho_so, doc.ma_tthc, doc.digitized_by) == ("can_cuoc", DOSSIER, PROCEDURE,
                                                                          "officer:cb07")
    assert doc.so_dinh_danh == truth.fields["so_dinh_danh"]
    assert doc.ho_ten == truth.fields["ho_ten"]
    assert doc.fields["ngay_sinh"]["value"] == truth.fields["ngay_sinh"]
    assert doc.metadata.ma_dinh_danh_chu_so_huu == truth.fields["so_dinh_danh"]
    assert (doc.page_count, doc.source_sha256) == (1, ok["sha256"])
    _assert_officer_signed_and_searchable(producer, services, doc, truth.fields["so_dinh_danh"])


def test_a_worker_killed_mid_ocr_leaves_nothing_and_another_worker_finishes_and_signs(
        services: Services, producer: Producer, scans: tuple[Path, list[SampleTruth]]) -> None:
    folder, truths = scans
    birth = truths[1]
    [truth] = birth.components
    first = services.start_worker(threads=1, pipeline=True)
    [cid] = producer.ingest([(folder / birth.file).read_bytes()])
    [view] = producer.wait_until([cid], lambda vs: vs[0].status != "pending", timeout_s=120)
    assert view.status == "processing"  # the real job is under way: OCR takes seconds a page
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its tesseract, with the PKI services it was serving
    first.wait(timeout=10)
    assert producer.document_counts([cid]) == {cid: 0}
    assert producer.components([cid])[0].status == "processing"

    services.start_worker(threads=1, pipeline=True)  # finds the PKI port free and serves it itself
    [done] = producer.wait([cid], timeout_s=240)
    assert (done.status, done.attempts, done.last_error_code) == ("extracted", 2, None)
    assert producer.document_counts([cid]) == {cid: 1}
    doc = _document(producer, done.document_ids[0])
    assert (doc.doc_type, doc.ho_ten) == (truth.doc_type, truth.fields["ho_ten"])
    _assert_officer_signed_and_searchable(producer, services, doc, truth.fields["so_dinh_danh"])
