"""The catalog: one entry per document type, with titles, fields, label variants and validity rules."""

from __future__ import annotations

from pipeline.doctypes import _labels as lb
from pipeline.doctypes._model import OTHER_PERSON, DocTypeSpec, FieldSpec, Validity, ValueKind
from schemas.documents import DOC_TYPE_FIELDS, DocType

K = ValueKind


def _f(name: str, kind: ValueKind, *labels: tuple[str, ...], section: str | None = None,
       anywhere: bool = False, choices: tuple[str, ...] = ()) -> FieldSpec:
    merged: list[str] = []
    for group in labels:
        merged.extend(x for x in group if x not in merged)
    return FieldSpec(name, kind, tuple(merged), section=section, anywhere=anywhere, choices=choices)


#: wordings of the marital status the civil-status guidance uses (Circular 04/2020/TT-BTP)
_MARITAL = ("Hiện tại chưa đăng ký kết hôn với ai", "Chưa đăng ký kết hôn với ai", "Đang có vợ", "Đang có chồng",
            "Có đăng ký kết hôn, vợ/chồng đã chết", "Đã đăng ký kết hôn, nhưng đã ly hôn",
            "Đã đăng ký kết hôn nhưng đã ly hôn")
#: land-use purposes as land certificates print them (Land Law 2013/2024 land categories)
_LAND_USE = ("Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng lúa", "Đất chuyên trồng lúa nước",
             "Đất trồng cây hằng năm khác", "Đất trồng cây lâu năm", "Đất nuôi trồng thủy sản", "Đất rừng sản xuất",
             "Đất rừng phòng hộ", "Đất làm muối", "Đất nông nghiệp khác", "Đất thương mại, dịch vụ",
             "Đất cơ sở sản xuất phi nông nghiệp", "Đất sản xuất, kinh doanh phi nông nghiệp")
#: the criminal-record statuses of Form 06/2024/LLTP
_RECORD = ("Không có án tích", "Có án tích")


_CAN_CUOC = DocTypeSpec(
    DocType.CAN_CUOC, "CC",
    ("CĂN CƯỚC CÔNG DÂN", "CĂN CƯỚC"),
    (
        _f("so_dinh_danh", K.ID_NUMBER, lb.ID_NUMBER, lb.ID_CARD_NUMBER),
        _f("ho_ten", K.NAME, lb.NAME),
        _f("ngay_sinh", K.DATE, lb.BIRTH),
        _f("gioi_tinh", K.SEX, lb.SEX),
        _f("quoc_tich", K.NATIONALITY, lb.NATIONALITY),
        _f("que_quan", K.PLACE, lb.ORIGIN),
        _f("noi_thuong_tru", K.PLACE, ("Nơi thường trú", "Place of residence")),
        _f("noi_cu_tru", K.PLACE, ("Nơi cư trú",)),
        _f("noi_dang_ky_khai_sinh", K.PLACE, lb.BIRTH_REGISTRATION_PLACE),
        _f("ngay_cap", K.DATE, lb.ISSUE_DATE),
        _f("co_gia_tri_den", K.DATE, lb.EXPIRY),
    ),
    validity=Validity(field="co_gia_tri_den"),
    agency="CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
    number_field="so_dinh_danh",
)

_KHAI_SINH = DocTypeSpec(
    DocType.KHAI_SINH, "KS", ("GIẤY KHAI SINH", "BẢN SAO GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH"),
    (
        _f("ho_ten", K.NAME, lb.NAME),
        _f("ngay_sinh", K.DATE, lb.BIRTH),
        _f("gioi_tinh", K.SEX, lb.SEX),
        _f("dan_toc", K.ETHNICITY, lb.ETHNICITY),
        _f("quoc_tich", K.NATIONALITY, lb.NATIONALITY),
        _f("noi_sinh", K.PLACE, lb.BIRTH_PLACE),
        _f("que_quan", K.PLACE, lb.ORIGIN),
        _f("so_dinh_danh", K.ID_NUMBER, lb.ID_NUMBER),
        _f("ho_ten_me", K.NAME, lb.NAME, ("Họ, chữ đệm, tên người mẹ", "Họ và tên mẹ", "Họ tên mẹ",
                                         "Họ, chữ đệm và tên người mẹ", "Tên mẹ"), section="me"),
        _f("ho_ten_cha", K.NAME, lb.NAME, ("Họ, chữ đệm, tên người cha", "Họ và tên cha", "Họ tên cha",
                                          "Họ, chữ đệm và tên người cha", "Tên cha"), section="cha"),
        _f("ngay_dang_ky", K.DATE, lb.REGISTRATION_DATE, anywhere=True),
    ),
    sections={
        "me": ("Người mẹ", "Mẹ", "Thông tin người mẹ", "Thông tin về mẹ", "Phần khai về người mẹ"),
        "cha": ("Người cha", "Cha", "Thông tin người cha", "Thông tin về cha", "Phần khai về người cha"),
        "dang_ky": ("Nơi đăng ký", "Thông tin đăng ký", "Phần đăng ký"),
    },
)

_KET_HON = DocTypeSpec(
    DocType.KET_HON, "KH", ("GIẤY CHỨNG NHẬN KẾT HÔN", "TRÍCH LỤC KẾT HÔN"),
    (
        _f("ho_ten_chong", K.NAME, lb.NAME, ("Họ tên chồng", "Họ và tên chồng", "Họ, chữ đệm, tên chồng",
                                            "Chồng"), section="chong"),
        _f("ngay_sinh_chong", K.DATE, lb.BIRTH, ("Ngày sinh chồng",), section="chong"),
        _f("so_dinh_danh_chong", K.ID_NUMBER, lb.ID_NUMBER, section="chong"),
        _f("ho_ten_vo", K.NAME, lb.NAME, ("Họ tên vợ", "Họ và tên vợ", "Họ, chữ đệm, tên vợ", "Vợ"),
           section="vo"),
        _f("ngay_sinh_vo", K.DATE, lb.BIRTH, ("Ngày sinh vợ",), section="vo"),
        _f("so_dinh_danh_vo", K.ID_NUMBER, lb.ID_NUMBER, section="vo"),
        _f("ngay_dang_ky", K.DATE, lb.REGISTRATION_DATE, anywhere=True),
    ),
    sections={
        "chong": ("Bên chồng", "Chồng", "Người chồng", "Thông tin người chồng", "Thông tin về chồng"),
        "vo": ("Bên vợ", "Vợ", "Người vợ", "Thông tin người vợ", "Thông tin về vợ"),
    },
    owner_field="so_dinh_danh_chong",
)

_PERSON = (
    _f("ho_ten", K.NAME, lb.NAME),
    _f("ngay_sinh", K.DATE, lb.BIRTH),
    _f("gioi_tinh", K.SEX, lb.SEX),
    _f("so_dinh_danh", K.ID_NUMBER, lb.ID_NUMBER),
)

_TINH_TRANG = DocTypeSpec(
    DocType.TINH_TRANG_HON_NHAN, "XNTTHN", ("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",),
    (*_PERSON, _f("noi_cu_tru", K.PLACE, lb.RESIDENCE),
     _f("tinh_trang_hon_nhan", K.TEXT, lb.MARITAL_STATUS, choices=_MARITAL)),
    validity=Validity(months=6),
)

_CU_TRU = DocTypeSpec(
    DocType.XAC_NHAN_CU_TRU, "CT07",
    ("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "THÔNG TIN VỀ CƯ TRÚ"),
    (*_PERSON, _f("noi_thuong_tru", K.PLACE, lb.RESIDENCE_PERMANENT)),
    validity=Validity(months=12),
    others=("chủ hộ", "người làm chứng"),
)

_LLTP = DocTypeSpec(
    DocType.LY_LICH_TU_PHAP, "LLTP",
    ("PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2", "PHIẾU LÝ LỊCH TƯ PHÁP"),
    (*_PERSON, _f("noi_cu_tru", K.PLACE, lb.RESIDENCE),
     _f("tinh_trang_an_tich", K.TEXT, lb.CRIMINAL_RECORD, choices=_RECORD)),
)

_TO_KHAI = DocTypeSpec(
    DocType.TO_KHAI, "TK", ("TỜ KHAI", "ĐƠN ĐỀ NGHỊ", "ĐƠN XIN", "PHIẾU ĐỀ NGHỊ"),
    (
        _f("ho_ten", K.NAME, lb.NAME),
        _f("ngay_sinh", K.DATE, lb.BIRTH),
        _f("so_dinh_danh", K.ID_NUMBER, lb.ID_NUMBER),
        _f("noi_cu_tru", K.PLACE, lb.RESIDENCE, ("Nơi thường trú", "Địa chỉ")),
        _f("so_dien_thoai", K.PHONE, lb.PHONE),
    ),
    # the declarant's fields: a registration form goes on about the person registered
    sections={OTHER_PERSON: ("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây",
                             "Đề nghị đăng ký khai sinh cho người dưới đây", "Thông tin của người được khai sinh",
                             "Thông tin về người được khai sinh", "Thông tin về người chết",
                             "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây")},
    title_prefix=True,
    issued=False,
)

_QSDD = DocTypeSpec(
    DocType.QSDD, "GCNQSDD",
    (
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
    ),
    (
        _f("ho_ten", K.NAME, lb.NAME, lb.OWNER_NAME, lb.LAND_HOLDER),
        _f("so_dinh_danh", K.ID_NUMBER, lb.ID_NUMBER),
        _f("thua_dat_so", K.INTEGER, lb.PARCEL, anywhere=True),
        _f("to_ban_do_so", K.INTEGER, lb.MAP_SHEET, anywhere=True),
        _f("dia_chi_thua_dat", K.PLACE, lb.PARCEL_ADDRESS, section="thua_dat"),
        _f("dien_tich", K.NUMBER, lb.AREA, anywhere=True),
        _f("muc_dich_su_dung", K.TEXT, lb.LAND_USE, anywhere=True, choices=_LAND_USE),
    ),
    sections={
        "thua_dat": ("Thông tin thửa đất", "Thửa đất", "Thông tin về thửa đất"),
        "tai_san": ("Thông tin tài sản gắn liền với đất", "Tài sản gắn liền với đất", "Nhà ở"),
        "chu": ("Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", "Người sử dụng đất"),
    },
    serial=r"\b[A-Z]{2} ?\d{6,8}\b",
)

_HKD = DocTypeSpec(
    DocType.HO_KINH_DOANH, "GCNDKHKD", ("GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",),
    (
        _f("ten_ho_kinh_doanh", K.TEXT, lb.BUSINESS_NAME, anywhere=True),
        _f("ma_so_ho_kinh_doanh", K.CODE, lb.BUSINESS_CODE, anywhere=True),
        _f("dia_diem_kinh_doanh", K.PLACE, lb.BUSINESS_PLACE, anywhere=True),
        _f("nganh_nghe", K.TEXT, lb.BUSINESS_LINES, anywhere=True),
        _f("von_kinh_doanh", K.MONEY, lb.CAPITAL, anywhere=True),
        _f("ho_ten", K.NAME, lb.NAME, ("Họ và tên chủ hộ", "Chủ hộ kinh doanh", "Họ tên chủ hộ")),
        _f("ngay_sinh", K.DATE, lb.BIRTH),
        _f("so_dinh_danh", K.ID_NUMBER, lb.ID_NUMBER),
    ),
    sections={"chu_ho": ("Chủ hộ kinh doanh", "Thông tin chủ hộ", "Đại diện hộ kinh doanh")},
    number_field="ma_so_ho_kinh_doanh",
)

_KHAI_TU = DocTypeSpec(
    DocType.KHAI_TU, "KT", ("TRÍCH LỤC KHAI TỬ", "GIẤY CHỨNG TỬ", "GIẤY BÁO TỬ", "TRÍCH LỤC ĐĂNG KÝ KHAI TỬ"),
    (*_PERSON, _f("ngay_chet", K.DATE, lb.DEATH_DATE), _f("noi_chet", K.PLACE, lb.DEATH_PLACE)),
)

_BANG = DocTypeSpec(
    DocType.BANG_TOT_NGHIEP, "BTN",
    ("BẰNG TỐT NGHIỆP", "BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG", "BẰNG TỐT NGHIỆP TRUNG HỌC CƠ SỞ",
     "BẰNG TỐT NGHIỆP ĐẠI HỌC", "BẰNG TỐT NGHIỆP CAO ĐẲNG", "BẰNG TỐT NGHIỆP TRUNG CẤP", "BẰNG CỬ NHÂN",
     "BẰNG KỸ SƯ", "BẰNG THẠC SĨ", "BẰNG TIẾN SĨ"),
    (
        _f("ho_ten", K.NAME, lb.NAME, ("Cho", "Cấp cho", "Ông/Bà", "Ông", "Bà")),
        _f("ngay_sinh", K.DATE, lb.BIRTH),
        _f("noi_sinh", K.PLACE, lb.BIRTH_PLACE, ("Tại",)),  # "Sinh ngày … / Tại: Bắc Ninh"
        _f("nam_tot_nghiep", K.YEAR, lb.GRAD_YEAR),
        _f("so_hieu", K.CODE, lb.DIPLOMA_NUMBER),
    ),
    owner_field=None,
    title_prefix=True,
    number_field="so_hieu",
)

_KHAC = DocTypeSpec(DocType.KHAC, "KHAC", (), (), owner_field=None)

CATALOG: dict[DocType, DocTypeSpec] = {
    s.doc_type: s
    for s in (_CAN_CUOC, _KHAI_SINH, _KET_HON, _TINH_TRANG, _CU_TRU, _LLTP, _TO_KHAI, _QSDD, _HKD,
              _KHAI_TU, _BANG, _KHAC)
}


def _check() -> None:
    """The catalog and the contract list the same fields (run by the tests)."""
    for doc_type, names in DOC_TYPE_FIELDS.items():
        spec = CATALOG[doc_type]
        if set(spec.field_names) != set(names):
            raise AssertionError(f"{doc_type}: catalog {spec.field_names} != contract {names}")


def get_spec(doc_type: DocType) -> DocTypeSpec:
    """The catalog entry of ``doc_type``.

    Args:
        doc_type: any member of :class:`DocType`.

    Returns:
        Its :class:`DocTypeSpec` (``khac`` has no fields).
    """
    return CATALOG[DocType(doc_type)]
