"""When a PDF page's text layer is worth reading instead of OCR."""

from __future__ import annotations

from typing import Any

from pipeline.ingest._pdftext import usable


def _chars(text: str, font: str = "F1") -> list[dict[str, Any]]:
    return [{"text": ch, "fontname": font} for ch in text]


def test_a_form_full_of_dotted_leaders_is_still_a_usable_text_layer() -> None:
    line = "Họ và tên: Nguyễn Văn An " + "." * 120
    assert usable(_chars(line * 3), 40)


def test_private_use_glyphs_are_not_text() -> None:
    assert not usable(_chars("\ue001\ue002\ue003" * 40 + "Số 12"), 40)


def test_characters_of_an_unmapped_font_are_not_text() -> None:
    assert not usable(_chars("Giấy khai sinh bản chính " * 5, font="F9"), 40, {"F9"})


def test_too_few_characters_are_not_a_text_layer() -> None:
    assert not usable(_chars("Trang 1"), 40)
