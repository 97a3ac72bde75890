"""A PDF text layer is judged before it is trusted: not Vietnamese, no diacritics, or not covering the ink → OCR."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pikepdf

from pipeline.ingest import open_document
from pipeline.ingest._textcheck import INK_NOT_COVERED, NO_DIACRITICS, NOT_VIETNAMESE, check_language, ink_problem
from pipeline.types import SourcePage, Word
from schemas.settings import IngestSettings
from tests.pipeline.ingest import pdfs, samples

REALDOCS = Path(__file__).resolve().parents[3] / ".." / "shared" / "realdocs"

#: what an English OCR engine makes of the top of a Vietnamese birth certificate
ENGLISH_READ = ("UY BAN NHAN DAN XA HUONG SON CONG HOA XA HOI CHU NGHIA VIET NAM Doc lap Ty do Hanh phuc "
                "GIAY KHAI SINH Ho, chit dem va ten: PHAN TIEN XUYEN Gidi tinh: Nam Dan toc: Kinh Quoc tich: Viet Nam")
VIETNAMESE = ("ỦY BAN NHÂN DÂN XÃ HƯƠNG SƠN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
              "GIẤY KHAI SINH Họ, chữ đệm và tên: PHAN TIẾN XUYÊN Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam")
#: a legacy TCVN3 (ABC) font extracted as if it were Latin-1, as old office PDFs do
TCVN3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc GiÊy khai sinh Hä vµ tªn: NguyÔn V¨n An"


def _words(text: str) -> list[Word]:
    return [Word(t, (0, 0, 1, 1), 1.0, 0) for t in text.split()]


def _read(data: bytes, cfg: IngestSettings) -> tuple[SourcePage, tuple[str, ...]]:
    with open_document(data, name="scan.pdf", cfg=cfg) as doc:
        return doc.page(0), doc.notes


def test_vietnamese_reads_as_vietnamese_and_english_ocr_of_it_lacks_its_diacritics() -> None:
    assert check_language(_words(VIETNAMESE)).problem(need_marks=True) is None
    english = check_language(_words(ENGLISH_READ))
    assert english.problem(need_marks=True) == NO_DIACRITICS
    # the same words typed without diacritics and printed as visible text are what the page shows
    assert english.problem(need_marks=False) is None


def test_a_legacy_font_encoding_and_an_english_text_are_not_vietnamese() -> None:
    assert check_language(_words(TCVN3)).problem(need_marks=False) == NOT_VIETNAMESE
    english = "Please find attached the invoice for the services rendered during the month of March and pay it"
    assert check_language(_words(english)).problem(need_marks=False) == NOT_VIETNAMESE


def test_a_few_words_are_too_few_to_judge() -> None:
    assert check_language(_words("Trang 2 of 5 Page")).problem(need_marks=True) is None


def test_ink_far_from_every_word_is_not_covered_and_ink_under_the_words_is() -> None:
    page = np.full((400, 300), 255, np.uint8)
    page[20:30, 20:200] = 0  # a line of text at the top ...
    page[100:380:20, 20:280] = 0  # ... and a body of lines below it
    top = [Word("Đã ký", (20, 20, 200, 30), 1.0, 0)]
    body = [Word("dòng", (20, y, 280, y + 1), 1.0, i) for i, y in enumerate(range(100, 380, 20))]
    assert ink_problem(page, top, scale=1.0) == INK_NOT_COVERED
    assert ink_problem(page, top + body, scale=1.0) is None


def _strips_under_an_english_layer() -> bytes:
    """A scan stored as two image strips with the scanner's English OCR layer painted, visible, under them."""
    pdf = pikepdf.new()
    w, h = pdfs.WIDTH * 72 / 300, pdfs.HEIGHT * 72 / 300
    half = pdfs.HEIGHT // 2
    strips = {}
    for k, rows in enumerate((pdfs.GREY[:half], pdfs.GREY[half:])):
        strips[f"/S{k}"] = samples.image_stream(pdf, zlib.compress(np.ascontiguousarray(rows).tobytes()),
                                                pdfs.WIDTH, rows.shape[0], BitsPerComponent=8,
                                                ColorSpace="/DeviceGray", Filter="/FlateDecode")
    words = ENGLISH_READ.split()
    layer = samples.text_ops([(4, h - 8 - 6 * i, " ".join(words[4 * i:4 * i + 4])) for i in range(len(words) // 4)],
                             size=5)
    top, bottom = h * half / pdfs.HEIGHT, h - h * half / pdfs.HEIGHT
    draw = f"q {w:g} 0 0 {top:g} 0 {bottom:g} cm /S0 Do Q q {w:g} 0 0 {bottom:g} 0 0 cm /S1 Do Q".encode()
    page = pdf.add_blank_page(page_size=(w, h))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(strips), Font=samples.helvetica(pdf))
    page.Contents = pikepdf.Stream(pdf, layer + b"\n" + draw)
    return samples.pdf_bytes(pdf)


def test_a_scan_in_strips_under_an_english_ocr_layer_is_ocrd_not_read_from_the_layer(cfg: IngestSettings) -> None:
    page, notes = _read(_strips_under_an_english_layer(), cfg)
    assert page.origin == "pdf_render" and page.image is not None and not page.words
    assert any(NO_DIACRITICS in note for note in notes)


def test_a_scan_under_a_visible_signature_overlay_is_ocrd_not_read_from_the_overlay(cfg: IngestSettings) -> None:
    overlay = samples.text_ops([(4, 140, "DA KY 18.11.2024 08:15:02"), (4, 132, "TRUNG TAM CONG BAO VA TIN HOC")],
                               size=5)
    page, notes = _read(pdfs.image_pdf("flate-grey", after=overlay, text=True), cfg)
    assert page.origin == "pdf_render" and page.image is not None
    assert any(INK_NOT_COVERED in note for note in notes)


def test_born_digital_vietnamese_text_is_still_read_from_its_layer(cfg: IngestSettings) -> None:
    page, notes = _read(samples.vietnamese_pdf(VIETNAMESE.split(" Họ")), cfg)
    assert page.origin == "pdf_text" and "CỘNG HÒA" in " ".join(w.text for w in page.words)
    assert notes == ()


def test_real_signed_scans_are_read_from_their_images_and_the_born_digital_notice_from_its_text(
        cfg: IngestSettings) -> None:
    scan = REALDOCS / "quangngai-congvan-299-UBND-TTHC-2025-01-15-HOATOC-scan300dpi.pdf"
    notice = REALDOCS / "quangngai-thongbao-565-TB-UBND-2024-11-15-borndigital.pdf"
    with open_document(scan, name=scan.name, cfg=cfg) as doc:
        assert [doc.page(i).origin for i in range(doc.page_count)] == ["pdf_image", "pdf_image"]
    with open_document(notice, name=notice.name, cfg=cfg) as doc:
        first = doc.page(0)
    assert first.origin == "pdf_text"
    assert "ỦY BAN NHÂN DÂN" in " ".join(w.text for w in first.words)
