"""Single-digit repairs are made only where the ID number's structure leaves exactly one reading."""

from __future__ import annotations

from pipeline.extract import extract
from pipeline.extract._repair import ID_REPAIRED, repaired_birth, repaired_number, restored_zero
from schemas.documents import DocType
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

CFG = ExtractSettings(today="2025-06-01")


def test_a_province_code_one_digit_from_a_single_valid_code_is_repaired() -> None:
    # 926 is no province; only 026 (Vĩnh Phúc) is one digit away and agrees with birth and sex
    assert repaired_number("926172222876", birth="1972-09-15", sex="Nữ") == "026172222876"


def test_a_province_code_one_digit_from_several_valid_codes_is_left_alone() -> None:
    # 028 is no province, but 008, 038, 020, 025 … are all one digit away
    assert repaired_number("028197309342", birth="1997-09-12", sex="Nữ") is None


def test_a_number_at_odds_with_the_birth_year_only_is_left_to_the_flags() -> None:
    # the number or the date may be the one misread: nothing tells which
    assert repaired_number("001091012345", birth="1990-03-05", sex="Nam") is None


def test_a_consistent_number_is_not_touched() -> None:
    assert repaired_number("001090012345", birth="1990-03-05", sex="Nam") is None


def test_a_number_read_without_its_leading_zero_is_restored_when_the_birth_year_confirms_it() -> None:
    assert restored_zero("89080417615", birth="1980-11-11") == "089080417615"
    assert restored_zero("89080417615", birth="1981-11-11") is None
    assert restored_zero("89080417615", birth=None) is None


def test_an_impossible_birth_year_one_digit_from_the_numbers_is_repaired() -> None:
    assert repaired_birth("1067-09-09", "067067613278") == "1967-09-09"
    assert repaired_birth("1057-09-09", "067067613278") is None  # two digits apart


def test_a_plausible_birth_year_is_repaired_only_when_the_card_expiry_sides_with_the_number() -> None:
    # a card expires on the 25th, 40th or 60th birthday: 2037 is the 40th of 1997, not of 1987
    assert repaired_birth("1987-09-12", "025197309342", "2037-09-12") == "1997-09-12"
    assert repaired_birth("1987-09-12", "025197309342") is None
    assert repaired_birth("1987-09-12", "025197309342", "2027-09-12") is None


def test_an_eleven_digit_card_number_is_restored_and_flagged_in_extraction() -> None:
    page = page_from_text([
        "CĂN CƯỚC CÔNG DÂN",
        "Số / No.: 89080417615",
        "Họ và tên / Full name: ĐẶNG TRỌNG NGHĨA",
        "Ngày sinh / Date of birth: 11/11/1980",
        "Giới tính / Sex: Nam",
    ])
    number = extract(DocType.CAN_CUOC, [page], cfg=CFG).fields["so_dinh_danh"]
    assert number.value == "089080417615"
    assert ID_REPAIRED in number.flags
    assert "invalid_id_length" not in number.flags


def test_an_eleven_digit_number_the_birth_date_does_not_confirm_is_dropped() -> None:
    page = page_from_text([
        "CĂN CƯỚC CÔNG DÂN",
        "Số / No.: 89080417615",
        "Ngày sinh / Date of birth: 11/11/1985",
    ])
    assert "so_dinh_danh" not in extract(DocType.CAN_CUOC, [page], cfg=CFG).fields
