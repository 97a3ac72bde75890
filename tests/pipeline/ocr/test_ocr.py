"""OCR reads Vietnamese with boxes and lines; upside-down and skewed pages come out upright."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import qrcode

from pipeline.ocr import decode_qr, ocr_page
from pipeline.preprocess import prepare_page
from pipeline.preprocess._steps import FORM_LEADERS
from pipeline.types import PreparedPage, SourcePage
from schemas.errors import EngineError, ErrorCode
from schemas.settings import OcrSettings, PreprocessSettings
from tests.pipeline._pages import on_background, rotate, text_page, turn
from tests.pipeline.extract._forms import fill_cc01, scanned


def _source(img: np.ndarray, dpi: int = 200) -> SourcePage:
    return SourcePage(number=1, image=img, dpi=dpi, origin="image", width=img.shape[1], height=img.shape[0])


def _read(img: np.ndarray, dpi: int = 200, **pre: Any):
    prepared = prepare_page(_source(img, dpi), cfg=PreprocessSettings(**pre))
    return prepared, ocr_page(prepared, cfg=OcrSettings())


def test_words_have_boxes_lines_and_confidences() -> None:
    _, page = _read(text_page())
    assert "Nguyễn Thị Ngọc Diễm" in page.text
    assert "001190012345" in page.text
    line_of = {w.text: w.line for w in page.words}
    assert line_of["Diễm"] == line_of["Nguyễn"]
    assert line_of["001190012345"] != line_of["Nguyễn"]
    number = next(w for w in page.words if w.text == "001190012345")
    x0, y0, x1, y1 = number.box
    assert 0 < x0 < x1 <= page.width and 0 < y0 < y1 <= page.height
    assert 0.5 < number.conf <= 1.0


@pytest.mark.parametrize("quarter", [90, 180, 270])
def test_turned_and_skewed_page_reads_upright(quarter: int) -> None:
    prepared, page = _read(turn(rotate(text_page(), 3.0), quarter))
    assert prepared.rotation == (360 - quarter) % 360
    assert "Số định danh cá nhân: 001190012345" in page.text


def test_phone_photo_is_flattened_before_reading() -> None:
    sheet = text_page(width=1240, height=1754, size=30)
    corners = np.array([[230, 200], [1000, 250], [1080, 1430], [130, 1370]], np.float32)
    photo = on_background(sheet, canvas=(1600, 1200), corners=corners)
    prepared, page = _read(photo, dpi=72)
    assert any(s.startswith("sheet:") for s in prepared.steps)
    assert "grey" in prepared.steps  # a camera's soft letters are read in grey, not thresholded
    assert ((prepared.ocr_image > 0) & (prepared.ocr_image < 255)).mean() > 0.001
    assert "001190012345" in page.text

    binary, page = _read(photo, dpi=72, ocr_input="binary")
    assert "grey" not in binary.steps and set(np.unique(binary.ocr_image)) <= {0, 255}
    assert "001190012345" in page.text


def test_flatbed_scan_of_text_is_read_from_the_grey_around_its_ink() -> None:
    """A threshold breaks thin strokes of the marks; the grey keeps them, white away from the ink."""
    prepared, page = _read(text_page())
    assert "grey" in prepared.steps and len(np.unique(prepared.ocr_image)) > 2
    assert "Nguyễn Thị Ngọc Diễm" in page.text


def test_a_form_is_read_from_the_binary_image() -> None:
    """The official CC01 form printed and scanned: tens of leaders and boxes, which leave fragments in grey."""
    scan = np.array(scanned(fill_cc01(3).pdf, seed=3).convert("RGB"))[:, :, ::-1].copy()
    prepared = prepare_page(_source(scan, 300), cfg=PreprocessSettings())
    decided = {r.name: r.decided for r in prepared.trace}
    assert int(decided["leaders"].split()[0]) >= FORM_LEADERS
    assert decided["ocr_input"] == "binary" and set(np.unique(prepared.ocr_image)) <= {0, 255}


def test_blank_page_is_not_sent_to_tesseract() -> None:
    prepared = PreparedPage(number=3, color=np.full((50, 50, 3), 255, np.uint8),
                            ocr_image=np.full((50, 50), 255, np.uint8), dpi=300, blank=True)
    page = ocr_page(prepared, cfg=OcrSettings(tesseract_cmd="/nonexistent/tesseract"))
    assert page.blank and page.words == ()


def test_missing_tesseract_is_a_clear_error() -> None:
    prepared, _ = _read(text_page(lines=("Họ và tên: Nguyễn Văn An", "Sinh ngày 01/02/1990")))
    with pytest.raises(EngineError) as e:
        ocr_page(prepared, cfg=OcrSettings(tesseract_cmd="/nonexistent/tesseract"))
    assert e.value.code is ErrorCode.ENGINE_MISSING


def test_missing_language_model_is_a_clear_error() -> None:
    prepared, _ = _read(text_page(lines=("Họ và tên: Nguyễn Văn An", "Sinh ngày 01/02/1990")))
    with pytest.raises(EngineError) as e:
        ocr_page(prepared, cfg=OcrSettings(lang="xyz"))
    assert e.value.code is ErrorCode.ENGINE_MISSING


def test_qr_payload_is_decoded_with_its_vietnamese_text() -> None:
    payload = "001190012345|123456789|Nguyễn Thị Ngọc Diễm|05031990|Nữ|Hà Nội|12042021"
    qr = np.array(qrcode.make(payload.encode(), box_size=6, border=4).convert("RGB"))[:, :, ::-1]
    page = text_page()
    page[100 : 100 + qr.shape[0], 1100 : 1100 + qr.shape[1]] = qr
    assert decode_qr(page) == (payload,)
    assert decode_qr(text_page()) == ()


def test_tesseract_reads_dark_text_on_paper_without_its_inverted_second_read() -> None:
    """With ``invert`` off, tesseract is told not to read poor lines inverted, and a page still reads whole."""
    from pipeline.ocr._tesseract import _engine

    prepared = prepare_page(_source(text_page()), cfg=PreprocessSettings())
    page = ocr_page(prepared, cfg=OcrSettings(invert=False))
    assert "Nguyễn Thị Ngọc Diễm" in page.text and "001190012345" in page.text
    assert _engine(OcrSettings()).GetVariableAsString("tessedit_do_invert") == "0"
    ocr_page(prepared, cfg=OcrSettings())
    assert _engine(OcrSettings()).GetVariableAsString("tessedit_do_invert") == "1"
