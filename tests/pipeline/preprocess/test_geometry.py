"""Orientation and skew are found from the ink alone, for every quarter turn and skews up to 15°."""

from __future__ import annotations

import cv2
import pytest

from pipeline.preprocess import estimate_geometry
from pipeline.preprocess._geometry import deskew, rotate_quarter
from tests.pipeline._pages import rotate, text_page, turn


def _ink(img):
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]


@pytest.mark.parametrize("quarter", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [0.0, 2.5, -7.0, 12.0])
def test_turn_and_skew_are_undone(quarter: int, skew: float) -> None:
    page = turn(rotate(text_page(), skew), quarter)
    geo = estimate_geometry(_ink(page))
    assert geo.rotation == (360 - quarter) % 360
    assert geo.skew == pytest.approx(-skew, abs=0.3)
    assert geo.confident


def test_upright_page_after_correction_reads_upright_again() -> None:
    page = turn(rotate(text_page(), 4.0), 270)
    geo = estimate_geometry(_ink(page))
    fixed = deskew(rotate_quarter(page, geo.rotation), geo.skew)
    again = estimate_geometry(_ink(fixed))
    assert again.rotation == 0
    assert abs(again.skew) <= 0.3


def test_blank_page_has_no_turn() -> None:
    blank = text_page(lines=())
    geo = estimate_geometry(_ink(blank))
    assert geo.rotation == 0 and geo.skew == 0.0


def test_orientation_off_keeps_the_page_as_it_lies() -> None:
    page = turn(text_page(), 180)
    geo = estimate_geometry(_ink(page), detect_orientation=False)
    assert geo.rotation == 0
