"""An ID card's front whose labels OCR destroyed is still read, by the fixed order of its values."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.extract import extract
from pipeline.extract._cardorder import FROM_UNLABELLED, looks_like_card_front
from pipeline.extract._layout import build_lines
from pipeline.types import OcrPage, Word
from schemas.documents import DocType
from schemas.settings import ExtractSettings

CFG = ExtractSettings(today="2025-06-01")
#: a row: (left edge, [(word, confidence, height)]); garbled label words are small and unsure
Row = tuple[int, Sequence[tuple[str, float, int]]]


def _card(rows: Sequence[Row]) -> OcrPage:
    words: list[Word] = []
    for i, (x, row) in enumerate(rows):
        y = 100 + i * 90
        for text, conf, height in row:
            w = 24 * len(text)
            words.append(Word(text=text, box=(x, y, x + w, y + height), conf=conf, line=i))
            x += w + 24
    return OcrPage(number=1, words=tuple(words), width=2000, height=1300, dpi=300)


def _value(text: str, height: int = 50) -> list[tuple[str, float, int]]:
    return [(w, 0.95, height) for w in text.split()]


def _noise(text: str) -> list[tuple[str, float, int]]:
    return [(w, 0.2, 30) for w in text.split()]


def _front() -> OcrPage:
    """A 2021 card front photographed: every label unreadable, every value clear."""
    return _card([
        (600, _value("CĂN CƯỚC CÔNG DÂN")),
        (600, _noise("š‹ ;,") + _value("079090012345")),
        (600, _value("NGUYỄN VĂN AN", 60)),
        (600, _noise("Nqàx xÿ; ¿5") + _value("05/03/1990")),
        (600, _noise("Gxö tn") + _value("Nam") + _noise("Qx' tc'") + _value("Việt Nam")),
        (600, _noise("gs£ ;uan") + _value("Phường 1, Quận 3, Thành phố Hồ Chí Minh")),
        (600, _noise("Xe th gu") + _value("Số 5, Đường Lê Lợi, Phường Bến Nghé,")),
        (600, _value("Quận 1, Thành phố Hồ Chí Minh")),
        (100, _value("05/03/2030")),
    ])


def test_values_of_a_front_with_unreadable_labels_are_read_by_their_order() -> None:
    fields = extract(DocType.CAN_CUOC, [_front()], cfg=CFG).fields
    assert fields["ho_ten"].value == "Nguyễn Văn An"
    assert fields["ngay_sinh"].value == "1990-03-05"
    assert fields["gioi_tinh"].value == "Nam"
    assert fields["quoc_tich"].value == "Việt Nam"
    assert fields["co_gia_tri_den"].value == "2030-03-05"
    assert FROM_UNLABELLED in fields["ho_ten"].flags
    assert fields["ho_ten"].confidence < 0.9


def test_a_row_starting_at_the_name_column_continues_the_address_above() -> None:
    fields = extract(DocType.CAN_CUOC, [_front()], cfg=CFG).fields
    assert fields["que_quan"].value == "Phường 1, Quận 3, Thành phố Hồ Chí Minh"
    assert fields["noi_thuong_tru"].value == (
        "Số 5, Đường Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh")


def test_a_capital_row_that_opens_with_no_family_name_is_no_name() -> None:
    page = _card([
        (600, _value("CĂN CƯỚC CÔNG DÂN")),
        (600, _value("079090012345")),
        (600, _value("CỤC CẢNH SÁT")),
    ])
    assert "ho_ten" not in extract(DocType.CAN_CUOC, [page], cfg=CFG).fields


def test_a_number_then_a_name_in_capitals_looks_like_a_card_front() -> None:
    page = _card([(600, _noise("x¿ ‹") + _value("079090012345")), (600, _value("NGUYỄN VĂN AN"))])
    assert looks_like_card_front(build_lines([page]))


def test_a_labelled_name_on_a_form_does_not_look_like_a_card_front() -> None:
    page = _card([(100, _value("Số CCCD: 079090012345")), (100, _value("Họ và tên: NGUYỄN VĂN AN"))])
    assert not looks_like_card_front(build_lines([page]))


def test_a_number_that_cannot_be_an_id_does_not_look_like_a_card_front() -> None:
    # century digit 7 does not exist yet, and no birth year is printed
    page = _card([(600, _value("079790012345")), (600, _value("NGUYỄN VĂN AN"))])
    assert not looks_like_card_front(build_lines([page]))


def test_the_wrapped_end_of_the_nationality_is_no_place_of_origin() -> None:
    page = _card([
        (600, _value("CĂN CƯỚC CÔNG DÂN")),
        (600, _noise("š‹ ;,") + _value("079090012345")),
        (600, _value("NGUYỄN VĂN AN", 60)),
        (600, _noise("Nqàx xÿ; ¿5") + _value("05/03/1990")),
        (600, _noise("Gxö tn") + _value("Nam") + _noise("Qx' tc'") + _value("Việt")),
        (1200, _value("Nam")),
        (600, _noise("gs£ ;uan") + _value("Phường 1, Quận 3, Thành phố Hồ Chí Minh")),
    ])
    fields = extract(DocType.CAN_CUOC, [page], cfg=CFG).fields
    assert fields["quoc_tich"].value == "Việt Nam"
    assert fields["que_quan"].value == "Phường 1, Quận 3, Thành phố Hồ Chí Minh"
