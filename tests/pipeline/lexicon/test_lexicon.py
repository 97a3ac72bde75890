"""Lexicon correction: only where the lexicon leaves one choice, always flagged; syllable checks."""

from __future__ import annotations

import pytest

from pipeline.lexicon import (
    INVALID_SYLLABLE,
    LEXICON_CORRECTED,
    correct_name,
    correct_place,
    fold,
    is_valid_syllable,
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
