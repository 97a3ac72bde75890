"""The ID card's QR payload: parsed, then used to confirm, correct or fill the OCR'd fields."""

from __future__ import annotations

from pipeline.extract import extract, parse_qr
from schemas.documents import DocType
from schemas.settings import ExtractSettings
from tests.pipeline.extract._textpages import page_from_text

PAYLOAD = ("001090012345|012345678|Nguyễn Văn An|05031990|Nam|Số 12 phố Huế, Phường Ngô Thì Nhậm, "
           "Quận Hai Bà Trưng, Hà Nội|10102021")
CFG = ExtractSettings(today="2025-06-01")


def test_payload_is_parsed_and_normalized() -> None:
    data = parse_qr(PAYLOAD)
    assert data is not None
    assert (data.so_dinh_danh, data.cmnd, data.ho_ten) == ("001090012345", "012345678", "Nguyễn Văn An")
    assert (data.ngay_sinh, data.gioi_tinh, data.ngay_cap) == ("1990-03-05", "Nam", "2021-10-10")
    assert data.dia_chi is not None and data.dia_chi.endswith("Hà Nội")


def test_text_that_is_not_a_card_payload_is_refused() -> None:
    assert parse_qr("https://dichvucong.gov.vn/abc") is None
    assert parse_qr("12345|a|b|c|d|e|f") is None


def test_agreeing_fields_are_confirmed_and_missing_ones_filled_without_a_page() -> None:
    front = ["^CĂN CƯỚC CÔNG DÂN", "Số / No.: 001090012345", "Họ và tên / Full name: NGUYỄN VĂN AN"]
    result = extract(DocType.CAN_CUOC, [page_from_text(front, qr=[PAYLOAD])], cfg=CFG)
    assert "qr_confirmed" in result.fields["so_dinh_danh"].flags
    assert result.fields["so_dinh_danh"].confidence >= 0.98
    filled = result.fields["ngay_sinh"]
    assert (filled.value, filled.page, filled.bbox, filled.flags) == ("1990-03-05", None, None, ("from_qr",))
    assert result.fields["noi_thuong_tru"].value == parse_qr(PAYLOAD).dia_chi  # type: ignore[union-attr]


def test_disagreeing_field_takes_the_qr_value_and_is_flagged() -> None:
    front = ["^CĂN CƯỚC CÔNG DÂN", "Số / No.: 001090012845", "Ngày sinh / Date of birth: 05/08/1990"]
    result = extract(DocType.CAN_CUOC, [page_from_text(front, qr=[PAYLOAD])], cfg=CFG)
    number = result.fields["so_dinh_danh"]
    assert number.value == "001090012345"
    assert "qr_mismatch" in number.flags
    assert number.page == 1
    assert "qr_mismatch" in result.fields["ngay_sinh"].flags
