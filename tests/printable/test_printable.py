"""Printed copies: the QR code reads back, every page and every word of the document is kept."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from pipeline.printable import PrintLabel, PrintLayout, make_printable, parse_payload, plan_page, qr_payload
from pipeline.sign._fonts import find_font
from schemas.errors import ErrorCode, InputError

REALDOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdocs"
BORN_DIGITAL = REALDOCS / "quangngai-thongbao-565-TB-UBND-2024-11-15-borndigital.pdf"
ICT = timezone(timedelta(hours=7))
MM = 72 / 25.4


def _label(**over: str) -> PrintLabel:
    values = {
        "ma_ho_so": "000.00.15.H55-230612-0001",
        "ma_tthc": "2.000815.000.00.00.H55",
        "ma_dinh_danh": "001090001234",
        "ten_giay_to": "Giấy xác nhận tình trạng hôn nhân",
        "thoi_han_hieu_luc": "2026-03-15",
        "tra_cuu": "https://motcua.example.gov.vn/tra-cuu",
    } | over
    return PrintLabel(printed_at=datetime(2025, 9, 15, 10, 21, 33, tzinfo=ICT), **values)


def _render(pdf: bytes, index: int = 0, dpi: int = 200) -> np.ndarray:
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()
    return np.asarray(image)


def _decode_qr(grey: np.ndarray) -> str:
    # OpenCV's two QR readers each miss codes the other reads (the classic one fails on some
    # module sizes of larger versions): a phone's reader is more forgiving than either
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _, _ = detector.detectAndDecode(grey)
        if text:
            return str(text)
    return ""


def _text_pdf(pages: list[str], size: tuple[float, float] = (210, 297)) -> bytes:
    pdf = FPDF(unit="mm", format=size)
    pdf.add_font("vn", "", str(find_font(None)))
    pdf.set_font("vn", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _words(pdf: bytes) -> list[list[str]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [(page.extract_text() or "").split() for page in doc.pages]


def test_the_qr_code_top_left_of_page_one_reads_back_the_dossier_procedure_owner_and_name() -> None:
    label = _label()
    out = make_printable(_text_pdf(["Nội dung trang một."]), label, font_path=find_font(None))

    page = _render(out, dpi=300)  # a printer's resolution
    height, width = page.shape
    top_left = page[: height // 4, : width // 3]
    fields = parse_payload(_decode_qr(top_left))

    assert fields["ma_ho_so"] == label.ma_ho_so
    assert fields["ma_tthc"] == label.ma_tthc
    assert fields["ma_dinh_danh"] == label.ma_dinh_danh
    assert fields["ten_giay_to"] == "Giấy xác nhận tình trạng hôn nhân"
    assert fields["thoi_han_hieu_luc"] == "2026-03-15"
    assert fields["tra_cuu"] == label.tra_cuu


def test_a_real_four_page_notice_keeps_its_pages_and_every_word_in_order() -> None:
    original = BORN_DIGITAL.read_bytes()
    out = make_printable(original, _label(ten_giay_to="Thông báo 565/TB-UBND"), font_path=find_font(None))

    before, after = _words(original), _words(out)
    assert len(after) == len(before) == 4
    for page_before, page_after in zip(before, after, strict=True):
        assert len(page_before) > 100
        assert Counter(page_before) - Counter(page_after) == Counter()  # every word of the page, each time it occurs


def test_the_label_says_the_system_the_codes_and_when_it_was_printed() -> None:
    out = make_printable(_text_pdf(["x"]), _label(ma_ket_qua="000.00.15.H55-230612-0001-KQ1"),
                         font_path=find_font(None))
    text = _words(out)[0]
    joined = " ".join(text)
    assert "BẢN IN TỪ HỆ THỐNG SOHOA" in joined
    assert "000.00.15.H55-230612-0001-KQ1" in text
    assert "2025-09-15T10:21:33+07:00" in text


def test_later_pages_say_which_dossier_and_page_they_are() -> None:
    out = make_printable(_text_pdf(["một", "hai", "ba"]), _label(), font_path=find_font(None))
    assert "3/3" in " ".join(_words(out)[2])


def test_the_band_covers_nothing_the_page_printed() -> None:
    # a page inked to its very top-left corner: the ink must move below the band, not under the QR
    pdf = FPDF(unit="mm", format=(210, 297))
    pdf.add_page()
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(0, 0, 60, 40, style="F")
    out = make_printable(bytes(pdf.output()), _label(), font_path=find_font(None))

    page = _render(out, dpi=72)
    band = round(PrintLayout().band_pt)
    rows, _ = np.nonzero(page[:, : page.shape[1] // 2] < 128)
    block = rows >= band - 3  # the ink below the band's QR and label
    assert rows[block].min() == pytest.approx(band, abs=2)  # the block's top edge moved to the band's foot
    scale = (page.shape[0] - band) / page.shape[0]
    assert rows[block].max() - rows[block].min() == pytest.approx(40 * MM * scale, abs=2)  # whole, shrunk
    assert _decode_qr(_render(out, dpi=300)[:500, :500])  # and the QR still reads


def test_a_card_sized_page_is_printed_at_its_own_size_on_a4() -> None:
    sheet, box = plan_page((85.6 * MM, 54 * MM), PrintLayout())
    assert sheet == pytest.approx((210 * MM, 297 * MM))
    assert box[2] - box[0] == pytest.approx(85.6 * MM)
    assert box[3] - box[1] == pytest.approx(54 * MM)

    out = make_printable(_text_pdf(["Thẻ"], size=(85.6, 54)), _label(), font_path=find_font(None))
    with pikepdf.open(io.BytesIO(out)) as doc:
        assert float(doc.pages[0].mediabox[2]) == pytest.approx(210 * MM, abs=0.5)


def test_a_rotated_page_is_laid_out_as_it_is_seen() -> None:
    src = pikepdf.open(io.BytesIO(_text_pdf(["Trang xoay ngang"])))
    src.pages[0].obj["/Rotate"] = 90
    buffer = io.BytesIO()
    src.save(buffer)
    out = make_printable(buffer.getvalue(), _label(), font_path=find_font(None))
    with pikepdf.open(io.BytesIO(out)) as doc:
        box = doc.pages[0].mediabox
        assert float(box[2]) > float(box[3])  # landscape, as the viewer showed it
    assert "Trang xoay ngang" in " ".join(_words(out)[0])


def test_a_visible_stamp_drawn_as_an_annotation_is_printed() -> None:
    src = pikepdf.open(io.BytesIO(_text_pdf(["Kết quả"])))
    appearance = pikepdf.Stream(src, b"0 0 0 rg 0 0 100 40 re f")
    appearance["/Type"], appearance["/Subtype"] = pikepdf.Name.XObject, pikepdf.Name.Form
    appearance["/BBox"] = [0, 0, 100, 40]
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp, F=4,
                               Rect=[300, 300, 400, 340], AP=pikepdf.Dictionary(N=appearance))
    src.pages[0].obj["/Annots"] = src.make_indirect(pikepdf.Array([src.make_indirect(annot)]))
    buffer = io.BytesIO()
    src.save(buffer)

    plain = make_printable(_text_pdf(["Kết quả"]), _label(), font_path=find_font(None))
    stamped = make_printable(buffer.getvalue(), _label(), font_path=find_font(None))

    assert _render(stamped, dpi=72).mean() < _render(plain, dpi=72).mean() - 1  # ~4,000 px² of black more
    with pikepdf.open(io.BytesIO(stamped)) as doc:
        assert "/Annots" not in doc.pages[0].obj


def test_an_encrypted_or_broken_pdf_is_refused_with_its_code() -> None:
    src = pikepdf.open(io.BytesIO(_text_pdf(["bí mật"])))
    buffer = io.BytesIO()
    src.save(buffer, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(InputError) as locked:
        make_printable(buffer.getvalue(), _label(), font_path=find_font(None))
    assert locked.value.code == ErrorCode.ENCRYPTED_PDF

    with pytest.raises(InputError) as broken:
        make_printable(b"%PDF-1.7\nnot really", _label(), font_path=find_font(None))
    assert broken.value.code == ErrorCode.CORRUPT_PDF


def test_a_label_without_a_required_code_or_a_time_zone_is_refused() -> None:
    with pytest.raises(InputError):
        _label(ma_tthc="  ")
    with pytest.raises(InputError):
        PrintLabel(ma_ho_so="a", ma_tthc="b", ma_dinh_danh="c", ten_giay_to="d", printed_at=datetime(2025, 1, 1))


def test_a_payload_folds_values_onto_one_line_and_foreign_qr_text_is_refused() -> None:
    text = qr_payload(_label(ten_giay_to="Giấy\nchứng nhận"))
    assert parse_payload(text)["ten_giay_to"] == "Giấy chứng nhận"
    with pytest.raises(InputError):
        parse_payload("001090001234|Nguyễn Văn An|01011990")
