"""Seals are lifted off the text, shadows evened out, blank pages told from pages with text."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess._tone import (
    binarize,
    despeckle,
    even_light,
    ink_threshold,
    is_blank,
    masked_grey,
    to_gray,
)
from tests.pipeline._pages import text_page


def test_red_seal_over_text_is_lifted_but_the_text_under_it_stays_black() -> None:
    page = text_page()
    seal = page.copy()
    cv2.circle(seal, (600, 520), 180, (40, 40, 220), 14)  # a red ring, BGR
    cv2.putText(seal, "UBND", (480, 540), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (40, 40, 220), 10)
    gray = to_gray(seal)
    ring = (seal[:, :, 2] > 180) & (seal[:, :, 0] < 80)
    assert gray[ring].mean() > 200  # the seal's ink reads as paper
    text_under = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 80
    assert gray[text_under & ~ring].mean() < 90  # text stays dark


def test_a_dark_red_seal_leaves_no_specks_for_ocr() -> None:
    """A seal printed dark (red channel ~130, under the ink threshold), soft-edged: lifted whole, no specks left."""
    page = text_page()
    seal = page.copy()
    cv2.circle(seal, (1200, 520), 180, (35, 30, 125), 14, lineType=cv2.LINE_AA)
    cv2.circle(seal, (1200, 520), 150, (50, 45, 135), 4, lineType=cv2.LINE_AA)
    cv2.putText(seal, "UBND", (1080, 540), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (35, 30, 125), 10, cv2.LINE_AA)
    ink = binarize(even_light(to_gray(seal))) == 0
    text = cv2.dilate((cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 200).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert int((ink & ~text).sum()) < 50  # the seal is gone, specks and all
    assert (ink & text).sum() > 0.5 * (cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 80).sum()  # the text is not


def test_red_title_line_is_kept() -> None:
    page = text_page()
    cv2.putText(page, "GIAY CHUNG NHAN QUYEN SU DUNG DAT", (60, 1100), cv2.FONT_HERSHEY_SIMPLEX, 1.6,
                (30, 30, 200), 4)
    gray = to_gray(page)
    red = (page[:, :, 2] > 150) & (page[:, :, 0] < 60)
    assert gray[red].mean() < 120


def test_shadow_is_evened_out() -> None:
    page = cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY).astype(np.float32)
    ramp = np.linspace(0.35, 1.0, page.shape[1], dtype=np.float32)[None, :]
    shaded = (page * ramp).astype(np.uint8)
    even = even_light(shaded)
    left, right = even[:, 20:80], even[:, -80:-20]
    assert abs(float(np.median(left)) - float(np.median(right))) < 15
    assert binarize(even)[:, :200].mean() > 200  # the dark side is paper again, not black


def test_an_evenly_lit_page_is_left_as_it_is_and_a_shaded_one_is_evened() -> None:
    """Dividing an even page by its background only rounds its strokes' edges: it is not done."""
    page = cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY)
    assert even_light(page, min_spread=8.0) is page
    ramp = np.linspace(0.35, 1.0, page.shape[1], dtype=np.float32)[None, :]
    shaded = (page.astype(np.float32) * ramp).astype(np.uint8)
    assert even_light(shaded, min_spread=8.0) is not shaded


def test_a_seal_on_a_noisy_page_leaves_no_grain_where_it_was_lifted() -> None:
    """Lifting a seal turns its ink to paper but keeps the sensor's grain in it, which reads as specks."""
    page = text_page()
    seal = page.copy()
    cv2.circle(seal, (1200, 520), 180, (40, 40, 220), 14)
    noisy = np.clip(seal.astype(np.float32) + np.random.default_rng(3).normal(0, 22, seal.shape), 0, 255)
    ink = binarize(to_gray(noisy.astype(np.uint8))) == 0
    ring = np.zeros(page.shape[:2], np.uint8)
    cv2.circle(ring, (1200, 520), 180, 1, 30)
    text = cv2.dilate((cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 200).astype(np.uint8), np.ones((5, 5), np.uint8))
    assert int((ink & (ring > 0) & (text == 0)).sum()) < 20  # 75 specks when the grain is kept


def test_blank_page_and_page_with_text() -> None:
    blank = np.full((1200, 900), 255, np.uint8)
    noise = np.random.default_rng(1).random(blank.shape) < 0.0002
    blank[noise] = 0
    assert is_blank(blank)
    assert not is_blank(binarize(cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY)))


def test_despeckle_clears_a_page_full_of_specks_and_leaves_a_few_alone() -> None:
    page = binarize(cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY))
    rng = np.random.default_rng(3)
    spots = rng.random(page.shape) < 0.004  # thousands of one-pixel specks
    noisy = page.copy()
    noisy[spots & (page == 255)] = 0
    cleaned = despeckle(noisy)
    assert np.count_nonzero((cleaned == 0) & (page == 255)) < 0.05 * np.count_nonzero(spots)  # bar those touching
    assert np.array_equal(cleaned[page == 0], page[page == 0])  # the letters keep every pixel
    few = page.copy()
    few[100:130:10, 50:250:10] = 0  # sixty specks: dots a page may well carry
    assert despeckle(few) is few


def test_masked_grey_keeps_a_faint_mark_beside_the_text_and_clears_the_rest() -> None:
    gray = np.full((300, 600), 215, np.uint8)
    gray += np.random.default_rng(2).integers(0, 6, gray.shape, dtype=np.uint8)  # paper grain
    cv2.putText(gray, "NGUYEN", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.4, 40, 7)
    top = int(np.argmax((gray < 100).any(axis=1)))
    cv2.line(gray, (70, top - 5), (100, top - 12), 150, 3)  # a faint diacritic just above the text
    cv2.circle(gray, (520, 60), 12, 150, -1)  # a faint smudge far from any text
    binary = binarize(gray)
    mark = (slice(top - 14, top - 3), slice(70, 101))
    assert binary[mark].min() == 255  # the threshold dropped the diacritic

    out = masked_grey(gray, binary, level=ink_threshold(gray), reach=21)

    text = out[binary == 0]
    assert np.median(text) < 90 and text.max() <= 128  # text stays dark: the ink threshold maps to mid-grey
    assert out[mark].min() < 200  # the diacritic is still there, in grey
    assert out[50:71, 510:531].min() == 255  # the smudge far from the text is gone
    assert np.median(out[250:, :]) == 255  # paper grain is white


def test_medians_from_counts_are_numpy_medians() -> None:
    """The histogram medians give exactly what np.median gave, odd and even counts, flat and peaked samples."""
    from pipeline.preprocess._tone import median_u8, noise_level

    rng = np.random.default_rng(7)
    for trial in range(200):
        h, w = (int(v) for v in rng.integers(1, 50, 2))
        if trial % 2:
            gray = rng.integers(0, 256, (h, w)).astype(np.uint8)
        else:
            gray = np.clip(rng.normal(210, rng.uniform(1, 40), (h, w)), 0, 255).astype(np.uint8)
        assert median_u8(gray) == float(np.median(gray))
        sample = gray[::4, ::4].astype(np.float32)
        paper = float(np.median(sample))
        grain = float(np.median(np.abs(sample - paper))) * 1.4826
        otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        assert ink_threshold(gray) == min(float(otsu), paper - 6.0 * grain - 12.0)
        lap = np.abs(cv2.Laplacian(gray, cv2.CV_16S, ksize=3)[::4, ::4]).astype(np.float32)
        assert noise_level(gray) == float(np.median(lap) * 1.4826)


def test_masked_grey_whitens_exactly_the_pixels_far_from_ink_or_erased() -> None:
    """The grey OCR reads: stretched levels, white where the binary image has no ink near or erased some."""
    page = cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY)
    level = ink_threshold(page)
    binary = binarize(page, level=level)
    binary[40:60, :] = 255  # as if leaders there had been erased
    out = masked_grey(page, binary, level=level, reach=21)
    near = cv2.dilate(255 - binary, cv2.getStructuringElement(cv2.MORPH_RECT, (21, 21)))
    erased = cv2.dilate(cv2.bitwise_and(cv2.threshold(page, level, 255, cv2.THRESH_BINARY_INV)[1], binary),
                        np.ones((3, 3), np.uint8))
    white = (near == 0) | (erased > 0)
    assert (out[white] == 255).all()
    paper = float(np.median(page[::4, ::4]))
    hi = level + 0.8 * (paper - level)
    lo = max(0.0, 2 * level - hi)
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * (255.0 / max(hi - lo, 1.0)), 0, 255).astype(np.uint8)
    assert (out[~white] == lut[page[~white]]).all()


def test_a_page_with_text_only_outside_its_middle_band_is_not_blank() -> None:
    """The middle band answers first; text only at the top (a short letter, a cover) is still found."""
    page = binarize(cv2.cvtColor(text_page(), cv2.COLOR_BGR2GRAY))
    top_only = np.full_like(page, 255)
    top_only[: page.shape[0] // 3] = page[: page.shape[0] // 3]
    assert not is_blank(page)
    assert not is_blank(top_only)
    assert is_blank(np.full_like(page, 255))
