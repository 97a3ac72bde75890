"""Label variants and layouts: bilingual, numbered, next line, two per line, leaders, OCR damage."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from schemas.documents import DocType
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

CFG = ExtractSettings(today="2025-06-01")


def _fields(doc_type: DocType, lines: list[str]) -> dict[str, str | None]:
    return {k: v.value for k, v in extract(doc_type, [page_from_text(lines)], cfg=CFG).fields.items()}


@pytest.mark.parametrize(
    "line",
    ["Họ, chữ đệm, tên: NGUYỄN VĂN AN", "Họ và tên: Nguyễn Văn An", "Họ tên: NGUYỄN VĂN AN",
     "1. Họ, chữ đệm và tên: NGUYỄN VĂN AN", "Họ và tên / Full name: NGUYỄN VĂN AN",
     "Ho va ten: NGUYỄN VĂN AN", "Họ vả tẻn: NGUYỄN VĂN AN", "Họ, chữ đệm, tên: ……… NGUYỄN VĂN AN ………",
     "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An"],
)
def test_every_name_label_variant_and_ocr_damage(line: str) -> None:
    assert _fields(DocType.TO_KHAI, [line])["ho_ten"] == "Nguyễn Văn An"


@pytest.mark.parametrize(
    "line",
    ["Ngày, tháng, năm sinh: 05/03/1990", "Ngày sinh: 05-03-1990", "Sinh ngày: 05.03.1990",
     "Ngày sinh / Date of birth: 05/03/1990", "Ngày sinh: ngày 05 tháng 3 năm 1990", "Ngay thang nam sinh: 05/03/1990",
     "2. Ngày, tháng, năm sinh: 0 5/03/1990"],
)
def test_every_birth_label_and_date_form(line: str) -> None:
    assert _fields(DocType.TO_KHAI, [line])["ngay_sinh"] == "1990-03-05"


@pytest.mark.parametrize(
    "line",
    ["Số định danh cá nhân: 001090012345", "Số CCCD: 001090012345", "CCCD số: 001090012345",
     "Căn cước công dân số: 001090012345", "Số căn cước: 001090 012345"],
)
def test_every_id_label(line: str) -> None:
    assert _fields(DocType.TO_KHAI, [line])["so_dinh_danh"] == "001090012345"


def test_label_on_one_line_and_value_on_the_next() -> None:
    got = _fields(DocType.TO_KHAI, ["Họ và tên:", "NGUYỄN VĂN AN", "Ngày sinh:", "05/03/1990"])
    assert (got["ho_ten"], got["ngay_sinh"]) == ("Nguyễn Văn An", "1990-03-05")


def test_two_fields_on_one_line() -> None:
    got = _fields(DocType.XAC_NHAN_CU_TRU, ["Ngày sinh: 05/03/1990   Giới tính: Nam   Dân tộc: Kinh"])
    assert (got["ngay_sinh"], got["gioi_tinh"]) == ("1990-03-05", "Nam")


def test_wrapped_address_is_joined_and_a_sentence_after_it_is_not() -> None:
    lines = ["Nơi thường trú: Số 154, ngõ 155, đường Hoàng Quốc Việt, phường Nghĩa Đô, quận",
             "Cầu Giấy, thành phố Hà Nội",
             "Giấy xác nhận có giá trị sử dụng 01 năm kể từ ngày cấp."]
    got = _fields(DocType.XAC_NHAN_CU_TRU, lines)
    assert got["noi_thuong_tru"] == ("Số 154, ngõ 155, đường Hoàng Quốc Việt, phường Nghĩa Đô, quận Cầu Giấy, "
                                     "thành phố Hà Nội")


def test_a_label_word_inside_a_value_does_not_cut_it() -> None:
    got = _fields(DocType.LY_LICH_TU_PHAP, ["Tình trạng án tích: Không có án tích"])
    assert got["tinh_trang_an_tich"] == "Không có án tích"


def test_title_words_are_not_taken_for_a_label() -> None:
    got = _fields(DocType.TINH_TRANG_HON_NHAN, ["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "XÁC NHẬN:",
                                                 "Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai"])
    assert got["tinh_trang_hon_nhan"] == "Chưa đăng ký kết hôn với ai"


def test_husband_and_wife_columns_with_one_label_per_row() -> None:
    lines = ["Thông tin người chồng\tThông tin người vợ", "Họ tên: NGÔ NGỌC QUANG\tNGUYỄN QUỲNH THUÝ", "ĐIỆP",
             "Ngày sinh: 08/06/1958\t06/04/1988"]
    got = _fields(DocType.KET_HON, lines)
    assert got == {"ho_ten_chong": "Ngô Ngọc Quang Điệp", "ho_ten_vo": "Nguyễn Quỳnh Thuý",
                   "ngay_sinh_chong": "1958-06-08", "ngay_sinh_vo": "1988-04-06"}


def test_ocr_garbage_after_an_address_is_cut() -> None:
    got = _fields(DocType.XAC_NHAN_CU_TRU, ["Nơi thường trú: Thôn 4, Xã Thủy Xuân, Tỉnh Đắk Nông IbU 5p, TS TC Di"])
    assert got["noi_thuong_tru"] == "Thôn 4, Xã Thủy Xuân, Tỉnh Đắk Nông"


def test_name_diacritics_are_restored_and_flagged() -> None:
    result = extract(DocType.TO_KHAI, [page_from_text(["Họ và tên: NGUYÊN THI HOA"])], cfg=CFG)
    assert result.fields["ho_ten"].value == "Nguyễn Thị Hoa"
    assert "lexicon_corrected" in result.fields["ho_ten"].flags


def test_id_disagreeing_with_birth_and_sex_is_flagged_and_kept() -> None:
    lines = ["Họ và tên: Nguyễn Văn An", "Ngày sinh: 05/03/1991", "Giới tính: Nữ", "Số định danh cá nhân: 001090012345"]
    result = extract(DocType.XAC_NHAN_CU_TRU, [page_from_text(lines)], cfg=CFG)
    number = result.fields["so_dinh_danh"]
    assert number.value == "001090012345"
    assert {"id_birth_year_mismatch", "id_sex_mismatch"} <= set(number.flags)


def test_fields_on_two_pages_keep_their_page_numbers() -> None:
    pages = [page_from_text(["Họ và tên: Nguyễn Văn An"], number=1),
             page_from_text(["Số định danh cá nhân: 001090012345"], number=2)]
    result = extract(DocType.TO_KHAI, pages, cfg=CFG)
    assert (result.fields["ho_ten"].page, result.fields["so_dinh_danh"].page) == (1, 2)


@pytest.mark.parametrize(
    ("second", "expected"),
    [("Thị xã Duy Tiên, Tỉnh Hà Nam", "Phường An Phú, Thị xã Duy Tiên, Tỉnh Hà Nam"),
     ("- Tháp Chàm, tỉnh Ninh Thuận", "Phường An Phú, thành phố Phan Rang - Tháp Chàm, tỉnh Ninh Thuận"),
     ("Trong thời gian cư trú tại Phường 1 từ ngày 17/11/2009", "Phường An Phú")],
    ids=["unit-word", "hyphen", "sentence"],
)
def test_an_address_goes_on_where_the_next_line_carries_it_on(second: str, expected: str) -> None:
    first = "Phường An Phú, thành phố Phan Rang" if second.startswith("-") else "Phường An Phú"
    got = _fields(DocType.TINH_TRANG_HON_NHAN, [f"Nơi cư trú: {first}", second])
    assert got["noi_cu_tru"] == expected


def test_unrecognized_english_half_of_a_bilingual_label_is_skipped() -> None:
    got = _fields(DocType.CAN_CUOC, ["Quốc tịch/Natlonallty: Việt Nam"])
    assert got["quoc_tich"] == "Việt Nam"


def test_a_value_stops_at_a_wide_gap_on_its_row() -> None:
    got = _fields(DocType.TO_KHAI, ["Họ và tên: NGUYỄN VĂN AN            TRẦN THỊ BÌNH"])
    assert got["ho_ten"] == "Nguyễn Văn An"


def test_a_qualifier_after_a_generic_label_picks_the_parent() -> None:
    lines = ["Họ và tên: TRẦN MINH KHÔI", "Họ tên người mẹ: Phan Thanh Hoa", "Họ tên người cha: Đặng Trung Duẩn"]
    got = _fields(DocType.KHAI_SINH, lines)
    assert (got["ho_ten"], got["ho_ten_me"], got["ho_ten_cha"]) == ("Trần Minh Khôi", "Phan Thanh Hoa",
                                                                     "Đặng Trung Duẩn")


def test_a_list_number_glued_to_its_label_is_split_off() -> None:
    got = _fields(DocType.KHAI_TU, ["2.Ngàysinh: 12/12/1954"])
    assert got["ngay_sinh"] == "1954-12-12"


def test_a_number_is_read_from_the_next_row_when_the_labelled_row_holds_garbage() -> None:
    got = _fields(DocType.TO_KHAI, ["Số định danh cá nhân: cá nhà Cả", "001090012345"])
    assert got["so_dinh_danh"] == "001090012345"


def test_the_household_head_on_a_residence_confirmation_is_not_the_person() -> None:
    lines = ["9. Họ, chữ đệm và tên chủ hộ: TRẦN VĂN BA", "Quan hệ với chủ hộ: Con"]
    assert "ho_ten" not in _fields(DocType.XAC_NHAN_CU_TRU, lines)
