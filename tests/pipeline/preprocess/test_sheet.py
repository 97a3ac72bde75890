"""Sheets on a desk or a scanner bed are found and flattened; a full-page scan is left alone."""

from __future__ import annotations

import numpy as np

from pipeline.preprocess import find_sheets, prepare_page
from pipeline.preprocess._sheet import flatten, reading_order
from pipeline.types import SourcePage
from schemas.settings import PreprocessSettings
from tests.pipeline._pages import on_background, text_page


def test_photo_of_a_sheet_in_perspective_gives_its_corners() -> None:
    page = text_page(width=1240, height=1754)  # A4 proportions
    corners = np.array([[230, 200], [1000, 250], [1080, 1430], [130, 1370]], np.float32)
    photo = on_background(page, canvas=(1600, 1200), corners=corners)
    sheets = find_sheets(photo)
    assert len(sheets) == 1
    assert sheets[0].kind == "a4"
    assert np.abs(sheets[0].quad - corners).max() < 12


def test_flattened_sheet_has_the_paper_size_at_the_asked_resolution() -> None:
    page = text_page(width=1240, height=1754)
    corners = np.array([[230, 200], [1000, 250], [1080, 1430], [130, 1370]], np.float32)
    photo = on_background(page, canvas=(1600, 1200), corners=corners)
    flat = flatten(photo, find_sheets(photo)[0], dpi=300)
    assert flat.shape[:2] == (3508, 2480)
    # the flattened page is paper all the way to its edges, no desk left in it
    assert flat[20:60, 20:60].mean() > 200 and flat[-60:-20, -60:-20].mean() > 200


def test_full_page_scan_is_not_cropped() -> None:
    assert find_sheets(text_page()) == []


def _two_cards(bed_shape: tuple[int, int]) -> np.ndarray:
    card = np.full((320, 506, 3), (225, 200, 170), np.uint8)  # CR80 proportions, tinted card stock
    card[40:60, 40:300] = 40
    bed = np.full((*bed_shape, 3), 250, np.uint8)
    bed[200:520, 150:656] = card
    bed[800:1120, 300:806] = card
    return bed


def test_front_and_back_of_a_card_on_a_bed_are_both_found_front_first() -> None:
    sheets = reading_order(find_sheets(_two_cards((1754, 1240))))
    assert [s.kind for s in sheets] == ["id_card", "id_card"]
    assert sheets[0].quad[:, 1].mean() < sheets[1].quad[:, 1].mean()


def test_both_cards_are_read_from_a_page_of_no_paper_size() -> None:
    # 1500 x 1300 px at 150 dpi is no paper size: the page is taken for a photo, yet both cards are read
    bed = _two_cards((1500, 1300))
    page = SourcePage(number=1, image=bed, dpi=150, origin="image", width=1300, height=1500)
    prepared = prepare_page(page, cfg=PreprocessSettings())
    assert prepared.steps.count("sheet:id_card") == 2
    h, w = prepared.color.shape[:2]
    assert h > w  # two landscape cards stacked, not one
