"""The portal's record of a dossier, field by field, from what happened in the store; the state mapping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from schemas.errors import AccessDenied
from schemas.portal import TrangThaiHoSo, portal_time
from schemas.settings import Settings
from store.records import (
    PORTAL_STATE,
    SYSTEM_WORKER,
    DossierStage,
    Principal,
    RecordStore,
    attach_to_dossier,
    audit_trail,
    confirm_document,
    create_result_job,
    ensure_citizen,
    ensure_dossier,
    issue_result,
    open_records,
    portal_record,
    revoke_document,
)
from store.records._models import Dossier
from tests.store.helpers import CITIZEN, DOSSIER, OFFICER, PROCEDURE, digitized, result, scan

RESOLUTION = Principal("resolution_system", "hs-h55", frozenset({"000.00.15.H55"}))
SECOND = "000.00.15.H55-230613-0002"
BASE = "https://sohoa.tinh.gov.vn"


@pytest.fixture
def records(tmp_path: Path) -> Iterator[RecordStore]:
    store = open_records(Settings(data_dir=tmp_path))
    yield store
    store.close()


def _record(records: RecordStore, code: str = DOSSIER, by: Principal = OFFICER) -> dict[str, object]:
    with records.transaction() as s:
        return portal_record(s, by, code, base_url=BASE).model_dump(mode="json")


def _result(s: object, code: str = DOSSIER, name: str = "Giấy chứng nhận") -> str:
    return issue_result(s, RESOLUTION, ma_ho_so=code, doc_type="ket_qua", pdf_key="aa/bb/" + "a" * 64,  # type: ignore[arg-type]
                        pdf_sha256="a" * 64, page_count=1,
                        metadata={"ten_giay_to": name, "ma_loai_giay_to": "KQ.GCN"}).id


def test_a_scanned_component_is_digitized_here_and_its_dossier_has_a_digitized_part(records: RecordStore) -> None:
    with records.transaction() as s:
        doc = digitized(s, result("can_cuoc", fields={"so_dinh_danh": CITIZEN, "ho_ten": "Nguyễn Văn An"},
                                  metadata={"ma_loai_giay_to": "CCCD"}), seed="card")[0]
        confirm_document(s, OFFICER, doc)
        dossier = s.scalar(select(Dossier).where(Dossier.ma_ho_so == DOSSIER))
        assert dossier is not None
        received = dossier.created_at
    rec = _record(records)
    comp = rec["TaiLieuNop"][0]  # type: ignore[index]
    assert rec["MaHoSo"] == DOSSIER and rec["MaTTHC"] == PROCEDURE and rec["TenTTHC"] is None
    assert rec["KenhThucHien"] == 1 and rec["LoaiDoiTuong"] == 1
    assert rec["ChuHoSo"] == "Nguyễn Văn An" and rec["SoGiayToChuHoSo"] == CITIZEN
    assert rec["DinhDanhCHS"] == [{"LoaiDinhDanh": 1, "SoDinhDanh": CITIZEN}]
    assert rec["NgayTiepNhan"] == portal_time(received) and len(str(rec["NgayTiepNhan"])) == 14
    assert rec["NgayHenTra"] is None and rec["NgayTra"] is None
    assert rec["TrangThaiHoSo"] == 2 and rec["HoSoCoThanhPhanSoHoa"] == 1
    assert comp["TenTepDinhKem"] == "card.png" and comp["MaThanhPhanHoSo"] == "CCCD"
    assert comp["DuongDanTaiTepTin"] == f"{BASE}/v1/components/{comp['TepDinhKemId']}/file"
    assert (comp["DuocSoHoa"], comp["DuocTaiSuDung"], comp["DuocLayTuKhoDMQG"], comp["MaKetQuaThayThe"]) == (
        1, 0, 0, None)
    assert rec["DanhSachGiayToKetQua"] == []


def test_a_component_reused_from_the_kho_is_not_digitized_again(records: RecordStore) -> None:
    with records.transaction() as s:
        doc = digitized(s, result(fields={"so_dinh_danh": CITIZEN}, metadata={"ma_loai_giay_to": "CCCD"}),
                        seed="card")[0]
        confirm_document(s, OFFICER, doc)
        reused = attach_to_dossier(s, OFFICER, doc, ma_ho_so=SECOND, ma_tthc=PROCEDURE)
    rec = _record(records, SECOND)
    (comp,) = rec["TaiLieuNop"]  # type: ignore[misc]
    assert comp["TepDinhKemId"] == reused.id and comp["MaThanhPhanHoSo"] == "CCCD"
    assert (comp["DuocSoHoa"], comp["DuocTaiSuDung"], comp["DuocLayTuKhoDMQG"], comp["MaKetQuaThayThe"]) == (
        0, 1, 0, None)
    assert rec["HoSoCoThanhPhanSoHoa"] == 0


def test_a_reused_result_stands_in_with_its_result_code_and_results_are_listed(records: RecordStore) -> None:
    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER, PROCEDURE)
        kq = _result(s)
        attach_to_dossier(s, OFFICER, kq, ma_ho_so=SECOND)
    first, second = _record(records), _record(records, SECOND)
    assert first["DanhSachGiayToKetQua"] == [{
        "TenGiayTo": "Giấy chứng nhận", "MaThanhPhanHoSo": "KQ.GCN", "GiayToId": kq,
        "DuongDanTepTinKetQua": f"{BASE}/v1/documents/{kq}/file", "MaGiayToKetQua": f"{DOSSIER}-KQ1"}]
    assert first["TrangThaiHoSo"] == 9 and first["TaiLieuNop"] == []
    (comp,) = second["TaiLieuNop"]  # type: ignore[misc]
    assert comp["DuocTaiSuDung"] == 1 and comp["MaKetQuaThayThe"] == f"{DOSSIER}-KQ1"
    assert comp["MaThanhPhanHoSo"] == "KQ.GCN"


def test_a_component_not_yet_read_or_whose_document_was_revoked_is_not_counted_digitized(
        records: RecordStore) -> None:
    with records.transaction() as s:
        doc = digitized(s, result(), seed="card")[0]
    assert _record(records)["HoSoCoThanhPhanSoHoa"] == 1
    with records.transaction() as s:
        confirm_document(s, OFFICER, doc)
        revoke_document(s, OFFICER, doc, reason="scan of the wrong card")
    rec = _record(records)
    assert rec["HoSoCoThanhPhanSoHoa"] == 0 and rec["TaiLieuNop"][0]["DuocSoHoa"] == 0  # type: ignore[index]


def test_an_organization_owner_is_a_business_with_its_tax_code(records: RecordStore) -> None:
    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, "0101234567"), DOSSIER, PROCEDURE)
    rec = _record(records)
    assert rec["LoaiDoiTuong"] == 2 and rec["DinhDanhCHS"] == [{"LoaiDinhDanh": 2, "SoDinhDanh": "0101234567"}]


def test_every_stage_maps_to_its_own_portal_state(records: RecordStore) -> None:
    """Given a dossier walked through every stage the store knows, each is reported as its own code."""
    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER, PROCEDURE)
    seen = {DossierStage.RECEIVED: _record(records)["TrangThaiHoSo"]}
    with records.transaction() as s:
        create_result_job(s, RESOLUTION, ma_ho_so=DOSSIER, ten_giay_to="Giấy chứng nhận", so_ky_hieu=None,
                          level="B-LT", source=scan("kq"), page_count=1)
    seen[DossierStage.RESULT_PENDING] = _record(records)["TrangThaiHoSo"]
    with records.transaction() as s:
        kq = _result(s)
    seen[DossierStage.RESOLVED] = _record(records)["TrangThaiHoSo"]
    assert seen == {stage: code.value for stage, code in PORTAL_STATE.items()}
    assert seen == {DossierStage.RECEIVED: 2, DossierStage.RESULT_PENDING: 4, DossierStage.RESOLVED: 9}
    with records.transaction() as s:
        revoke_document(s, SYSTEM_WORKER, kq, reason="issued in error")
    assert _record(records)["TrangThaiHoSo"] == 4  # the job still runs: a revoked result resolves nothing


def test_the_mapping_covers_every_stage_and_invents_no_portal_state() -> None:
    assert set(PORTAL_STATE) == set(DossierStage)
    assert len(set(PORTAL_STATE.values())) == len(DossierStage)
    never_recorded = set(TrangThaiHoSo) - set(PORTAL_STATE.values())
    assert {s.value for s in never_recorded} == {1, 3, 5, 6, 7, 8, 10}


def test_portal_time_is_vietnam_time_without_separators() -> None:
    assert portal_time(datetime(2026, 12, 7, 17, 5, 9, tzinfo=UTC)) == "20261208000509"
    with pytest.raises(ValueError):
        portal_time(datetime(2026, 12, 7, 17, 5, 9))


def test_only_officers_of_the_agency_read_the_record_and_the_read_is_audited(records: RecordStore) -> None:
    with records.transaction() as s:
        digitized(s, result(), seed="card")
    foreign = Principal("officer", "cb99", frozenset({"000.00.16.H56"}))
    for who in (foreign, Principal("citizen", CITIZEN), Principal("admin", "root"), RESOLUTION):
        with pytest.raises(AccessDenied), records.transaction() as s:
            portal_record(s, who, DOSSIER)
    _record(records)
    with records.transaction() as s:
        reads = [a for a in audit_trail(s, citizen=CITIZEN) if a.action == "read_portal_record"]
    assert [(a.actor, a.ma_ho_so) for a in reads] == [(str(OFFICER), DOSSIER)]


def test_a_change_to_the_owner_or_a_component_puts_the_dossier_back_in_the_outbox(records: RecordStore) -> None:
    from store.records import refresh_outbox, sync_counts
    from store.records._portal_tables import PortalSync

    with records.transaction() as s:
        ensure_dossier(s, OFFICER, ensure_citizen(s, OFFICER, CITIZEN), DOSSIER, PROCEDURE)
        assert sync_counts(s) == {"outbox": 1}  # written in the same transaction as the dossier
    with records.transaction() as s:
        refresh_outbox(s)
        first = s.get_one(PortalSync, s.scalar(select(Dossier.id))).record_hash
        assert sync_counts(s) == {"pending": 1, "outbox": 0}
    with records.transaction() as s:
        ensure_citizen(s, OFFICER, CITIZEN, ho_ten="Trần Thị Bình")  # the owner's name filed later
        assert sync_counts(s)["outbox"] == 1
        refresh_outbox(s)
        row = s.get_one(PortalSync, s.scalar(select(Dossier.id)))
        assert row.record_hash != first and row.record["ChuHoSo"] == "Trần Thị Bình"
    with records.transaction() as s:
        digitized(s, result(), seed="card")
        assert sync_counts(s)["outbox"] == 1
