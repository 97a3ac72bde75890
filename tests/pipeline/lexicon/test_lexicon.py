"""Lexicon correction: only where the lexicon leaves one choice, always flagged; syllable checks."""

from __future__ import annotations

import pytest

from pipeline.lexicon import (
    INVALID_SYLLABLE,
    LEXICON_CORRECTED,
    correct_name,
    correct_place,
    default_lexicon,
    fold,
    is_valid_syllable,
    same_spelling,
    strip_tone,
)


def test_stacked_diacritic_lost_in_family_name_is_restored_and_flagged() -> None:
    assert correct_name("Nguyên Văn An") == ("Nguyễn Văn An", (LEXICON_CORRECTED,))


def test_all_diacritics_lost_are_restored_where_each_position_is_unambiguous() -> None:
    assert correct_name("Tran Thi Hoa") == ("Trần Thị Hoa", (LEXICON_CORRECTED,))


def test_a_correct_name_is_left_alone() -> None:
    assert correct_name("Nguyễn Thị Ngọc Diễm") == ("Nguyễn Thị Ngọc Diễm", ())


def test_the_same_word_is_valid_as_a_given_name_and_not_changed_there() -> None:
    assert correct_name("Trần Văn Nguyên") == ("Trần Văn Nguyên", ())


def test_ambiguous_given_name_is_not_changed() -> None:
    # "Hoa" may be Hoa or Hòa: both are given names, so the officer decides
    assert correct_name("Lê Văn Hoa") == ("Lê Văn Hoa", ())
    assert correct_name("Lê Văn Thuy") == ("Lê Văn Thuy", ())


def test_a_word_that_is_no_vietnamese_syllable_is_flagged_not_changed() -> None:
    assert correct_name("Lê Xyzq Bình") == ("Lê Xyzq Bình", (INVALID_SYLLABLE,))


def test_place_names_in_an_address_get_their_diacritics_back() -> None:
    value, flags = correct_place("Phường Dich Vong Hâu, Quận Câu Giây, Hà Nôi")
    assert value == "Phường Dịch Vọng Hậu, Quận Cầu Giấy, Hà Nội"
    assert flags == (LEXICON_CORRECTED,)


def test_upper_case_place_stays_upper_case_and_single_syllables_are_not_touched() -> None:
    assert correct_place("QUẬN CÂU GIÂY") == ("QUẬN CẦU GIẤY", (LEXICON_CORRECTED,))
    assert correct_place("Thôn Ha") == ("Thôn Ha", ())


@pytest.mark.parametrize("word", ["nguyễn", "Thị", "đức", "giữa", "quỳnh", "gì", "khuya", "nghiêng", "ĐẮK", "oanh"])
def test_real_syllables_are_valid(word: str) -> None:
    assert is_valid_syllable(word)


@pytest.mark.parametrize("word", ["xyz", "bàt", "ngk", "aaa", "thươg"])
def test_impossible_syllables_are_invalid(word: str) -> None:
    assert not is_valid_syllable(word)


def test_codes_and_numbers_are_not_judged() -> None:
    assert is_valid_syllable("12/2023")


def test_folding_and_tone_stripping() -> None:
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert strip_tone("Nguyễn Đức") == "Nguyên Đưc"


def test_a_tone_misread_in_a_known_place_is_fixed_but_a_different_vowel_is_not() -> None:
    assert correct_place("Thành phố Đà Nắng")[0] == "Thành phố Đà Nẵng"
    assert correct_place("ỦY BAN NHÂN DÂN PHƯỜNG 9")[0] == "ỦY BAN NHÂN DÂN PHƯỜNG 9"


def test_tone_mark_placement_is_one_spelling_and_left_as_printed() -> None:
    assert same_spelling("Hoà", "Hòa") and same_spelling("Thuỳ Linh", "Thùy Linh")
    assert not same_spelling("Hòa", "Hóa")
    assert correct_name("Đặng Thuỳ Linh") == ("Đặng Thuỳ Linh", ())
    assert correct_place("Xã Hoà Vang")[0] == "Xã Hoà Vang"


@pytest.mark.parametrize("name", ["Nguyễn Công Lượng", "Nguyễn Huyền Diệp", "Phạm Mỹ Nhị", "Lê Quốc Hoằng",
                                  "Huỳnh Minh Quang Xuyên", "Lý Diệu Hiền", "Vũ Thị Thắm"])
def test_uncommon_but_correct_names_are_known_and_not_changed(name: str) -> None:
    assert correct_name(name) == (name, ())


def test_a_name_printed_without_diacritics_takes_the_far_more_common_middle_name() -> None:
    assert correct_name("Nguyen Van An") == ("Nguyễn Văn An", (LEXICON_CORRECTED,))
    assert correct_name("Phan Lan Ngat") == ("Phan Lan Ngát", (LEXICON_CORRECTED,))


def test_the_list_of_the_position_decides_first() -> None:
    # "Thi" is a given name, but in the middle of a name it is the middle name "Thị"
    assert correct_name("Tran Thi Hoa")[0] == "Trần Thị Hoa"


@pytest.mark.parametrize(
    ("printed", "fixed"),
    [("huyện Hoàng Hóa, tỉnh Thanh Hóa", "huyện Hoằng Hóa, tỉnh Thanh Hóa"),
     ("huyện Yên Lac, tỉnh Vĩnh Phúc", "huyện Yên Lạc, tỉnh Vĩnh Phúc"),
     ("phố Nguyễn Dình Chiếu, Phường 3", "phố Nguyễn Đình Chiểu, Phường 3")],
    ids=["district", "district-lost-tone", "street"],
)
def test_districts_and_streets_get_their_diacritics_back(printed: str, fixed: str) -> None:
    assert correct_place(printed) == (fixed, (LEXICON_CORRECTED,))


@pytest.mark.parametrize("text", ["Thành phố Pleiku, Tỉnh Gia Lai", "Bản Co Mạ, Xã Kim Liên"])
def test_a_place_is_not_looked_up_from_a_unit_word(text: str) -> None:
    # "Tỉnh Gia" would read as the old district "Tĩnh Gia", "Bản Co" as the ward "Bàn Cờ"
    assert correct_place(text) == (text, ())


def test_the_provinces_after_2025_and_the_districts_before_are_all_known() -> None:
    places = default_lexicon().places
    new_provinces = ("Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
                     "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
                     "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai",
                     "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ",
                     "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang")
    assert len(new_provinces) == 34
    assert all(p in places.get(fold(p), ()) for p in new_provinces)
    assert sum(len(v) for v in places.values()) > 1500


def test_a_breve_read_as_a_circumflex_is_undone_where_the_common_spelling_breaks_the_tie() -> None:
    # "VẤN": OCR put a circumflex where the breve of "Văn" stood; "Vân" fits as well, "Văn" is far more common
    assert correct_name("Lê Vấn Huy") == ("Lê Văn Huy", (LEXICON_CORRECTED,))
    assert correct_name("Nguyễn Vân Anh") == ("Nguyễn Vân Anh", ())
