"""ICAO 9303 check digits and the TD1 zone of Vietnamese ID cards."""

from __future__ import annotations

from datetime import date

import pytest

from corpus import check_digit, td1, verify_td1
from corpus._mrz import mrz_name


@pytest.mark.parametrize(
    ("field", "digit"),
    [("520727", "3"), ("D23145890", "7"), ("740812", "2"), ("120415", "9"), ("L898902C3", "6")],
)
def test_check_digit_matches_icao_9303_worked_examples(field: str, digit: str) -> None:
    assert check_digit(field) == digit


def test_icao_td1_specimen_verifies_and_a_flipped_digit_does_not() -> None:
    line1 = "I<UTOD231458907<<<<<<<<<<<<<<<"
    line2 = "7408122F1204159UTO<<<<<<<<<<<6"
    assert verify_td1((line1, line2, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"))
    assert not verify_td1((line1, "7408132F1204159UTO<<<<<<<<<<<6", ""))


def test_td1_of_a_vietnamese_card_is_three_lines_of_30_with_valid_digits() -> None:
    lines = td1(id_number="001099012345", name="Nguyễn Thị Đào", birth=date(1999, 5, 1), male=False,
                expiry=date(2039, 5, 1))
    assert [len(x) for x in lines] == [30, 30, 30]
    assert lines[0].startswith("IDVNM099012345") and "001099012345" in lines[0]
    assert lines[1][:7] == "9905016" and lines[1][7] == "F" and lines[1][8:14] == "390501"
    assert lines[2].startswith("NGUYEN<<THI<DAO<")
    assert verify_td1(lines)


def test_mrz_name_drops_diacritics_and_maps_d_with_stroke() -> None:
    assert mrz_name("Đặng Thị Thuỷ Tiên") == "DANG<<THI<THUY<TIEN"


def test_check_digit_refuses_characters_outside_the_mrz_alphabet() -> None:
    with pytest.raises(ValueError):
        check_digit("12a")
