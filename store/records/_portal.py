"""A dossier as the national portal's record (``HoSoDongBoDVC``), built from what happened in the store.

``TrangThaiHoSo`` comes from :class:`DossierStage`, the stages our store can tell
apart; the portal's other codes (registered, refused, supplement requested, awaiting
payment, withdrawn, stopped, returned) are never sent, because nothing in the store
records them: sending one would report one state as another. ``DuocSoHoa`` is 1 for
a component read here into a document of the Kho, ``DuocTaiSuDung`` for one taken
by reference from the Kho (``_reuse.attach_to_dossier``); ``HoSoCoThanhPhanSoHoa``
is 1 when any component was digitized here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.portal import (
    DinhDanh,
    GiayToKetQua,
    HoSoDongBoDVC,
    LoaiDoiTuong,
    TaiLieuNop,
    TrangThaiHoSo,
    portal_time,
)
from store.records._access import check_dossier, find_dossier, require_role
from store.records._audit import audit
from store.records._intake import _PERSON_ID, _TAX_CODE
from store.records._models import Citizen, Component, Document, Dossier
from store.records._tables import ResultJob
from store.records._types import ComponentStatus, DocumentKind, DocumentStatus, Origin, Principal

_FILED = (DocumentStatus.EXTRACTED, DocumentStatus.CONFIRMED, DocumentStatus.SIGNED)


class DossierStage(StrEnum):
    """What our store knows of where a dossier is."""

    RECEIVED = "received"  # opened at the counter, no result asked for yet
    RESULT_PENDING = "result_pending"  # the resolution system asked for a result to be signed, none issued yet
    RESOLVED = "resolved"  # a result was issued (signed) and is not revoked


#: our stages → the portal's codes; the portal's other codes have no stage here and are never sent
PORTAL_STATE: dict[DossierStage, TrangThaiHoSo] = {
    DossierStage.RECEIVED: TrangThaiHoSo.DA_TIEP_NHAN,
    DossierStage.RESULT_PENDING: TrangThaiHoSo.DANG_XU_LY,
    DossierStage.RESOLVED: TrangThaiHoSo.DA_GIAI_QUYET,
}


def dossier_stage(results: list[Document], jobs: list[ResultJob]) -> DossierStage:
    """The stage of a dossier from its results (current versions) and result jobs."""
    if any(r.status != DocumentStatus.REVOKED for r in results):
        return DossierStage.RESOLVED
    if any(j.state in ("queued", "running") for j in jobs):
        return DossierStage.RESULT_PENDING
    return DossierStage.RECEIVED


def owner_type(ma_dinh_danh: str) -> tuple[LoaiDoiTuong, int]:
    """``LoaiDoiTuong`` and ``LoaiDinhDanh`` of an owner id: a person, an enterprise (tax code), an agency."""
    if _PERSON_ID.match(ma_dinh_danh):
        return LoaiDoiTuong.CONG_DAN, 1
    if _TAX_CODE.match(ma_dinh_danh):
        return LoaiDoiTuong.DOANH_NGHIEP, 2
    return LoaiDoiTuong.CO_QUAN_NHA_NUOC, 2


def _link(base: str | None, path: str) -> str | None:
    return f"{base.rstrip('/')}{path}" if base else None


def _submitted(comp: Component, docs: list[Document], reused: Document | None, base: str | None) -> TaiLieuNop:
    """One component: digitized here when read into a document still in the Kho; reused when taken by reference."""
    is_reused = comp.origin == Origin.REUSED and reused is not None
    own = [d for d in docs if d.status in _FILED]
    digitized = not is_reused and comp.status == ComponentStatus.EXTRACTED and bool(own)
    shown = reused if is_reused else (own[0] if own else None)
    code = (shown.ma_loai_giay_to or shown.doc_type) if shown is not None else None
    replaces = reused.ma_ket_qua if is_reused and reused is not None and reused.kind == DocumentKind.RESULT else None
    return TaiLieuNop(
        TepDinhKemId=comp.id, TenTepDinhKem=comp.file_name, MaThanhPhanHoSo=code,
        DuongDanTaiTepTin=_link(base, f"/v1/components/{comp.id}/file"), DuocSoHoa=int(digitized),
        DuocTaiSuDung=int(is_reused), DuocLayTuKhoDMQG=0, MaKetQuaThayThe=replaces,
    )


@dataclass
class _Parts:
    """What a record is made of, loaded for many dossiers at once."""

    citizen: Citizen
    owner_name: str | None = None
    comps: list[Component] = field(default_factory=list)
    docs: list[Document] = field(default_factory=list)
    jobs: list[ResultJob] = field(default_factory=list)


def _load(session: Session, dossiers: list[Dossier]) -> tuple[dict[str, _Parts], dict[str, Document]]:
    """The parts of every dossier (a handful of queries whatever their number), and the documents reused."""
    ids = [d.id for d in dossiers]
    citizens = {c.id: c for c in session.scalars(select(Citizen).where(
        Citizen.id.in_(sorted({d.citizen_id for d in dossiers}))))}
    parts = {d.id: _Parts(citizens[d.citizen_id]) for d in dossiers}
    for comp in session.scalars(select(Component).where(Component.dossier_id.in_(ids))
                                .order_by(Component.created_at, Component.id)):
        parts[comp.dossier_id or ""].comps.append(comp)
    for doc in session.scalars(select(Document).where(Document.dossier_id.in_(ids), Document.is_current.is_(True))
                               .order_by(Document.page_start, Document.created_at, Document.id)):
        parts[doc.dossier_id or ""].docs.append(doc)
    for job in session.scalars(select(ResultJob).where(ResultJob.dossier_id.in_(ids))):
        parts[job.dossier_id].jobs.append(job)
    reused_ids = sorted({c.reuses_document_id for p in parts.values() for c in p.comps if c.reuses_document_id})
    reused = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(reused_ids)))}
    names = _owner_names(session, [c for c in citizens.values() if not c.ho_ten])
    for p in parts.values():
        p.owner_name = p.citizen.ho_ten or names.get(p.citizen.id)
    return parts, reused


def _owner_names(session: Session, unnamed: list[Citizen]) -> dict[str, str]:
    """Names of owners filed without one, as read from their newest confirmed document naming their own id."""
    if not unnamed:
        return {}
    query = (select(Document.citizen_id, Document.ho_ten).join(Citizen, Citizen.id == Document.citizen_id)
             .where(Document.citizen_id.in_([c.id for c in unnamed]), Document.so_dinh_danh == Citizen.ma_dinh_danh,
                    Document.is_current.is_(True), Document.ho_ten.is_not(None),
                    Document.status.in_((DocumentStatus.CONFIRMED, DocumentStatus.SIGNED)))
             .order_by(Document.digitized_at))
    return {citizen_id: name for citizen_id, name in session.execute(query) if name}  # the newest wins


def build_records(session: Session, dossiers: list[Dossier], *,
                  base_url: str | None = None) -> dict[str, HoSoDongBoDVC]:
    """The portal's records of many dossiers (by dossier id), loaded together; no access check, no audit."""
    parts, reused = _load(session, dossiers)
    return {d.id: _assemble(d, parts[d.id], reused, base_url) for d in dossiers}


def build_record(session: Session, dossier: Dossier, *, base_url: str | None = None) -> HoSoDongBoDVC:
    """The portal's record of a dossier, as the store has it now (no access check, no audit: callers do that)."""
    return build_records(session, [dossier], base_url=base_url)[dossier.id]


def _assemble(dossier: Dossier, parts: _Parts, reused: dict[str, Document], base_url: str | None) -> HoSoDongBoDVC:
    citizen, comps, docs = parts.citizen, parts.comps, parts.docs
    results = [d for d in docs if d.kind == DocumentKind.RESULT]
    by_component: dict[str, list[Document]] = {}
    for d in docs:
        if d.component_id:
            by_component.setdefault(d.component_id, []).append(d)
    submitted = tuple(_submitted(c, by_component.get(c.id, []), reused.get(c.reuses_document_id or ""), base_url)
                      for c in comps)
    own = [c for c in comps if c.origin != Origin.REUSED]
    kind, id_kind = owner_type(citizen.ma_dinh_danh)
    return HoSoDongBoDVC(
        MaHoSo=dossier.ma_ho_so, MaTTHC=dossier.ma_tthc, TenTTHC=None,
        KenhThucHien=2 if own and all(c.origin == Origin.ONLINE for c in own) else 1,
        ChuHoSo=parts.owner_name, SoGiayToChuHoSo=citizen.ma_dinh_danh, LoaiDoiTuong=kind,
        NgayTiepNhan=portal_time(dossier.created_at) or "", NgayHenTra=None,
        TrangThaiHoSo=PORTAL_STATE[dossier_stage(results, parts.jobs)], NgayTra=None,
        HoSoCoThanhPhanSoHoa=int(any(t.DuocSoHoa for t in submitted)),
        DinhDanhCHS=(DinhDanh(LoaiDinhDanh=id_kind, SoDinhDanh=citizen.ma_dinh_danh),),
        TaiLieuNop=submitted,
        DanhSachGiayToKetQua=tuple(
            GiayToKetQua(TenGiayTo=r.ten_giay_to or r.doc_type, MaThanhPhanHoSo=r.ma_loai_giay_to, GiayToId=r.id,
                         DuongDanTepTinKetQua=_link(base_url, f"/v1/documents/{r.id}/file"),
                         MaGiayToKetQua=r.ma_ket_qua)
            for r in results if r.status != DocumentStatus.REVOKED),
    )


def record_json(record: HoSoDongBoDVC) -> dict[str, Any]:
    """The record as the portal reads it (JSON types)."""
    return record.model_dump(mode="json")


def record_hash(body: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON: equal records, equal hashes."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                          .encode()).hexdigest()


def portal_record(session: Session, by: Principal, ma_ho_so: str, *, base_url: str | None = None) -> HoSoDongBoDVC:
    """The portal's record of a dossier for an officer of its agency (the read is audited).

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: not an officer of the dossier's agency.
    """
    require_role(by, "officer")
    row = find_dossier(session, ma_ho_so)
    check_dossier(by, row)
    record = build_record(session, row, base_url=base_url)
    audit(session, by, "read_portal_record", "dossier", row.id, citizen=record.SoGiayToChuHoSo, dossier=ma_ho_so)
    return record

