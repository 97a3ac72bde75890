"""The records store, the same tests on SQLite (embedded) and PostgreSQL (a fresh database per run)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text

from schemas.errors import ConflictError, ErrorCode, InputError
from schemas.settings import Settings
from store.records import (
    SYSTEM_WORKER,
    RecordStore,
    SignatureInput,
    add_component,
    add_signature,
    attach_to_dossier,
    audit_trail,
    complete_component,
    confirm_document,
    correct_document,
    current_revision,
    ensure_citizen,
    ensure_dossier,
    find_duplicates,
    fold,
    get_component,
    get_document,
    head_revision,
    history,
    issue_result,
    list_documents,
    open_records,
    revoke_document,
    search_documents,
    valid_documents,
)
from store.records._models import Document
from tests.store.helpers import CITIZEN, DOSSIER, OFFICER, OPERATOR, OTHER, PROCEDURE, digitized, result, scan


def test_migrations_reach_head_and_can_run_again(records: RecordStore) -> None:
    assert current_revision(records.engine) == head_revision()
    assert records.upgrade() == head_revision()


def test_bad_codes_are_refused_before_anything_is_written(records: RecordStore) -> None:
    with pytest.raises(InputError) as bad_dossier, records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), "000.00.15.H55-231332-0001")
    assert bad_dossier.value.code == ErrorCode.INVALID_DOSSIER_CODE
    with pytest.raises(InputError) as bad_id, records.transaction() as s:
        ensure_citizen(s, OFFICER, "12345")
    assert bad_id.value.code == ErrorCode.INVALID_ID_NUMBER
    with records.transaction() as s:
        assert list_documents(s, SYSTEM_WORKER, CITIZEN) == []


def test_a_dossier_code_belongs_to_one_citizen(records: RecordStore) -> None:
    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER, PROCEDURE)
    with pytest.raises(ConflictError), records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, OTHER), DOSSIER)


def test_the_same_file_for_the_same_dossier_is_one_component(records: RecordStore) -> None:
    with records.transaction() as s:
        owner = ensure_citizen(s, OFFICER, CITIZEN)
        folder = ensure_dossier(s, OFFICER, owner, DOSSIER, PROCEDURE)
        first, created = add_component(s, OFFICER, citizen=owner, dossier=folder, file_name="a.png", scan=scan("a"))
        again, created_again = add_component(s, OFFICER, citizen=owner, dossier=folder, file_name="a.png",
                                             scan=scan("a"))
    assert (created, created_again) == (True, False)
    assert again.id == first.id and first.status == "pending"


def test_storing_a_result_twice_makes_one_record(records: RecordStore) -> None:
    res = result(fields={"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN})
    with records.transaction() as s:
        ids = digitized(s, res, seed="card")
        component_id = s.scalar(select(Document.component_id).where(Document.id == ids[0]))
        assert component_id is not None
    with records.transaction() as s:
        again = complete_component(s, SYSTEM_WORKER, component_id, res, searchable_pdf_key=None, signature=None)
        count = s.scalar(select(func.count()).select_from(Document))
        comp = get_component(s, OFFICER, component_id)
    assert again == ids and count == 1
    assert comp.status == "extracted" and comp.attempts == 1 and comp.document_ids == tuple(ids)


def test_a_stack_of_documents_in_one_file_makes_one_record_each(records: RecordStore) -> None:
    with records.transaction() as s:
        ids = digitized(s, result("to_khai", pages=2, parts=3), seed="stack")
        docs = [get_document(s, OFFICER, i) for i in ids]
    assert [(d.page_start, d.page_count) for d in docs] == [(1, 2), (3, 2), (5, 2)]
    assert all(d.dpi == 300 and d.color for d in docs)


def test_record_holds_art9_metadata_promoted_keys_and_expiry(records: RecordStore) -> None:
    res = result("tinh_trang_hon_nhan", fields={"ho_ten": "Trần Thị Bình", "so_dinh_danh": CITIZEN},
                 metadata={"ten_giay_to": "Giấy xác nhận tình trạng hôn nhân", "so_ky_hieu": "Số: 15/XN-UBND",
                           "ngay_cap": "2025-01-31", "co_quan_cap": "UBND xã Hòa Bình"})
    with records.transaction() as s:
        doc = get_document(s, OFFICER, digitized(s, res, seed="xn")[0])
    assert doc.metadata.so_ky_hieu == "Số: 15/XN-UBND" and doc.metadata.co_quan_cap == "UBND xã Hòa Bình"
    assert doc.metadata.ma_dinh_danh_chu_so_huu == CITIZEN
    assert doc.metadata.ma_loai_giay_to == "tinh_trang_hon_nhan"
    assert (doc.so_dinh_danh, doc.ho_ten) == (CITIZEN, "Trần Thị Bình")
    assert doc.expires_on == date(2025, 7, 31)  # six months from issue
    assert (doc.ma_ho_so, doc.ma_tthc, doc.status, doc.origin) == (DOSSIER, PROCEDURE, "extracted", "scanned")


def test_confirmed_record_is_locked_and_corrections_make_versions(records: RecordStore) -> None:
    with records.transaction() as s:
        doc_id = digitized(s, result(fields={"ho_ten": "Nguyen Van An"}), seed="v")[0]
        confirm_document(s, OFFICER, doc_id)
    with pytest.raises(ConflictError) as locked, records.transaction() as s:
        row = s.get(Document, doc_id)
        assert row is not None
        row.ho_ten = "edited in place"
    assert locked.value.code == ErrorCode.RECORD_LOCKED
    with records.transaction() as s:
        v2 = correct_document(s, OFFICER, doc_id, fields={"ho_ten": "Nguyễn Văn An"}, confirm=True)
    with records.transaction() as s:
        versions = history(s, OFFICER, doc_id)
        current = list_documents(s, OFFICER, CITIZEN)
    assert [(v.version, v.is_current, v.ho_ten) for v in versions] == [
        (1, False, "Nguyen Van An"), (2, True, "Nguyễn Văn An")]
    assert v2.supersedes_id == doc_id and v2.fields["ho_ten"]["flags"] == ["corrected"]
    assert [d.id for d in current] == [v2.id]
    with pytest.raises(ConflictError), records.transaction() as s:
        correct_document(s, OFFICER, doc_id, fields={"ho_ten": "again on the old version"})


def test_valid_documents_are_current_confirmed_and_unexpired(records: RecordStore) -> None:
    with records.transaction() as s:
        ok = digitized(s, result(fields={"so_dinh_danh": CITIZEN, "ngay_cap": "2021-05-01",
                                         "co_gia_tri_den": "2036-05-01"}), seed="ok")[0]
        expired = digitized(s, result("xac_nhan_cu_tru", metadata={"ngay_cap": "2023-01-10"}), seed="old")[0]
        unconfirmed = digitized(s, result("khai_sinh", fields={"ho_ten": "A"}), seed="new")[0]
        revoked = digitized(s, result("ly_lich_tu_phap", fields={"ho_ten": "B"}), seed="rev")[0]
        for doc_id in (ok, expired, revoked):
            confirm_document(s, OFFICER, doc_id)
        revoke_document(s, OFFICER, revoked, reason="issued in error")
    with records.transaction() as s:
        valid = valid_documents(s, OFFICER, CITIZEN, today=date(2025, 6, 1))
        cards = valid_documents(s, OFFICER, CITIZEN, doc_type="can_cuoc", today=date(2025, 6, 1))
    assert [d.id for d in valid] == [ok] and [d.id for d in cards] == [ok]
    assert unconfirmed not in {d.id for d in valid}


def test_reuse_attaches_by_reference_without_a_new_upload(records: RecordStore) -> None:
    with records.transaction() as s:
        doc_id = digitized(s, result(fields={"so_dinh_danh": CITIZEN}), seed="card")[0]
        confirm_document(s, OFFICER, doc_id)
        source = get_document(s, OFFICER, doc_id)
    with records.transaction() as s:
        comp = attach_to_dossier(s, OFFICER, doc_id, ma_ho_so="000.00.15.H55-250101-0007", ma_tthc=PROCEDURE)
        again = attach_to_dossier(s, OFFICER, doc_id, ma_ho_so="000.00.15.H55-250101-0007")
        documents = s.scalar(select(func.count()).select_from(Document))
    assert comp.id == again.id and comp.origin == "reused" and comp.status == "extracted"
    assert comp.reuses_document_id == doc_id and comp.scan_key == source.source_scan_key
    assert documents == 1


def test_unconfirmed_documents_cannot_be_reused(records: RecordStore) -> None:
    with records.transaction() as s:
        doc_id = digitized(s, result(), seed="raw")[0]
    with pytest.raises(ConflictError), records.transaction() as s:
        attach_to_dossier(s, OFFICER, doc_id, ma_ho_so="000.00.15.H55-250101-0007")


def test_a_new_scan_of_a_known_document_is_recognized(records: RecordStore) -> None:
    fields = {"so_dinh_danh": CITIZEN, "ngay_cap": "2021-05-01", "ho_ten": "Nguyễn Văn An"}
    with records.transaction() as s:
        first = get_document(s, OFFICER, digitized(s, result(fields=fields), seed="card-front")[0])
        second = get_document(s, OFFICER, digitized(s, result(fields=fields), seed="card-rescan",
                                                    dossier=None)[0])
    with records.transaction() as s:
        by_file = find_duplicates(s, OFFICER, CITIZEN, sha256=first.source_sha256)
        by_fields = find_duplicates(s, OFFICER, CITIZEN, key_hash=second.key_hash, exclude=(second.id,))
        not_theirs = find_duplicates(s, OPERATOR, OTHER, key_hash=second.key_hash)
    assert [(h.document_id, h.match) for h in by_file] == [(first.id, "sha256")]
    assert [(h.document_id, h.match) for h in by_fields] == [(first.id, "key_fields")]
    assert by_fields[0].digitized_at == first.digitized_at and not_theirs == []


@pytest.mark.parametrize(("query", "expected"), [
    ("nguyen van an", {"an"}), ("NGUYỄN VĂN AN", {"an"}), ("nguyen van anh", {"anh"}),
    ("duc", {"duc"}), ("Đức", {"duc"}), ("trần thị", set()), ("ubnd xa hoa binh", {"an", "anh", "duc"}),
    ("hoa binh ubnd", set()),
])
def test_search_ignores_diacritics_and_case(records: RecordStore, query: str, expected: set[str]) -> None:
    names = {"an": "Nguyễn Văn An", "anh": "Nguyễn Văn Anh", "duc": "Lê Minh Đức"}
    ids = {}
    with records.transaction() as s:
        for key, name in names.items():
            res = result("khai_sinh", fields={"ho_ten": name}, metadata={"co_quan_cap": "UBND xã Hòa Bình"})
            ids[digitized(s, res, seed=key)[0]] = key
        digitized(s, result("khai_sinh", fields={"ho_ten": "Trần Thị Bé"}), seed="other", citizen=OTHER,
                  dossier=None)
    with records.transaction() as s:
        found = search_documents(s, OFFICER, query, ma_dinh_danh=CITIZEN)
    assert {ids[d.id] for d in found} == expected


def test_reading_a_citizens_documents_is_audited(records: RecordStore) -> None:
    with records.transaction() as s:
        digitized(s, result(), seed="x")
    with records.transaction() as s:
        list_documents(s, OFFICER, CITIZEN)
        trail = audit_trail(s, citizen=CITIZEN)
    actions = [(a.actor, a.action) for a in trail]
    assert actions[0] == ("officer:cb01", "read_documents")
    assert ("officer:cb01", "ingest") in actions and ("system:worker", "extract") in actions
    assert all(a.at.tzinfo is not None and a.at <= datetime.now(UTC) for a in trail)


def test_results_get_consecutive_codes_and_signatures_are_recorded_once(records: RecordStore) -> None:
    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER, PROCEDURE)
        r1 = issue_result(s, SYSTEM_WORKER, ma_ho_so=DOSSIER, doc_type="khac", pdf_key="aa/bb/" + "a" * 64,
                          pdf_sha256="a" * 64, page_count=1, metadata={"ten_giay_to": "Quyết định"})
        r2 = issue_result(s, SYSTEM_WORKER, ma_ho_so=DOSSIER, doc_type="khac", pdf_key="aa/bb/" + "b" * 64,
                          pdf_sha256="b" * 64, page_count=1)
    assert (r1.ma_ket_qua, r2.ma_ket_qua) == (f"{DOSSIER}-KQ1", f"{DOSSIER}-KQ2")
    sig = SignatureInput("agency", "UBND xã Hòa Bình", "1f", "B-LTA", datetime.now(UTC))
    with records.transaction() as s:
        signed = add_signature(s, OFFICER, r1.id, sig, pdf_key="cc/dd/" + "c" * 64, request_id="req-1")
        again = add_signature(s, OFFICER, r1.id, sig, pdf_key="cc/dd/" + "d" * 64, request_id="req-1")
    assert signed.status == "signed" and len(again.signatures) == 1
    assert again.signed_pdf_key == "cc/dd/" + "c" * 64


def test_postgres_sohoa_fold_folds_like_python(empty_postgres: str) -> None:
    samples = ["Nguyễn Văn Đức", "ĐẶNG THỊ ÁNH TUYẾT", "Phường Bến Nghé, Quận 1", "Hồ Chí Minh – 700000",
               "Nguyê\u0303n (NFD)", "Ỷ Lan; Ưng Hoàng Phúc"]
    records = open_records(Settings(database_url=empty_postgres), migrate=False)
    try:
        with records.transaction() as s:
            folded = [s.execute(text("SELECT sohoa_fold(:t)"), {"t": t}).scalar() for t in samples]
    finally:
        records.close()
    assert folded == [fold(t) for t in samples]
