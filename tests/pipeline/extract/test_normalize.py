"""Value grammars: every printed form of a value comes out normalized as DESIGN.md says."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import _dates as dates
from pipeline.extract import _normalize as norm
from pipeline.extract._cleanup import clean_text, fix_units


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("05/03/1990", "1990-03-05"),
        ("5-3-1990", "1990-03-05"),
        ("05.03.1990", "1990-03-05"),
        ("ngày 05 tháng 3 năm 1990", "1990-03-05"),
        ("Ngày 5 tháng 03 năm 1990", "1990-03-05"),
        ("ngay 05 thang 3 nam 1990", "1990-03-05"),
        ("0 5/03/19 90", "1990-03-05"),
        ("O5/O3/199O", "1990-03-05"),
        ("05 / 03 / 1990 ……", "1990-03-05"),
        ("05031990", "1990-03-05"),
        ("10 giờ 30 phút, ngày 07 tháng 11 năm 2023", "2023-11-07"),
        ("3†/01/2033", "2033-01-31"),
        ("07:04:1979", "1979-04-07"),
    ],
)
def test_every_printed_date_form_becomes_iso(printed: str, iso: str) -> None:
    assert dates.parse_date(printed) == (iso, ())


def test_a_day_that_does_not_exist_is_flagged_not_invented() -> None:
    assert dates.parse_date("31/02/1990") == (None, ("invalid_date",))


def test_a_bare_year_is_no_date_and_is_flagged() -> None:
    assert dates.parse_date("1970") == (None, ("year_only",))


def test_upper_case_name_becomes_title_case_with_diacritics() -> None:
    assert norm.parse_name("NGUYỄN VĂN AN", lexicon=False) == ("Nguyễn Văn An", ())


def test_name_stops_at_noise_after_the_words() -> None:
    assert norm.parse_name("TRẦN THỊ BÌNH 12/3", lexicon=False)[0] == "Trần Thị Bình"


def test_decomposed_unicode_name_comes_out_nfc() -> None:
    value, _ = norm.parse_name("Nguye\u0302\u0303n Va\u0306n An", lexicon=False)
    assert value == "Nguyễn Văn An"


@pytest.mark.parametrize(("printed", "sex"), [("Nam", "Nam"), ("NỮ", "Nữ"), ("Nu", "Nữ"), ("Nữ / Female", "Nữ"),
                                              ("M", "Nam"), ("Nưứ", "Nữ"), ("", None)])
def test_sex_is_nam_or_nu(printed: str, sex: str | None) -> None:
    assert norm.parse_sex(printed)[0] == sex


@pytest.mark.parametrize(
    ("printed", "number"),
    [("001090012345", "001090012345"), ("0010 9001 2345", "001090012345"), ("O01O9OO12345", "001090012345"),
     ("0 0 1 0 9 0 0 1 2 3 4 5", "001090012345"), ("001.090.012.345", "001090012345")],
)
def test_id_number_is_twelve_digits_however_printed(printed: str, number: str) -> None:
    assert norm.parse_id_number(printed) == (number, ())


def test_nine_digit_cmnd_only_where_allowed() -> None:
    assert norm.parse_id_number("012345678") == (None, ("invalid_id_length",))
    assert norm.parse_id_number("012345678", allow_cmnd=True) == ("012345678", ("cmnd",))


@pytest.mark.parametrize(("printed", "value"), [("1.500.000.000 đồng", "1500000000"), ("500 triệu đồng", "500000000"),
                                                ("20.000.000đ", "20000000"), ("2 tỷ đồng", "2000000000")])
def test_money_is_an_integer_string_of_dong(printed: str, value: str) -> None:
    assert norm.parse_money(printed)[0] == value


@pytest.mark.parametrize(("printed", "value"), [("1.234,5 m²", "1234.5"), ("120,50 m2", "120.5"), ("85 m2", "85"),
                                                ("1.250 m2", "1250"), ("96.4", "96.4")])
def test_numbers_use_a_dot_and_no_thousands_separator(printed: str, value: str) -> None:
    assert norm.parse_number(printed)[0] == value


def test_phone_keeps_digits_only() -> None:
    assert norm.parse_phone("0912.345.678")[0] == "0912345678"
    assert norm.parse_phone("+84 912 345 678")[0] == "0912345678"


def test_nationality_is_restored_from_ocr_damage() -> None:
    assert norm.parse_nationality("VIET NAM")[0] == "Việt Nam"
    assert norm.parse_nationality("Việt Nam ……")[0] == "Việt Nam"


def test_ethnicity_spelled_as_the_official_list() -> None:
    assert norm.parse_ethnicity("KINH")[0] == "Kinh"
    assert norm.parse_ethnicity("Tay")[0] == "Tày"


def test_dotted_leaders_and_edge_punctuation_are_removed() -> None:
    assert clean_text(": ……Số 12 phố Huế……. ") == "Số 12 phố Huế"


def test_code_keeps_letters_digits_and_slashes() -> None:
    assert norm.parse_code("01A8001234 (cấp lần đầu)")[0] == "01A8001234"
    assert norm.parse_code("QH 0012345")[0] == "QH 0012345"


def test_place_loses_ocr_specks_and_gets_unit_words_back() -> None:
    assert norm.parse_place("Xóm 6. xã Tiên Phong, Tinh Ninh Bình", lexicon=False)[0] == (
        "Xóm 6, xã Tiên Phong, Tỉnh Ninh Bình")
    assert norm.parse_place("Phường An Phú, + Thị xã Duy Tiên", lexicon=False)[0] == "Phường An Phú, Thị xã Duy Tiên"
    assert norm.parse_place("tỉnh Bình Dương -- -:- Sàn ren", lexicon=False)[0] == "tỉnh Bình Dương"
    assert norm.parse_place("Tỉnh Đắk. Nông", lexicon=False)[0] == "Tỉnh Đắk Nông"


def test_upper_case_text_value_ends_where_lower_case_noise_begins() -> None:
    assert norm.parse_text("TIỆM TÓC MINH LỤA to bi VU")[0] == "TIỆM TÓC MINH LỤA"
    assert norm.parse_text("TIỆM TÓC MINH LỤA 22222")[0] == "TIỆM TÓC MINH LỤA"


@pytest.mark.parametrize(("printed", "iso"), [("ngày II thông 01 nôm 2025", "2025-01-11"),
                                             ("ngày 04 tháng S8 năm 2017", "2017-08-04")])
def test_garbled_date_words_and_a_speck_before_the_month(printed: str, iso: str) -> None:
    assert dates.parse_date(printed)[0] == iso


def test_agency_words_are_repaired_but_place_names_are_not_turned_into_other_words() -> None:
    from pipeline.extract._cleanup import fix_agency

    assert fix_agency("ỦY BẠN NHÂN DẪN PHƯỜNG 1") == "ỦY BAN NHÂN DÂN PHƯỜNG 1"
    assert norm.parse_place("tỉnh Bình Dương", lexicon=False)[0] == "tỉnh Bình Dương"
    assert norm.parse_place("Bênh viên Đa khoa tính Lạng Sơn", lexicon=False)[0] == "Bệnh viện Đa khoa tỉnh Lạng Sơn"


_CHARS = list("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẠẢÃĂẮẰẲẴẶÂẤẦẨẪẬĐÊỀỆƠỜỢƯỨỪ0123456789 ,.:/-<|()…")


@given(st.text(alphabet=st.sampled_from(_CHARS)))
@settings(max_examples=300, deadline=None)
def test_no_parser_raises_on_any_text(text: str) -> None:
    for parse in (dates.parse_date, norm.parse_name, norm.parse_sex, norm.parse_id_number, norm.parse_place,
                  norm.parse_text, norm.parse_nationality, norm.parse_ethnicity, norm.parse_money, norm.parse_number,
                  norm.parse_integer, norm.parse_code, norm.parse_phone, norm.parse_year):
        value, flags = parse(text)
        assert value is None or isinstance(value, str)
        assert isinstance(flags, tuple)


@pytest.mark.parametrize(
    ("printed", "iso"),
    [("210711965", "1965-07-21"), ("21/07I2025", "2025-07-21"), ("01/0212023", "2023-02-01"),
     ("22.101993", "1993-10-22"), ("05:08 2024", "2024-08-05")],
)
def test_a_date_whose_separator_ocr_lost_or_read_as_a_digit_is_repaired_and_flagged(printed: str, iso: str) -> None:
    assert dates.parse_date(printed) == (iso, (dates.DATE_REPAIRED,))


def test_digits_that_read_as_no_single_date_stay_unread() -> None:
    assert dates.parse_date("12345678901")[0] is None


@pytest.mark.parametrize(
    ("printed", "fixed"),
    [("Ấp 9, Tịnh Khê, Bắc Quang, Hà Giang", "Ấp 9, Tịnh Khê, Bắc Quang, Hà Giang"),
     ("Xóm 4, xả Mỹ Hòa, huyện Hữu Lũng, tính Lạng Sơn", "Xóm 4, xã Mỹ Hòa, huyện Hữu Lũng, tỉnh Lạng Sơn"),
     ("Trạm Y tế Phường 7", "Trạm Y tế Phường 7"),
     ("Số nhà 98 Phố Huỳnh Thúc Kháng", "Số nhà 98, Phố Huỳnh Thúc Kháng"),
     ("I09, Ngõ 213", "109, Ngõ 213"),
     ("Thỏn Thượng, Hoằng Quỳ", "Thôn Thượng, Hoằng Quỳ")],
    ids=["commune-named-like-a-unit", "unit-before-a-known-place", "institution-of-a-ward", "comma-after-number",
         "one-read-as-i", "village-unit-first"],
)
def test_address_words_are_repaired_only_where_they_are_units(printed: str, fixed: str) -> None:
    assert fix_units(printed) == fixed


def test_a_name_starts_at_its_first_capital_and_specks_or_lower_case_remains_are_no_name() -> None:
    assert norm.parse_name("người khai PHAN THUỲ HOA") == ("Phan Thuỳ Hoa", ())
    assert norm.parse_name("x") == (None, ())
    assert norm.parse_name("lã") == (None, ())


def test_nationality_after_the_remains_of_its_english_label() -> None:
    assert norm.parse_nationality("Nauonaity. Việt Nam") == ("Việt Nam", ())


def test_an_eleven_digit_number_is_kept_for_the_repair_step_and_flagged() -> None:
    assert norm.parse_id_number("Số: 89080417615") == ("89080417615", ("invalid_id_length",))


def test_a_place_ends_before_a_date_and_the_remains_of_its_label() -> None:
    value, _ = norm.parse_place("Phường 1, Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh ofissue 12/07/2025", lexicon=False)
    assert value == "Phường 1, Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh"


@pytest.mark.parametrize(
    ("read", "number"),
    [
        ("03|6|o0|7|1|6|6|5|6|9|9", "036071665699"),  # box edges as "|", one glued to a digit as a letter
        ("2) 0|0|1|0|9|1|0|1|2|3|4|5", "001091012345"),  # the footnote mark "(2)" lost its parenthesis
        ("[0][0][1][0][9][1][O][1][2][3][4][5]", "001091012345"),  # "O" alone in its box is a zero
    ],
)
def test_digits_written_one_a_box_are_read_cell_by_cell(read: str, number: str) -> None:
    assert norm.parse_id_number(read) == (number, ())


def test_a_value_written_over_dotted_leaders_loses_the_dots_and_keeps_its_commas() -> None:
    read = "Ấp 4 xã Trực.Ninh,.huyện.Hải.Hậu..tỉnh.Nam.Định"
    assert clean_text(read) == "Ấp 4 xã Trực Ninh, huyện Hải Hậu tỉnh Nam Định"
    assert clean_text("Số 5 đường Lê Lợi, TP.HCM") == "Số 5 đường Lê Lợi, TP.HCM"  # one dot is an abbreviation


def test_a_date_written_between_dotted_leaders() -> None:
    assert dates.parse_date("…….……. 13 / …….……. 09 / ………………. 1971 ;") == ("1971-09-13", ())


def test_a_date_in_words_whose_ngay_went_with_the_label() -> None:
    assert dates.parse_date("01 tháng 01 năm 2000") == ("2000-01-01", ())
