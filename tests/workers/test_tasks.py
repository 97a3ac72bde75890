"""The jobs without a broker: digitize a component, sign, certify a copy, on the embedded stores with fakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.errors import ErrorCode, TransientError
from store import Store
from store.objects import Bucket
from store.records import (
    SYSTEM_WORKER,
    Principal,
    confirm_document,
    get_component,
    get_document,
    issue_result,
    list_documents,
)
from tests.workers.conftest import CITIZEN, DOSSIER, OFFICER, upload
from workers import FakeDigitizer, Runtime, certify_copy, digitize_component, sign_document

RESOLUTION = Principal("resolution_system", "motcua", frozenset({"000.00.15.H55"}))


def test_digitizing_stores_the_record_and_the_officer_signed_pdf(runtime: Runtime, store: Store,
                                                                 tmp_path: Path) -> None:
    comp = upload(store, tmp_path)
    done = digitize_component(runtime, comp.id, final=False)
    assert (done.status, done.attempts, done.last_error_code) == ("extracted", 1, None)
    with runtime.records.transaction() as s:
        doc = get_document(s, OFFICER, done.document_ids[0])
    assert (doc.doc_type, doc.ho_ten, doc.ma_ho_so, doc.digitized_by) == ("can_cuoc", "Nguyễn Văn An", DOSSIER,
                                                                          "officer:cb01")
    pdf = runtime.objects.get_bytes(Bucket.DOCUMENTS, doc.searchable_pdf_key or "")
    assert pdf.startswith(b"%PDF-") and b"sohoa-fake-signature role=officer" in pdf
    assert [(sig.role, sig.pdf_key) for sig in doc.signatures] == [("officer", doc.searchable_pdf_key)]
    assert done.result is not None and done.result["file"] == "scan.png"


def test_a_message_delivered_twice_makes_one_record(runtime: Runtime, store: Store, tmp_path: Path) -> None:
    comp = upload(store, tmp_path)
    first = digitize_component(runtime, comp.id, final=False)
    second = digitize_component(runtime, comp.id, final=False)
    with runtime.records.transaction() as s:
        docs = list_documents(s, OFFICER, CITIZEN)
    assert second.document_ids == first.document_ids and len(docs) == 1
    assert second.attempts == 1  # the second delivery found the work done and did not start again


def test_bad_input_fails_at_once_with_its_code(runtime: Runtime, store: Store, tmp_path: Path) -> None:
    comp = upload(store, tmp_path, raw=b"not an image at all")
    done = digitize_component(runtime, comp.id, final=False)  # no exception: nothing to retry
    assert (done.status, done.attempts, done.last_error_code) == ("failed", 1, "corrupt_image")


def test_a_transient_failure_is_raised_for_retry_then_succeeds(runtime: Runtime, store: Store,
                                                               tmp_path: Path) -> None:
    runtime.digitizer = FakeDigitizer(transient_failures=1)
    comp = upload(store, tmp_path)
    with pytest.raises(TransientError):
        digitize_component(runtime, comp.id, final=False)
    with runtime.records.transaction() as s:
        waiting = get_component(s, SYSTEM_WORKER, comp.id)
    assert (waiting.status, waiting.last_error_code) == ("pending", "storage_unavailable")
    done = digitize_component(runtime, comp.id, final=False)
    assert (done.status, done.attempts) == ("extracted", 2)


def test_a_transient_failure_on_the_last_attempt_ends_failed(runtime: Runtime, store: Store,
                                                             tmp_path: Path) -> None:
    runtime.digitizer = FakeDigitizer(transient_failures=5)
    comp = upload(store, tmp_path)
    done = digitize_component(runtime, comp.id, final=True)
    assert (done.status, done.last_error_code) == ("failed", "storage_unavailable")


def test_a_pipeline_error_in_the_result_is_not_retried(runtime: Runtime, store: Store, tmp_path: Path) -> None:
    comp = upload(store, tmp_path, {"fail": "encrypted_pdf"})
    done = digitize_component(runtime, comp.id, final=False)
    assert (done.status, done.last_error_code) == ("failed", str(ErrorCode.ENCRYPTED_PDF))


def test_agency_signs_a_result_once_per_request(runtime: Runtime, store: Store, tmp_path: Path) -> None:
    comp = upload(store, tmp_path)
    digitize_component(runtime, comp.id, final=False)
    pdf = runtime.objects.put_bytes(Bucket.DOCUMENTS, b"%PDF-1.7\nresult", content_type="application/pdf",
                                    owner=CITIZEN)
    with runtime.records.transaction() as s:
        res = issue_result(s, RESOLUTION, ma_ho_so=DOSSIER, doc_type="khac", pdf_key=pdf.key, pdf_sha256=pdf.sha256,
                           page_count=1)
    signed = sign_document(runtime, res.id, requested_by=OFFICER, request_id="r1")
    again = sign_document(runtime, res.id, requested_by=OFFICER, request_id="r1")
    assert signed.status == "signed" and signed.ma_ket_qua == f"{DOSSIER}-KQ1"
    assert [s.role for s in again.signatures] == ["agency"]
    assert runtime.objects.exists(Bucket.SIGNED, signed.signed_pdf_key or "")


def test_certified_copy_is_signed_by_the_agency_and_kept(runtime: Runtime, store: Store, tmp_path: Path) -> None:
    comp = upload(store, tmp_path)
    doc_id = digitize_component(runtime, comp.id, final=False).document_ids[0]
    with runtime.records.transaction() as s:
        confirm_document(s, OFFICER, doc_id)
    copied = certify_copy(runtime, doc_id, requested_by=OFFICER, request_id="c1")
    copy_sig = [s for s in copied.signatures if s.role == "copy"]
    assert len(copy_sig) == 1 and copied.status == "confirmed"
    data = runtime.objects.get_bytes(Bucket.SIGNED, copy_sig[0].pdf_key)
    assert b"role=officer" in data and b"role=copy" in data  # the copy is signed over the officer's scan
