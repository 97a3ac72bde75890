"""Born-digital PDF pages: read from the text layer (no pixels), words and boxes right, lines as OCR gives them."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.ingest import open_document
from pipeline.types import SourcePage, Word
from schemas.settings import IngestSettings
from tests.pipeline.ingest import samples

A4 = (595, 842)
LINES = [(72, 720, "HO VA TEN: NGUYEN VAN AN"), (72, 700, "NGAY SINH: 05/03/1990 NOI SINH: HA NOI")]


def read_one(data: bytes, cfg: IngestSettings) -> SourcePage:
    with open_document(data, name="digital.pdf", cfg=cfg) as doc:
        return doc.page(0)


def lines_of(page: SourcePage) -> list[str]:
    grouped: dict[int, list[Word]] = {}
    for word in page.words:
        grouped.setdefault(word.line, []).append(word)
    return [" ".join(w.text for w in grouped[k]) for k in sorted(grouped)]


def test_text_page_is_read_from_its_text_layer_without_pixels(cfg: IngestSettings) -> None:
    page = read_one(samples.text_pdf(LINES), cfg)
    assert page.origin == "pdf_text"
    assert page.image is None
    assert page.dpi == 300
    assert (page.width, page.height) == (2480, 3509)  # A4 at 300 dpi
    assert lines_of(page) == [text for _, _, text in LINES]
    assert all(w.conf == 1.0 for w in page.words)


def test_word_boxes_are_in_pixels_at_the_page_dpi(cfg: IngestSettings) -> None:
    page = read_one(samples.text_pdf(LINES, font_size=12), cfg)
    first = page.words[0]
    assert first.text == "HO"
    x0, top, x1, bottom = first.box
    baseline = (842 - 720) * 300 / 72  # 508.3 px from the top
    assert x0 == 300  # 72 pt from the left at 300 dpi
    assert top < baseline < bottom
    assert baseline - top == pytest.approx(12 * 0.72 * 300 / 72, abs=12)  # cap height of 12 pt Helvetica
    assert 40 < x1 - x0 < 90  # "HO" is about 15 pt wide
    second_line = [w for w in page.words if w.line == 1]
    assert second_line[0].box[1] > bottom - 10  # the next line sits below


def test_vietnamese_text_comes_out_nfc(cfg: IngestSettings) -> None:
    text = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Họ và tên: NGUYỄN VĂN AN", "Quê quán: Thừa Thiên Huế"]
    page = read_one(samples.vietnamese_pdf(text), cfg)
    assert page.origin == "pdf_text"
    assert lines_of(page) == text
    assert all(unicodedata.is_normalized("NFC", w.text) for w in page.words)


def test_decomposed_diacritics_are_composed(cfg: IngestSettings) -> None:
    decomposed = unicodedata.normalize("NFD", "Họ và tên: NGUYỄN VĂN AN, sinh ngày 05 tháng 3 năm 1990")
    page = read_one(samples.vietnamese_pdf([decomposed]), cfg)
    assert page.origin == "pdf_text"
    assert " ".join(w.text for w in page.words) == unicodedata.normalize("NFC", decomposed)


def test_columns_on_one_baseline_are_separate_lines_left_first(cfg: IngestSettings) -> None:
    data = samples.text_pdf([(72, 720, "HO VA TEN NGUYEN VAN AN"), (400, 720, "SO 001090012345"),
                             (72, 700, "NGAY SINH 05/03/1990 GIOI TINH NAM")])
    page = read_one(data, cfg)
    assert lines_of(page) == ["HO VA TEN NGUYEN VAN AN", "SO 001090012345", "NGAY SINH 05/03/1990 GIOI TINH NAM"]


def test_a_wide_vertical_gap_starts_a_new_block(cfg: IngestSettings) -> None:
    data = samples.text_pdf([(72, 760, "UY BAN NHAN DAN TINH"), (72, 745, "SO 15/QD-UBND"),
                             (72, 600, "HO VA TEN NGUYEN VAN AN SINH NGAY 05/03/1990")])
    page = read_one(data, cfg)
    blocks = {w.line: w.block for w in page.words}
    assert blocks == {0: 0, 1: 0, 2: 1}


def test_sideways_text_under_rotate_90_is_read_upright(cfg: IngestSettings) -> None:
    page = read_one(samples.text_pdf(LINES, rotate=90), cfg)
    assert page.origin == "pdf_text"
    assert lines_of(page) == [text for _, _, text in LINES]
    assert (page.width, page.height) == (2480, 3509)


def test_landscape_text_drawn_turned_under_rotate_90_is_read_as_displayed(cfg: IngestSettings) -> None:
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=A4)
    page.Resources = pikepdf.Dictionary(Font=samples.helvetica(pdf))
    # text running up the portrait sheet, shown upright on a landscape screen by /Rotate 90
    lines = [(300, 72, "GIAY CHUNG NHAN DANG KY HO KINH DOANH"), (320, 72, "TEN HO KINH DOANH: TAP HOA AN")]
    ops = [b"BT /F1 12 Tf"] + [f"0 1 -1 0 {x} {y} Tm ({t}) Tj".encode() for x, y, t in lines] + [b"ET"]
    page.Contents = pikepdf.Stream(pdf, b"\n".join(ops))
    page.Rotate = 90
    result = read_one(samples.pdf_bytes(pdf), cfg)
    assert lines_of(result) == [t for _, _, t in lines]
    assert (result.width, result.height) == (3509, 2480)


def test_cid_garbage_is_not_a_usable_text_layer_and_the_page_is_rendered(cfg: IngestSettings) -> None:
    data = samples.vietnamese_pdf(["Họ và tên: NGUYỄN VĂN AN, sinh ngày 05/03/1990"] * 3, drop_unicode_map=True)
    page = read_one(data, cfg)
    assert page.origin == "pdf_render"
    assert page.image is not None and page.dpi == 300
    assert page.image.min() < 100  # the glyphs are there to OCR


def test_a_few_characters_are_not_enough_for_a_text_layer(cfg: IngestSettings) -> None:
    page = read_one(samples.text_pdf([(72, 720, "TRANG 1")]), cfg)
    assert page.origin == "pdf_render"


def test_min_text_chars_is_a_setting(cfg: IngestSettings) -> None:
    page = read_one(samples.text_pdf([(72, 720, "TRANG 1")]), IngestSettings(min_text_chars=5))
    assert page.origin == "pdf_text"
    assert [w.text for w in page.words] == ["TRANG", "1"]


def test_a_crop_box_shifts_word_boxes_to_the_visible_page(cfg: IngestSettings) -> None:
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(samples.text_pdf(LINES)))
    pdf.pages[0].CropBox = [36, 36, 559, 806]
    page = read_one(samples.pdf_bytes(pdf), cfg)
    assert page.words[0].box[0] == round((72 - 36) * 300 / 72)
    assert (page.width, page.height) == (round(523 * 300 / 72) + 1, round(770 * 300 / 72) + 1)
