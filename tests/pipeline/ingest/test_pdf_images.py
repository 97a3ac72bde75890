"""Scanned PDF pages: the embedded image is taken at native resolution, upright, in the colours a viewer shows.

pdfium renders each page as the referee: our native extraction must match what a
viewer displays (a wrong turn or inverted colours differ by 35+ grey levels on
average; resampling noise stays under 8).
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.ingest import open_document
from pipeline.types import SourcePage
from schemas.settings import IngestSettings
from tests.pipeline.ingest import pdfs, samples

SAME = 12.0  # mean grey-level difference below which two renderings show the same page


def read_one(data: bytes, cfg: IngestSettings, name: str = "scan.pdf") -> SourcePage:
    with open_document(data, name=name, cfg=cfg) as doc:
        assert doc.kind == "pdf" and doc.page_count == 1
        return doc.page(0)


@pytest.mark.parametrize("kind", pdfs.KINDS)
def test_each_scanner_encoding_is_extracted_natively_as_a_viewer_shows_it(kind: str, cfg: IngestSettings) -> None:
    data = pdfs.image_pdf(kind, dpi=300)
    page = read_one(data, cfg)
    assert page.origin == "pdf_image"
    assert page.dpi == 300
    assert page.image is not None and page.image.dtype == np.uint8
    assert (page.width, page.height) == (pdfs.WIDTH, pdfs.HEIGHT)
    assert pdfs.difference(page.image, pdfs.reference(data, 0, 300)) < SAME


@pytest.mark.parametrize(
    ("kind", "source"),
    [("flate-grey", pdfs.GREY), ("flate-grey-16", pdfs.GREY), ("flate-grey-decode-inverted", pdfs.GREY),
     ("ccitt-g4", pdfs.BILEVEL), ("jbig2", pdfs.BILEVEL), ("image-mask", pdfs.BILEVEL)],
)
def test_lossless_grey_and_bilevel_encodings_give_back_the_exact_pixels(
    kind: str, source: np.ndarray, cfg: IngestSettings
) -> None:
    page = read_one(pdfs.image_pdf(kind), cfg)
    assert page.image is not None and page.image.ndim == 2
    assert np.array_equal(page.image, source)
    assert page.color is False


def test_rgb_with_soft_mask_is_composited_on_white(cfg: IngestSettings) -> None:
    page = read_one(pdfs.image_pdf("flate-rgb-smask"), cfg)
    assert page.image is not None and page.image.shape == pdfs.PAGE.shape
    paper = pdfs.GREY >= 250
    assert page.image[paper].min() == 255


@pytest.mark.parametrize("kind", ["dct-cmyk-adobe", "indexed-8", "jpx"])
def test_colour_encodings_keep_the_red_seal_red(kind: str, cfg: IngestSettings) -> None:
    page = read_one(pdfs.image_pdf(kind), cfg)
    assert page.image is not None and page.color is True
    b, g, r = (int(v) for v in page.image[pdfs.HEIGHT - 80, pdfs.WIDTH - 140])
    assert r > 150 and g < 120 and b < 120


def test_two_colour_indexed_image_keeps_its_blue_ink(cfg: IngestSettings) -> None:
    page = read_one(pdfs.image_pdf("indexed-1"), cfg)
    assert page.image is not None and page.color is True
    ink = page.image[pdfs.BILEVEL < 128]
    assert np.all(ink == [120, 20, 10])  # BGR of the palette's (10, 20, 120)


@pytest.mark.parametrize(
    ("turn", "rotate"),
    [(0, 90), (0, 180), (0, 270), (0, -90), (0, 450), (90, None), (270, None), (180, None), (-1, None), (90, 270)],
    ids=["rotate90", "rotate180", "rotate270", "rotate-90", "rotate450", "matrix90", "matrix270", "matrix180",
         "flipped", "matrix90+rotate270"],
)
def test_page_rotation_and_image_placement_are_honoured(turn: int, rotate: int | None, cfg: IngestSettings) -> None:
    data = pdfs.image_pdf("dct-rgb", turn=turn, rotate=rotate)
    page = read_one(data, cfg)
    assert page.origin == "pdf_image"
    assert page.image is not None
    reference = pdfs.reference(data, 0, 300)
    assert pdfs.difference(page.image, reference) < SAME
    assert (page.height, page.width) == page.image.shape[:2]


def test_odd_rotation_45_is_read_as_pdfium_reads_it(cfg: IngestSettings) -> None:
    data = pdfs.image_pdf("flate-grey", rotate=45)
    page = read_one(data, cfg)
    assert page.image is not None
    assert pdfs.difference(page.image, pdfs.reference(data, 0, 300)) < SAME


@pytest.mark.parametrize("dpi", [200, 300, 150])
def test_dpi_follows_from_the_image_size_on_the_page(dpi: int, cfg: IngestSettings) -> None:
    page = read_one(pdfs.image_pdf("ccitt-g4", dpi=dpi), cfg)
    assert page.origin == "pdf_image"
    assert page.dpi == dpi
    assert page.image is not None and page.image.shape == pdfs.BILEVEL.shape


def test_image_inside_a_form_xobject_is_extracted(cfg: IngestSettings) -> None:
    data = pdfs.image_pdf("jbig2", in_form=True)
    page = read_one(data, cfg)
    assert page.origin == "pdf_image"
    assert page.image is not None and np.array_equal(page.image, pdfs.BILEVEL)


def test_without_jbig2dec_a_jbig2_page_is_rendered_instead(
    cfg: IngestSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    page = read_one(pdfs.image_pdf("jbig2"), cfg)
    assert page.origin == "pdf_render"
    assert page.image is not None
    assert pdfs.difference(page.image, pdfs.BILEVEL) < SAME


def test_an_invisible_ocr_layer_over_a_scan_is_ignored_and_the_scan_is_taken(cfg: IngestSettings) -> None:
    ocr_layer = samples.text_ops([(10, 40 + 12 * i, "HO VA TEN NGUYEN VAN AN SINH NGAY") for i in range(8)], mode=3)
    page = read_one(pdfs.image_pdf("dct-rgb", after=ocr_layer, text=True), cfg)
    assert page.origin == "pdf_image"
    assert page.words == ()


def test_visible_text_hidden_under_the_scan_is_ignored(cfg: IngestSettings) -> None:
    under = samples.text_ops([(10, 40 + 12 * i, "HO VA TEN NGUYEN VAN AN SINH NGAY") for i in range(8)])
    page = read_one(pdfs.image_pdf("flate-grey", before=under, text=True), cfg)
    assert page.origin == "pdf_image"


def test_a_stamp_painted_over_the_scan_makes_the_page_rendered_so_it_is_kept(cfg: IngestSettings) -> None:
    data = pdfs.image_pdf("flate-grey", after=samples.text_ops([(10, 20, "BAN SAO")], size=20), text=True)
    page = read_one(data, cfg)
    assert page.origin == "pdf_render"
    assert page.dpi == cfg.raster_dpi
    assert page.image is not None
    assert pdfs.difference(page.image, pdfs.reference(data, 0, 300)) < 1.0


def test_a_small_2400_dpi_scan_is_brought_down_to_max_dpi(cfg: IngestSettings) -> None:
    data, width, height = samples.huge_bilevel_page(dpi=2400, size_in=(1.0, 1.5))
    page = read_one(data, cfg)
    assert page.origin == "pdf_image"
    assert page.dpi == cfg.max_dpi == 400
    assert page.image is not None and page.image.shape == (600, 400)
    assert (width, height) == (2400, 3600)
    assert page.image.min() < 64  # the black bars survive INTER_AREA


def test_an_a4_2400_dpi_scan_too_big_to_decode_whole_is_rendered_at_max_dpi(cfg: IngestSettings) -> None:
    data, width, height = samples.huge_bilevel_page(dpi=2400)
    assert width * height > cfg.max_pixels
    page = read_one(data, cfg)
    assert page.origin == "pdf_render"
    assert page.dpi == 400
    assert page.image is not None
    assert abs(page.image.shape[0] - 11.69 * 400) <= 2 and abs(page.image.shape[1] - 8.27 * 400) <= 2
    bar_row = page.image.shape[0] // 32 + page.image.shape[0] // 128
    assert page.image[bar_row, page.image.shape[1] // 2].max() < 64


def test_max_dpi_setting_limits_native_images() -> None:
    page = read_one(pdfs.image_pdf("flate-grey", dpi=600), IngestSettings(max_dpi=300))
    assert page.dpi == 300
    assert page.image is not None and page.image.shape == (pdfs.HEIGHT // 2, pdfs.WIDTH // 2)


def test_a_form_xobject_that_draws_itself_does_not_hang_and_is_rendered(cfg: IngestSettings) -> None:
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    form = pikepdf.Stream(pdf, b"0 0 10 10 re f /Fm0 Do")
    form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    form.BBox = [0, 0, 200, 200]
    form = pdf.make_indirect(form)
    form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    page.Contents = pikepdf.Stream(pdf, b"/Fm0 Do")
    result = read_one(samples.pdf_bytes(pdf), cfg)
    assert result.origin == "pdf_render"
    assert result.image is not None and result.image[-20:, :20].max() < 64  # the 10-pt square, bottom-left


def test_a_jpeg_scan_above_max_dpi_is_decoded_reduced_then_brought_to_max_dpi(cfg: IngestSettings) -> None:
    data = pdfs.image_pdf("dct-rgb", dpi=1200)
    page = read_one(data, cfg)
    assert page.origin == "pdf_image"
    assert page.dpi == 400
    assert page.image is not None and page.image.shape == (round(pdfs.HEIGHT / 3), round(pdfs.WIDTH / 3), 3)
    assert pdfs.difference(page.image, pdfs.reference(data, 0, 400)) < SAME
