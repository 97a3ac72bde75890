"""The National Public Service Portal's dossier record (``HoSoDongBoDVC``), with the portal's own field names.

What the sync worker posts to the portal and what ``sohoa portal export`` prints.
Dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh (UTC+07:00 all year: Vietnam keeps
no daylight saving time); yes/no flags are the portal's ``1`` / ``0``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import IntEnum

from pydantic import BaseModel, ConfigDict, Field

#: Asia/Ho_Chi_Minh: a fixed +07:00 (no DST since 1975), so no tz database is needed
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
_FROZEN = ConfigDict(frozen=True, extra="forbid")


def portal_time(at: datetime | None) -> str | None:
    """An aware datetime as the portal writes it: ``yyyyMMddHHmmss`` in Vietnam's time (``None`` stays ``None``).

    Raises:
        ValueError: a naive datetime (its zone would be a guess).
    """
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError("naive datetime: the portal's time needs an aware one")
    return at.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


class TrangThaiHoSo(IntEnum):
    """The portal's dossier states (``TrangThaiHoSo``)."""

    MOI_DANG_KY = 1  # registered (online, not yet received)
    DA_TIEP_NHAN = 2  # received
    KHONG_TIEP_NHAN = 3  # refused
    DANG_XU_LY = 4  # processing
    YEU_CAU_BO_SUNG = 5  # supplement requested
    YEU_CAU_THUC_HIEN_NVTC = 6  # awaiting payment (financial obligation)
    CONG_DAN_RUT = 7  # withdrawn by the applicant
    DUNG_XU_LY = 8  # processing stopped
    DA_GIAI_QUYET = 9  # resolved
    DA_TRA_KET_QUA = 10  # result returned


class LoaiDoiTuong(IntEnum):
    """Who the dossier's owner is (``LoaiDoiTuong``)."""

    CONG_DAN = 1
    DOANH_NGHIEP = 2
    CO_QUAN_NHA_NUOC = 3
    KHAC = 4


class DinhDanh(BaseModel):
    """One identifier of the dossier's owner: ``LoaiDinhDanh`` 1 personal id number, 2 enterprise/tax code."""

    model_config = _FROZEN

    LoaiDinhDanh: int = Field(ge=1, le=2)
    SoDinhDanh: str


class TaiLieuNop(BaseModel):
    """One component handed in (``TaiLieuNop``).

    Attributes:
        TepDinhKemId: our component id.
        MaThanhPhanHoSo: the component's document type code (``ma_loai_giay_to``, else our ``doc_type``).
        DuongDanTaiTepTin: where the portal may fetch the file (our API), ``None`` without a public base URL.
        DuocSoHoa: 1 when the component was digitized here (a scan read and filed in the Kho).
        DuocTaiSuDung: 1 when it was taken by reference from the citizen's Kho instead of a new scan.
        DuocLayTuKhoDMQG: 1 when taken from the national catalog's data store; we never do (no such link).
        MaKetQuaThayThe: the result code a reused result stands in for the component with.
    """

    model_config = _FROZEN

    TepDinhKemId: str
    TenTepDinhKem: str
    MaThanhPhanHoSo: str | None
    DuongDanTaiTepTin: str | None
    DuocSoHoa: int = Field(ge=0, le=1)
    DuocTaiSuDung: int = Field(ge=0, le=1)
    DuocLayTuKhoDMQG: int = Field(ge=0, le=1)
    MaKetQuaThayThe: str | None


class GiayToKetQua(BaseModel):
    """One result of the dossier (``DanhSachGiayToKetQua``): ``MaGiayToKetQua`` is ``{ma_ho_so}-KQ{n}``."""

    model_config = _FROZEN

    TenGiayTo: str
    MaThanhPhanHoSo: str | None
    GiayToId: str
    DuongDanTepTinKetQua: str | None
    MaGiayToKetQua: str | None


class HoSoDongBoDVC(BaseModel):
    """A dossier as the portal receives it. ``TenTTHC``, ``NgayHenTra`` and ``NgayTra`` are ``None``
    while our store keeps no procedure catalog, appointment date or hand-over date."""

    model_config = _FROZEN

    MaHoSo: str
    MaTTHC: str | None
    TenTTHC: str | None
    KenhThucHien: int = Field(ge=1, le=3, description="1 at the counter, 2 online, 3 by post")
    ChuHoSo: str | None
    SoGiayToChuHoSo: str
    LoaiDoiTuong: LoaiDoiTuong
    NgayTiepNhan: str
    NgayHenTra: str | None
    TrangThaiHoSo: TrangThaiHoSo
    NgayTra: str | None
    HoSoCoThanhPhanSoHoa: int = Field(ge=0, le=1)
    DinhDanhCHS: tuple[DinhDanh, ...]
    TaiLieuNop: tuple[TaiLieuNop, ...]
    DanhSachGiayToKetQua: tuple[GiayToKetQua, ...]
