"""The TD1 machine-readable zone: parsed, check digits verified, OCR misreads repaired."""

from __future__ import annotations

from datetime import date

from pipeline.extract import check_digit, find_td1, parse_td1
from schemas.documents import DocType

ICAO = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TODAY = date(2025, 6, 1)


def vn_zone(number: str = "001090012345", birth: str = "900305", sex: str = "M", expiry: str = "300305",
            name: str = "NGUYEN<<VAN<AN") -> list[str]:
    """A Vietnamese card's zone with correct check digits."""
    doc = number[3:]
    l1 = f"IDVNM{doc}{check_digit(doc)}{number}<<<"[:30]
    head = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}VNM" + "<" * 11
    composite = l1[5:30] + head[0:7] + head[8:15] + head[18:29]
    return [l1, head + str(check_digit(composite)), name.ljust(30, "<")]


def test_icao_9303_example_parses_and_every_check_digit_holds() -> None:
    mrz = parse_td1(ICAO, today=TODAY)
    assert mrz.document_number == "D23145890"
    assert (mrz.birth, mrz.expiry, mrz.sex) == ("1974-08-12", "2012-04-15", "Nữ")
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.valid and mrz.checks == {"number": True, "birth": True, "expiry": True, "composite": True}


def test_vietnamese_zone_gives_the_twelve_digit_number() -> None:
    mrz = parse_td1(vn_zone(), today=TODAY)
    assert mrz.valid
    assert mrz.id_number == "001090012345"
    assert mrz.birth == "1990-03-05"
    assert mrz.full_name == "NGUYEN VAN AN"


def test_filler_misreads_and_letter_o_in_digits_are_repaired() -> None:
    l1, l2, l3 = vn_zone()
    damaged = [l1.replace("<", "«"), l2[:2] + "O" + l2[3:].replace("<", "("), l3.replace("<<<<", "KKKK")]
    mrz = parse_td1(damaged, today=TODAY)
    assert mrz.valid
    assert mrz.birth == "1990-03-05"
    assert mrz.given_names == "VAN AN"


def test_a_wrong_digit_fails_its_check() -> None:
    l1, l2, l3 = vn_zone()
    mrz = parse_td1([l1, "910305" + l2[6:], l3], today=TODAY)
    assert mrz.checks["birth"] is False
    assert not mrz.valid


def test_zone_is_found_among_other_lines_with_spaces_inside() -> None:
    l1, l2, l3 = vn_zone()
    lines = ["Đặc điểm nhân dạng: sẹo", "Ngày, tháng, năm: 10/10/2021", l1[:15] + " " + l1[15:], l2, l3]
    assert find_td1(lines) == lines[2:]
    assert find_td1(lines[:3]) is None


def test_a_document_code_read_as_two_marks_and_a_speck_before_the_nationality_are_realigned() -> None:
    l1, l2, l3 = vn_zone(birth="050718", expiry="300718", name="DO<<QUOC<THUAN")
    damaged = ["T1" + l1[1:], l2[:14] + "2" + l2[14:], l3[:8] + "Œ" + l3[8:]]
    mrz = parse_td1(damaged, today=TODAY)
    assert (mrz.birth, mrz.expiry, mrz.nationality) == ("2005-07-18", "2030-07-18", "VNM")
    assert mrz.checks["birth"] and mrz.checks["expiry"]
    assert mrz.full_name == "DO QUOC THUAN"


def test_a_zone_with_a_speck_in_its_first_line_is_still_found() -> None:
    l1, l2, l3 = vn_zone()
    assert find_td1([l1[:20] + "?" + l1[21:], l2, l3]) is not None


def test_the_card_name_is_taken_as_printed_and_the_zone_fills_what_ocr_missed() -> None:
    from pipeline.extract import extract
    from schemas.settings import ExtractSettings
    from tests.pipeline.extract._textpages import page_from_text

    zone = vn_zone(number="067205577731", birth="050718", expiry="300718", name="DO<<QUOC<THUAN")
    page = page_from_text(["CĂN CƯỚC", "Ít tk? OẠh cũ lận", "⁄Z1., t3, ĐỒ QUỐC THUẬN KT", "Số: 067205577731", *zone])
    fields = extract(DocType.CAN_CUOC, [page], cfg=ExtractSettings(today="2026-01-01")).fields
    assert fields["ho_ten"].value == "Đỗ Quốc Thuận"
    assert (fields["ngay_sinh"].value, fields["co_gia_tri_den"].value) == ("2005-07-18", "2030-07-18")
    assert (fields["gioi_tinh"].value, fields["quoc_tich"].value) == ("Nam", "Việt Nam")
    assert "from_mrz" in fields["ngay_sinh"].flags


def test_a_name_letter_misread_in_the_zone_is_undone_by_the_name_lists() -> None:
    from pipeline.extract._idcard import _mrz_word

    assert _mrz_word("KTEN") == "KIEN"
    assert _mrz_word("KHANH") == "KHANH"
