"""Every document type: fields read from its printed labels, in the layouts real papers use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import extract
from schemas.documents import DOC_TYPE_FIELDS, DocType
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

CFG = ExtractSettings(today="2025-06-01")
HEADER = ["UBND XÃ AN BÌNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "\tĐộc lập - Tự do - Hạnh phúc",
          "Số: 125/2023/TP\tAn Bình, ngày 05 tháng 3 năm 2023"]

CASES: dict[DocType, tuple[list[str], dict[str, str]]] = {
    DocType.KHAI_SINH: (
        [*HEADER, "^GIẤY KHAI SINH",
         "Họ, chữ đệm, tên: TRẦN MINH KHÔI",
         "Ngày, tháng, năm sinh: 12/08/2019   ghi bằng chữ: Mười hai tháng tám năm hai nghìn mười chín",
         "Giới tính: Nam   Dân tộc: Kinh   Quốc tịch: Việt Nam",
         "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
         "Quê quán: Xã Đông Hải, Huyện Quỳnh Phụ, Tỉnh Thái Bình",
         "Số định danh cá nhân: 034219001234",
         "Họ, chữ đệm, tên người mẹ: LÊ THỊ HOA",
         "Họ, chữ đệm, tên người cha: TRẦN VĂN NAM",
         "Ngày, tháng, năm đăng ký: 20/08/2019"],
        {"ho_ten": "Trần Minh Khôi", "ngay_sinh": "2019-08-12", "gioi_tinh": "Nam", "dan_toc": "Kinh",
         "quoc_tich": "Việt Nam", "noi_sinh": "Bệnh viện Phụ sản Hà Nội",
         "que_quan": "Xã Đông Hải, Huyện Quỳnh Phụ, Tỉnh Thái Bình", "so_dinh_danh": "034219001234",
         "ho_ten_me": "Lê Thị Hoa", "ho_ten_cha": "Trần Văn Nam", "ngay_dang_ky": "2019-08-20"},
    ),
    DocType.KET_HON: (
        [*HEADER, "^GIẤY CHỨNG NHẬN KẾT HÔN",
         "Thông tin người chồng\tThông tin người vợ",
         "Họ, chữ đệm, tên: PHẠM QUỐC BẢO\tHọ, chữ đệm, tên: ĐỖ THỊ MAI",
         "Ngày, tháng, năm sinh: 01/02/1992\tNgày, tháng, năm sinh: 15/11/1994",
         "Số định danh cá nhân: 001092004567\tSố định danh cá nhân: 001194007654",
         "Ngày, tháng, năm đăng ký kết hôn: ngày 14 tháng 2 năm 2020"],
        {"ho_ten_chong": "Phạm Quốc Bảo", "ngay_sinh_chong": "1992-02-01", "so_dinh_danh_chong": "001092004567",
         "ho_ten_vo": "Đỗ Thị Mai", "ngay_sinh_vo": "1994-11-15", "so_dinh_danh_vo": "001194007654",
         "ngay_dang_ky": "2020-02-14"},
    ),
    DocType.TINH_TRANG_HON_NHAN: (
        [*HEADER, "^GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "XÁC NHẬN:",
         "Họ, chữ đệm, tên: Nguyễn Thị Ngọc Diễm",
         "Ngày, tháng, năm sinh: 05/03/1990",
         "Giới tính: Nữ   Dân tộc: Kinh   Quốc tịch: Việt Nam",
         "Giấy tờ tùy thân: CCCD số 001190012345",
         "Nơi cư trú: Số 12, ngõ 34 phố Trần Duy Hưng, Phường Trung Hòa, Quận Cầu Giấy, Thành phố Hà Nội",
         "Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai.",
         "Giấy này được cấp để: làm thủ tục đăng ký kết hôn"],
        {"ho_ten": "Nguyễn Thị Ngọc Diễm", "ngay_sinh": "1990-03-05", "gioi_tinh": "Nữ",
         "so_dinh_danh": "001190012345",
         "noi_cu_tru": "Số 12, ngõ 34 phố Trần Duy Hưng, Phường Trung Hòa, Quận Cầu Giấy, Thành phố Hà Nội",
         "tinh_trang_hon_nhan": "Chưa đăng ký kết hôn với ai"},
    ),
    DocType.XAC_NHAN_CU_TRU: (
        ["CÔNG AN XÃ AN BÌNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "\tĐộc lập - Tự do - Hạnh phúc",
         "Số: 88/XN", "^XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
         "1. Họ, chữ đệm và tên: HOÀNG ĐỨC THẮNG",
         "2. Ngày, tháng, năm sinh: 23/07/1985   3. Giới tính: Nam",
         "4. Số định danh cá nhân: 0 3 6 0 8 5 0 0 9 8 7 6",
         "5. Nơi thường trú: Thôn 3, Xã Hải Hậu, Tỉnh Nam Định",
         "An Bình, ngày 02 tháng 01 năm 2024"],
        {"ho_ten": "Hoàng Đức Thắng", "ngay_sinh": "1985-07-23", "gioi_tinh": "Nam",
         "so_dinh_danh": "036085009876", "noi_thuong_tru": "Thôn 3, Xã Hải Hậu, Tỉnh Nam Định"},
    ),
    DocType.LY_LICH_TU_PHAP: (
        ["SỞ TƯ PHÁP TỈNH BẮC NINH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 1234/LLTP",
         "^PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1",
         "1. Họ và tên: Vũ Thị Lan   2. Giới tính: Nữ",
         "3. Ngày, tháng, năm sinh: 09/09/1996",
         "4. Nơi sinh: Bắc Ninh   5. Quốc tịch: Việt Nam",
         "6. Nơi cư trú: Phường Đại Phúc, Thành phố Bắc Ninh, Tỉnh Bắc Ninh",
         "7. Số định danh cá nhân: 027196003210",
         "8. Tình trạng án tích: Không có án tích"],
        {"ho_ten": "Vũ Thị Lan", "gioi_tinh": "Nữ", "ngay_sinh": "1996-09-09", "so_dinh_danh": "027196003210",
         "noi_cu_tru": "Phường Đại Phúc, Thành phố Bắc Ninh, Tỉnh Bắc Ninh",
         "tinh_trang_an_tich": "Không có án tích"},
    ),
    DocType.TO_KHAI: (
        ["\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "^TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
         "Kính gửi: Công an xã An Bình",
         "1. Họ, chữ đệm và tên: ……………… ĐẶNG VĂN HÙNG ………………",
         "2. Ngày, tháng, năm sinh: ……… 11/11/1979 ……… 3. Giới tính: Nam",
         "4. Số định danh cá nhân:",
         "0 0 1 0 7 9 0 0 5 5 5 5",
         "5. Số điện thoại liên hệ: 0912 345 678   6. Email: ……",
         "7. Nơi cư trú: Số 5 ngõ 10 phố Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội"],
        {"ho_ten": "Đặng Văn Hùng", "ngay_sinh": "1979-11-11", "so_dinh_danh": "001079005555",
         "so_dien_thoai": "0912345678",
         "noi_cu_tru": "Số 5 ngõ 10 phố Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội"},
    ),
    DocType.QSDD: (
        ["^GIẤY CHỨNG NHẬN", "^QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
         "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
         "Ông: NGÔ VĂN TÀI   Năm sinh: 1970   CCCD số: 001070001111",
         "Địa chỉ thường trú: Xã Yên Phụ, Huyện Yên Phong, Tỉnh Bắc Ninh",
         "2. Thông tin thửa đất:",
         "a) Thửa đất số: 125   b) Tờ bản đồ số: 17",
         "c) Địa chỉ: Thôn Đông, Xã Yên Phụ, Huyện Yên Phong, Tỉnh Bắc Ninh",
         "d) Diện tích: 1.234,5 m²",
         "đ) Mục đích sử dụng: Đất ở tại nông thôn"],
        {"ho_ten": "Ngô Văn Tài", "so_dinh_danh": "001070001111", "thua_dat_so": "125", "to_ban_do_so": "17",
         "dia_chi_thua_dat": "Thôn Đông, Xã Yên Phụ, Huyện Yên Phong, Tỉnh Bắc Ninh", "dien_tich": "1234.5",
         "muc_dich_su_dung": "Đất ở tại nông thôn"},
    ),
    DocType.HO_KINH_DOANH: (
        ["UBND QUẬN CẦU GIẤY\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
         "^GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
         "Mã số hộ kinh doanh: 01A8012345",
         "1. Tên hộ kinh doanh (ghi bằng chữ in hoa): CỬA HÀNG TẠP HÓA MINH ANH",
         "2. Địa điểm kinh doanh: Số 8 phố Dịch Vọng, Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội",
         "3. Ngành, nghề kinh doanh: Bán lẻ thực phẩm",
         "4. Vốn kinh doanh: 150.000.000 đồng",
         "5. Họ và tên chủ hộ: LÝ THỊ MINH ANH",
         "Ngày sinh: 03/04/1988   Số định danh cá nhân: 001188002222"],
        {"ma_so_ho_kinh_doanh": "01A8012345", "ten_ho_kinh_doanh": "CỬA HÀNG TẠP HÓA MINH ANH",
         "dia_diem_kinh_doanh": "Số 8 phố Dịch Vọng, Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội",
         "nganh_nghe": "Bán lẻ thực phẩm", "von_kinh_doanh": "150000000", "ho_ten": "Lý Thị Minh Anh",
         "ngay_sinh": "1988-04-03", "so_dinh_danh": "001188002222"},
    ),
    DocType.KHAI_TU: (
        [*HEADER, "^TRÍCH LỤC KHAI TỬ",
         "Họ, chữ đệm, tên: BÙI VĂN LỘC",
         "Ngày, tháng, năm sinh: 02/02/1940   Giới tính: Nam",
         "Số định danh cá nhân: 037040000321",
         "Đã chết vào lúc: 14 giờ 20 phút, ngày 07 tháng 11 năm 2023",
         "Nơi chết: Tại nhà, Thôn Bắc, Xã Gia Trung, Huyện Gia Viễn, Tỉnh Ninh Bình",
         "Nguyên nhân chết: Bệnh già"],
        {"ho_ten": "Bùi Văn Lộc", "ngay_sinh": "1940-02-02", "gioi_tinh": "Nam", "so_dinh_danh": "037040000321",
         "ngay_chet": "2023-11-07", "noi_chet": "Tại nhà, Thôn Bắc, Xã Gia Trung, Huyện Gia Viễn, Tỉnh Ninh Bình"},
    ),
    DocType.BANG_TOT_NGHIEP: (
        ["^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "^BẰNG TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG",
         "Cho: Đinh Thị Thu Trang",
         "Ngày sinh: 30/04/2004",
         "Nơi sinh: Nghệ An",
         "Năm tốt nghiệp: 2022",
         "Số hiệu: B 0123456   Số vào sổ cấp bằng: 456/2022"],
        {"ho_ten": "Đinh Thị Thu Trang", "ngay_sinh": "2004-04-30", "noi_sinh": "Nghệ An",
         "nam_tot_nghiep": "2022", "so_hieu": "B 0123456"},
    ),
    DocType.CAN_CUOC: (
        ["^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "^Độc lập - Tự do - Hạnh phúc", "^CĂN CƯỚC",
         "^IDENTITY CARD",
         "Số định danh cá nhân / Personal identification number:", "079305001234",
         "Họ, chữ đệm và tên khai sinh / Full name:", "LÂM NGỌC HÂN",
         "Ngày, tháng, năm sinh / Date of birth: 21/06/2005",
         "Giới tính / Sex: Nữ   Quốc tịch / Nationality: Việt Nam",
         "Nơi cư trú / Place of residence: Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
         "Nơi đăng ký khai sinh / Place of birth: Thành phố Hồ Chí Minh",
         "Ngày, tháng, năm cấp / Date of issue: 01/08/2024",
         "Ngày, tháng, năm hết hạn / Date of expiry: 21/06/2030"],
        {"so_dinh_danh": "079305001234", "ho_ten": "Lâm Ngọc Hân", "ngay_sinh": "2005-06-21", "gioi_tinh": "Nữ",
         "quoc_tich": "Việt Nam", "noi_cu_tru": "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
         "noi_dang_ky_khai_sinh": "Thành phố Hồ Chí Minh", "ngay_cap": "2024-08-01",
         "co_gia_tri_den": "2030-06-21"},
    ),
}


def test_every_type_but_khac_has_a_case() -> None:
    assert set(CASES) == set(DocType) - {DocType.KHAC}


@pytest.mark.parametrize("doc_type", list(CASES), ids=str)
def test_fields_of_each_type_are_read_from_their_labels(doc_type: DocType) -> None:
    lines, expected = CASES[doc_type]
    result = extract(doc_type, [page_from_text(lines)], cfg=CFG)
    got = {k: v.value for k, v in result.fields.items()}
    assert got == expected
    assert set(got) <= set(DOC_TYPE_FIELDS[doc_type])


@pytest.mark.parametrize("doc_type", list(CASES), ids=str)
def test_each_value_carries_its_page_box_and_a_confidence(doc_type: DocType) -> None:
    lines, _ = CASES[doc_type]
    result = extract(doc_type, [page_from_text(lines, number=3, conf=0.8)], cfg=CFG)
    for fv in result.fields.values():
        assert fv.page == 3
        assert fv.bbox is not None and fv.bbox.x1 > fv.bbox.x0
        assert 0.0 < fv.confidence <= 0.8


def test_khac_has_no_fields_but_keeps_its_metadata_code() -> None:
    result = extract(DocType.KHAC, [page_from_text(["QUYẾT ĐỊNH", "Họ và tên: Nguyễn Văn An"])], cfg=CFG)
    assert result.fields == {}
    assert result.metadata.ma_loai_giay_to == "KHAC"


_PIECES = ["Họ và tên:", "Ngày sinh:", "Số:", "Nơi cư trú:", "NGUYỄN", "12/03/1990", "001090012345", "…", "/", ":",
           "Thông tin người chồng", "Thông tin người vợ", "I<VNM", "<<<", "Phường 1,", "ngày 5 tháng", "2.Ngày", "-",
           "Giới tính/Sex:", "CĂN CƯỚC", "GIẤY KHAI SINH", "Đăng ký lần đầu:", "x", "(ghi", "rõ):"]


@given(st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map(" ".join), max_size=14),
       st.sampled_from(list(DocType)))
@settings(max_examples=150, deadline=None)
def test_extraction_never_fails_on_arbitrary_text(lines: list[str], doc_type: DocType) -> None:
    result = extract(doc_type, [page_from_text(lines)], cfg=CFG)
    assert set(result.fields) <= set(DOC_TYPE_FIELDS[doc_type])
