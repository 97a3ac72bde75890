"""People, numbers and printed values obey the real structures."""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from corpus._people import cmnd_number, person
from corpus._vn import area, fmt_date, money, number_words
from schemas.codes import PROVINCE_CODES


def test_id_numbers_agree_with_province_birth_year_and_sex() -> None:
    rng = random.Random(11)
    for _ in range(300):
        p = person(rng, born_from=date(1930, 1, 1), born_to=date(2024, 12, 31))
        assert len(p.id_number) == 12 and p.id_number.isdigit()
        assert p.id_number[:3] in PROVINCE_CODES
        assert PROVINCE_CODES[p.id_number[:3]] == p.birth_province
        g = int(p.id_number[3])
        assert 19 + g // 2 == p.birth.year // 100
        assert (g % 2 == 0) == p.male
        assert p.id_number[4:6] == f"{p.birth.year % 100:02d}"


def test_names_are_title_case_nfc_and_use_many_family_names() -> None:
    rng = random.Random(5)
    people = [person(rng) for _ in range(400)]
    for p in people:
        assert p.name == unicodedata.normalize("NFC", p.name)
        assert all(w[0].isupper() for w in p.name.split())
    families = {p.name.split()[0] for p in people}
    assert {"Nguyễn", "Trần", "Lê", "Phạm"} <= families and len(families) >= 15
    nguyen = sum(p.name.startswith("Nguyễn ") for p in people) / len(people)
    assert 0.25 < nguyen < 0.5


def test_cmnd_has_nine_digits() -> None:
    rng = random.Random(1)
    assert all(len(c) == 9 and c.isdigit() for c in (cmnd_number(rng) for _ in range(50)))


def test_printed_values_follow_vietnamese_conventions() -> None:
    d = date(2024, 3, 5)
    assert fmt_date(d, "words") == "ngày 05 tháng 3 năm 2024"
    assert fmt_date(date(2024, 1, 5), "words") == "ngày 05 tháng 01 năm 2024"
    assert fmt_date(d, "dot") == "05.03.2024"
    assert money(1_500_000_000) == "1.500.000.000 đồng"
    assert area(1205) == ("120,5 m²", "120.5")
    assert area(12000) == ("1.200 m²", "1200")
    assert number_words(2015) == "hai nghìn không trăm mười lăm"
    assert number_words(150_000_000) == "một trăm năm mươi triệu"
    assert number_words(21) == "hai mươi mốt"
