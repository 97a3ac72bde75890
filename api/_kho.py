"""``POST /v1/kho/lookup``: a citizen's results in the Kho, asked and answered in the national shape.

The names are the national data-sharing platform's own (``SoDinhDanhChuSoHuu``, ``KenhThucHien`` …);
the requester is the token's principal, and the body must name the same one (``requester_mismatch``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api._responses import errors
from api.deps import Caller, Services
from store.records import DocumentView, Requester, Wanted, dossier_agency, lookup_results

router = APIRouter(prefix="/v1/kho", tags=["officer", "resolution system", "citizen"])

_IN = ConfigDict(extra="forbid", frozen=True)


class ResultAsked(BaseModel):
    """One result of the catalogue asked for."""

    model_config = _IN

    MaKetQua: Annotated[str, Field(min_length=1, max_length=80, examples=["000.00.15.H55-261206-0001-KQ1"])]
    SoKyHieu: Annotated[str | None, Field(default=None, max_length=100, examples=["15/GCN-UBND"])] = None


class KhoLookup(BaseModel):
    """The question: whose results, asked by whom, on which channel, for which procedure."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [{
        "SoDinhDanhChuSoHuu": "001090000001", "HoTenNguoiYeuCau": "Trần Thị Bình", "KenhThucHien": "1",
        "SoDinhDanhNguoiYeuCau": "canbo01", "MaThuTuc": "1.001193",
        "DanhSachDanhMucKetQua": [{"MaKetQua": "000.00.15.H55-261206-0001-KQ1", "SoKyHieu": "15/GCN-UBND"}]}]})

    SoDinhDanhChuSoHuu: Annotated[str, Field(min_length=1, max_length=20, description="the owner")]
    HoTenNguoiYeuCau: Annotated[str | None, Field(default=None, max_length=200)] = None
    KenhThucHien: Literal["1", "2"] = Field(description="1: an officer (or the resolution system); 2: the citizen")
    SoDinhDanhNguoiYeuCau: Annotated[str, Field(min_length=1, max_length=100,
                                                description="the requester: the token's `sub`")]
    MaThuTuc: Annotated[str | None, Field(default=None, max_length=64)] = None
    DanhSachDanhMucKetQua: Annotated[list[ResultAsked], Field(default_factory=list, max_length=200,
                                                              description="empty: every result the owner holds")]


class AttachedFile(BaseModel):
    """A file of a result: its name and where the caller fetches it (with the same token)."""

    TenTep: str
    DuongDan: str


class ResultFound(BaseModel):
    """One result held in the Kho."""

    MaKetQua: str
    TenGiayTo: str | None
    SoKyHieu: str | None
    CoQuanChuQuan: str | None
    DanhSachTepDinhKem: list[AttachedFile]


class LookupBody(BaseModel):
    """``DanhSachGiayToKetQua``: the results found (a code the owner does not hold is absent)."""

    DanhSachGiayToKetQua: list[ResultFound]


class LookupAnswer(BaseModel):
    """The answer in the national shape: ``errorCode`` ``"0"`` is success (failures are our error body)."""

    errorCode: str = "0"  # noqa: N815 (the national platform's name)
    message: str = "thành công"
    result: LookupBody


def _found(view: DocumentView, *, citizen: bool) -> ResultFound:
    path = f"/v1/me/documents/{view.id}/file" if citizen else f"/v1/documents/{view.id}/file"
    name = f"{view.ma_ket_qua or view.id}.pdf"
    agency = view.metadata.co_quan_cap or (dossier_agency(view.ma_ho_so) if view.ma_ho_so else None)
    return ResultFound(MaKetQua=view.ma_ket_qua or "", TenGiayTo=view.metadata.ten_giay_to,
                       SoKyHieu=view.metadata.so_ky_hieu, CoQuanChuQuan=agency,
                       DanhSachTepDinhKem=[AttachedFile(TenTep=name, DuongDan=path)])


@router.post("/lookup", response_model=LookupAnswer, summary="Look up a citizen's results (national shape)",
             responses=errors(422))
def kho_lookup(body: KhoLookup, services: Services, by: Caller) -> LookupAnswer:
    """The owner's current results among those asked (by ``MaKetQua`` and, when given, ``SoKyHieu``).

    Read under the same rules as every read of a citizen's store, and written to their access log.
    The body's ``KenhThucHien`` and ``SoDinhDanhNguoiYeuCau`` must be the caller's own
    (``requester_mismatch``, 422)."""
    requester = Requester(body.KenhThucHien, body.SoDinhDanhNguoiYeuCau, body.HoTenNguoiYeuCau)
    wanted = [Wanted(a.MaKetQua, a.SoKyHieu) for a in body.DanhSachDanhMucKetQua]
    with services.store.records.read_transaction() as s:
        views = lookup_results(s, by, body.SoDinhDanhChuSoHuu, requester, wanted, ma_thu_tuc=body.MaThuTuc)
    return LookupAnswer(result=LookupBody(DanhSachGiayToKetQua=[_found(v, citizen=by.role == "citizen")
                                                                 for v in views]))
