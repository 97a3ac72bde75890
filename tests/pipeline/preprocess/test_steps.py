"""Preprocessing is one named list of steps run by one loop; working scale follows the glyphs, not the dpi."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr import ocr_page
from pipeline.preprocess import FIRST_READ, SECOND_READ, prepare_page, step_names
from pipeline.preprocess._scale import glyph_size
from pipeline.types import SourcePage
from schemas.settings import OcrSettings, PreprocessSettings
from tests.pipeline._pages import LINES, text_page


def _source(img: np.ndarray, dpi: int, *, declared: bool = True) -> SourcePage:
    return SourcePage(number=1, image=img, dpi=dpi, origin="image", width=img.shape[1], height=img.shape[0],
                      dpi_declared=declared)


def test_the_order_of_the_steps_is_in_one_list_and_every_step_is_recorded() -> None:
    assert step_names(FIRST_READ) == ("sheet", "scale", "grey", "light", "sharpen", "denoise", "geometry",
                                      "binarize", "leaders", "blank", "ocr_input")
    assert step_names(SECOND_READ) == ("sheet", "scale", "grey", "deblur", "osd", "ocr_input")
    prepared = prepare_page(_source(text_page(), 200), cfg=PreprocessSettings())
    assert tuple(r.name for r in prepared.trace) == step_names(FIRST_READ)
    assert all(r.ran and r.ms >= 0 for r in prepared.trace)
    assert dict((r.name, r.decided) for r in prepared.trace)["ocr_input"] == "grey"


def test_a_step_switched_off_by_name_is_skipped_and_recorded() -> None:
    grey = cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY).astype(np.float32)
    shaded = (grey * np.linspace(0.5, 1.0, grey.shape[1], dtype=np.float32)[None, :]).astype(np.uint8)
    page = _source(cv2.cvtColor(shaded, cv2.COLOR_GRAY2BGR), 200)
    on = prepare_page(page, cfg=PreprocessSettings())
    off = prepare_page(page, cfg=PreprocessSettings(skip=("light", "leaders")))
    records = {r.name: r for r in off.trace}
    assert not records["light"].ran and records["light"].decided == "off"
    assert not records["leaders"].ran and records["binarize"].ran
    assert "light" in on.steps and "light" not in off.steps
    # the old switches still work, and say so in the record
    legacy = prepare_page(page, cfg=PreprocessSettings(normalize_light=False))
    assert not {r.name: r for r in legacy.trace}["light"].ran


def test_a_phone_resolution_page_is_enlarged_to_working_scale_and_read() -> None:
    page = text_page()
    small = cv2.resize(page, (576, round(576 * page.shape[0] / page.shape[1])), interpolation=cv2.INTER_AREA)
    assert glyph_size(small) < 13  # letters a few pixels high, as in a messaging-app photo
    prepared = prepare_page(_source(small, 72, declared=False), cfg=PreprocessSettings())
    assert any(s.startswith("scale:") for s in prepared.steps)
    assert prepared.ocr_image.shape[1] > 1.5 * 576
    # read binary, with the grey around its ink as the alternative the self-check weighs
    assert set(np.unique(prepared.ocr_image)) <= {0, 255}
    assert prepared.alternative is not None and prepared.alternative.shape == prepared.ocr_image.shape
    assert len(np.unique(prepared.alternative)) > 2
    text = ocr_page(prepared, cfg=OcrSettings()).text
    assert "001190012345" in text
    assert "Nguyễn Thị Ngọc Diễm" in text


def test_a_1200_dpi_scan_is_brought_down_and_read() -> None:
    page = text_page(lines=LINES[3:6], width=1100, height=330, size=30, margin=60)  # ~200 dpi
    big = cv2.resize(page, None, fx=6, fy=6, interpolation=cv2.INTER_CUBIC)  # ~1200 dpi
    assert glyph_size(big) > 80
    # declared as 1200 dpi: resampled to the working resolution
    declared = prepare_page(_source(big, 1200), cfg=PreprocessSettings())
    assert declared.ocr_image.shape[1] < big.shape[1] / 2
    # declared wrongly (300 dpi for a 1200-dpi scan): the glyphs tell, and the page is scaled down
    wrong = prepare_page(_source(big, 300), cfg=PreprocessSettings())
    assert any(s.startswith("scale:0.") for s in wrong.steps)
    assert wrong.ocr_image.shape[1] < big.shape[1] / 2
    assert "Nguyễn Thị Ngọc Diễm" in ocr_page(wrong, cfg=OcrSettings()).text


def test_a_scan_at_an_ordinary_resolution_is_not_rescaled() -> None:
    prepared = prepare_page(_source(text_page(), 200), cfg=PreprocessSettings())
    assert not any(s.startswith("scale:") for s in prepared.steps)
    assert prepared.ocr_image.shape[:2] == text_page().shape[:2]



def test_a_blank_sheet_whose_grain_measures_as_tiny_glyphs_is_not_enlarged() -> None:
    """Given a blank sheet (a stack's separator) whose paper grain measures as glyphs a few pixels high,
    when it is prepared, then it is found blank at its own size instead of being enlarged first."""
    rng = np.random.default_rng(0)
    paper = cv2.GaussianBlur(np.clip(rng.normal(235, 3, (1754, 1240)), 0, 255).astype(np.uint8), (3, 3), 0)
    sheet = cv2.cvtColor(paper, cv2.COLOR_GRAY2BGR)
    assert glyph_size(sheet) < 13  # what would have enlarged it
    prepared = prepare_page(_source(sheet, 150), cfg=PreprocessSettings())
    assert prepared.blank
    assert not any(s.startswith("scale:") for s in prepared.steps)
    assert prepared.ocr_image.shape[:2] == sheet.shape[:2]
    assert "blank, kept" in {r.name: r for r in prepared.trace}["scale"].decided
