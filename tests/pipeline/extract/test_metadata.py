"""Art. 9 metadata: title, number, issue date, agency, validity and owner, read from the paper."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.extract._metadata import add_months
from schemas.documents import DocType
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

CFG = ExtractSettings(today="2026-01-01")


def test_marital_status_certificate_metadata_with_six_months_validity() -> None:
    lines = ["UBND TỈNH THÁI NGUYÊN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "ỦY BAN NHÂN DÂN\tĐộc lập - Tự do - Hạnh phúc", "XÃ NÀ NHẠN",
             "Số: 149/XNTTHN\tNà Nhạn, ngày 21 tháng 11 năm 2025",
             "^GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
             "1. Họ, chữ đệm và tên: NGÔ CẨM THUỶ", "6. Căn cước công dân số: 019188236923",
             "Giấy này có giá trị 6 tháng kể từ ngày cấp, được sử dụng để: đăng ký kết", "hôn."]
    meta = extract(DocType.TINH_TRANG_HON_NHAN, [page_from_text(lines)], cfg=CFG).metadata
    assert meta.model_dump() == {
        "ma_loai_giay_to": "XNTTHN", "ma_dinh_danh_chu_so_huu": "019188236923",
        "ten_giay_to": "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "so_ky_hieu": "149/XNTTHN", "ngay_cap": "2025-11-21",
        "co_quan_cap": "ỦY BAN NHÂN DÂN XÃ NÀ NHẠN", "trich_yeu": None, "thoi_han_hieu_luc": "2026-05-21",
        "pham_vi_hieu_luc": "đăng ký kết hôn",
    }


def test_residence_confirmation_is_valid_one_year_and_the_issuing_body_is_the_lower_agency() -> None:
    lines = ["CÔNG AN THỊ XÃ CHƠN THÀNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "CÔNG AN PHƯỜNG HOÀNG VĂN THỤ\tĐộc lập - Tự do - Hạnh phúc",
             "Số: 2028/XN\tHoàng Văn Thụ, ngày 24 tháng 6 năm 2023", "^GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"]
    meta = extract(DocType.XAC_NHAN_CU_TRU, [page_from_text(lines)], cfg=CFG).metadata
    assert meta.co_quan_cap == "CÔNG AN PHƯỜNG HOÀNG VĂN THỤ"
    assert (meta.so_ky_hieu, meta.ngay_cap) == ("2028/XN", "2023-06-24")
    assert meta.thoi_han_hieu_luc == "2024-06-24"
    assert meta.ten_giay_to == "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"


def test_garbled_title_is_given_in_the_catalog_spelling() -> None:
    meta = extract(DocType.KHAI_SINH, [page_from_text(["GIAY KHAI SlNH"])], cfg=CFG).metadata
    assert meta.ten_giay_to == "GIẤY KHAI SINH"


def test_land_certificate_takes_its_serial_and_the_agency_of_its_signature() -> None:
    lines = ["^GIẤY CHỨNG NHẬN", "^QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
             "Đồng Nai, ngày 02 tháng 10 năm 2025", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH ĐỒNG NAI", "KT. GIÁM ĐỐC",
             "Phạm Thanh Quốc", "CS 384261"]
    meta = extract(DocType.QSDD, [page_from_text(lines)], cfg=CFG).metadata
    assert meta.ten_giay_to == "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"
    assert (meta.so_ky_hieu, meta.ngay_cap) == ("CS 384261", "2025-10-02")
    assert meta.co_quan_cap == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH ĐỒNG NAI"


def test_household_business_number_and_first_registration_date() -> None:
    lines = ["UBND HUYỆN KRÔNG PẮC\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHÒNG TÀI CHÍNH - KẾ\tĐộc lập - Tự do",
             "HOẠCH", "^GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Mã số hộ kinh doanh: 33F8411084",
             "Đăng ký lần đầu: ngày 18 tháng 05 năm 2016"]
    meta = extract(DocType.HO_KINH_DOANH, [page_from_text(lines)], cfg=CFG).metadata
    assert (meta.so_ky_hieu, meta.ngay_cap, meta.co_quan_cap) == ("33F8411084", "2016-05-18",
                                                                  "PHÒNG TÀI CHÍNH - KẾ HOẠCH")


def test_a_citizen_form_has_no_issue_date_or_agency() -> None:
    lines = ["^TỜ KHAI CĂN CƯỚC", "1. Họ, chữ đệm, tên người yêu cầu: Ngô Anh Trường",
             "3. Căn cước công dân số: 010076004133", "Làm tại Lào Cai, ngày 18 tháng 7 năm 2023"]
    meta = extract(DocType.TO_KHAI, [page_from_text(lines)], cfg=CFG).metadata
    assert (meta.ten_giay_to, meta.ngay_cap, meta.co_quan_cap) == ("TỜ KHAI CĂN CƯỚC", None, None)
    assert meta.ma_dinh_danh_chu_so_huu == "010076004133"


def test_id_card_back_gives_issue_date_and_agency() -> None:
    front = ["^CĂN CƯỚC CÔNG DÂN", "Số: 067160105014", "Có giá trị đến:", "05/12/2020"]
    back = ["Đặc điểm nhân dạng:", "Sẹo chấm C:2cm dưới sau đuôi mắt trái", "Ngày 04 tháng 6 năm 2017",
            "CỤC TRƯỞNG CỤC CẢNH SÁT", "ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ", "Nguyễn Ngọc Tiến"]
    result = extract(DocType.CAN_CUOC, [page_from_text(front), page_from_text(back, number=2)], cfg=CFG)
    assert result.fields["ngay_cap"].value == "2017-06-04"
    assert result.fields["ngay_cap"].page == 2
    meta = result.metadata
    assert (meta.so_ky_hieu, meta.ngay_cap, meta.thoi_han_hieu_luc) == ("067160105014", "2017-06-04", "2020-12-05")
    assert meta.co_quan_cap == "CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ"


def test_unknown_paper_keeps_its_heading_as_title() -> None:
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ĐƠN KHIẾU NẠI", "Kính gửi: UBND xã"]
    assert extract(DocType.KHAC, [page_from_text(lines)], cfg=CFG).metadata.ten_giay_to == "ĐƠN KHIẾU NẠI"


def test_adding_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months("2025-08-31", 6) == "2026-02-28"
    assert add_months("2023-06-24", 12) == "2024-06-24"


def test_card_without_a_readable_title_is_dated_by_its_issue_date() -> None:
    front = ["Họ và tên: LÊ VĂN AN", "Ngày, tháng, năm cấp: 01/08/2024"]
    meta = extract(DocType.CAN_CUOC, [page_from_text(front)], cfg=CFG).metadata
    assert (meta.ten_giay_to, meta.co_quan_cap) == ("CĂN CƯỚC", "BỘ CÔNG AN")


def test_an_official_letter_without_a_type_name_is_a_cong_van() -> None:
    lines = ["UBND HUYỆN AN DƯƠNG\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 667/UBND-VP", "V/v bổ nhiệm cán bộ",
             "Kính gửi: Ủy ban nhân dân các xã, phường"]
    meta = extract(DocType.KHAC, [page_from_text(lines)], cfg=CFG).metadata
    assert (meta.ten_giay_to, meta.trich_yeu, meta.so_ky_hieu) == ("CÔNG VĂN", "V/v bổ nhiệm cán bộ", "667/UBND-VP")


def test_the_registration_place_completes_a_header_that_lost_its_last_row() -> None:
    lines = ["UBND HUYỆN GIỒNG TRÔM\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ỦY BAN NHÂN DÂN XÃ KIM\tĐộc lập",
             "Số: 175", "^GIẤY CHỨNG NHẬN KẾT HÔN", "Nơi đăng ký kết hôn: ỦY BAN NHÂN DÂN XÃ KIM LIÊN"]
    meta = extract(DocType.KET_HON, [page_from_text(lines)], cfg=CFG).metadata
    assert meta.co_quan_cap == "ỦY BAN NHÂN DÂN XÃ KIM LIÊN"


def test_header_agency_words_are_repaired_and_kept_in_capitals() -> None:
    lines = ["SỞ Y tế\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "^GIẤY KHAI SINH"]
    assert extract(DocType.KHAI_SINH, [page_from_text(lines)], cfg=CFG).metadata.co_quan_cap == "SỞ Y TẾ"


@pytest.mark.parametrize(("printed", "issued", "agency"), [
    ("CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI T", "10/10/2021",
     "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"),
    ("Nguyễn Văn A", "28/01/2019", "CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ"),
])
def test_card_issuer_is_snapped_to_the_known_wording_or_told_by_the_issue_date(printed: str, issued: str,
                                                                                agency: str) -> None:
    back = ["Đặc điểm nhân dạng: sẹo", f"Ngày, tháng, năm / Date, month, year: {issued}", printed]
    meta = extract(DocType.CAN_CUOC, [page_from_text(back)], cfg=CFG).metadata
    assert meta.co_quan_cap == agency


def test_land_certificate_serial_may_stand_on_the_second_page() -> None:
    pages = [page_from_text(["^GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", "a) Thửa đất số: 432"]),
             page_from_text(["AA 583181", "Số vào sổ cấp GCN: VP02869"], number=2)]
    assert extract(DocType.QSDD, pages, cfg=CFG).metadata.so_ky_hieu == "AA 583181"


def test_unknown_paper_title_is_spelled_as_its_type_name_and_an_agency_row_is_no_title() -> None:
    lines = ["ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHƯỜNG KHƯƠNG MAI", "THONG BAO",
             "Về việc lịch tiếp công dân"]
    meta = extract(DocType.KHAC, [page_from_text(lines)], cfg=CFG).metadata
    assert (meta.ten_giay_to, meta.co_quan_cap) == ("THÔNG BÁO", "ỦY BAN NHÂN DÂN PHƯỜNG KHƯƠNG MAI")
    assert meta.trich_yeu == "Về việc lịch tiếp công dân"


@pytest.mark.parametrize(
    ("lines", "subject"),
    [(["V/V: hỗ trợ hộ nghèo, hộ cận", "nghèo trên địa bàn xã"], "V/v hỗ trợ hộ nghèo, hộ cận nghèo trên địa bàn xã"),
     (["Vív tăng cường phòng chống thiên tai"], "V/v tăng cường phòng chống thiên tai"),
     (["Về việc kiểm tra an toàn vệ sinh thực phẩm", "Kính gửi: các phòng, ban"],
      "Về việc kiểm tra an toàn vệ sinh thực phẩm"),
     (["Trích yếu: Báo cáo kết quả thu ngân sách quý I"], "Báo cáo kết quả thu ngân sách quý I")],
    ids=["wrapped-v-v", "ocr-v-v", "ve-viec", "labelled"],
)
def test_the_subject_line_in_its_forms_with_its_wrapped_rest(lines: list[str], subject: str) -> None:
    page = page_from_text(["UBND HUYỆN AN DƯƠNG", "Số: 667/UBND-VP", *lines])
    assert extract(DocType.KHAC, [page], cfg=CFG).metadata.trich_yeu == subject


@pytest.mark.parametrize(
    ("line", "scope"),
    [("Giấy này có giá trị 6 tháng kể từ ngày cấp, được sử dụng để bổ sung hồ", "bổ sung hồ Sơ vay vốn ngân hàng"),
     ("Phạm vi sử dụng: trong phạm vi cả nước.", "trong phạm vi cả nước"),
     ("Giấy xác nhận có giá trị trong phạm vi tỉnh Bắc Ninh.", "trong phạm vi tỉnh Bắc Ninh")],
    ids=["purpose-wrapped-onto-a-short-line", "labelled-area", "stated-area"],
)
def test_the_scope_of_use_is_the_stated_purpose_or_area(line: str, scope: str) -> None:
    page = page_from_text(["^GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", line, "Sơ vay vốn ngân hàng.", "CÔNG CHỨC TƯ PHÁP"])
    assert extract(DocType.TINH_TRANG_HON_NHAN, [page], cfg=CFG).metadata.pham_vi_hieu_luc == scope
