"""Image files: every format and colour mode scanners and phones produce comes out as uint8 BGR or grey."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from PIL import Image

from pipeline.ingest import open_document
from pipeline.types import SourcePage
from schemas.settings import IngestSettings
from tests.pipeline.ingest import samples

Reader = Callable[..., list[SourcePage]]
PAGE = samples.page_pixels()
GREY = samples.grey_pixels()
BILEVEL = samples.bilevel_pixels()


def only(pages: list[SourcePage]) -> SourcePage:
    assert len(pages) == 1
    return pages[0]


def mark_is_dark(img: np.ndarray) -> bool:
    """The asymmetric mark of samples.page_pixels sits at the top-left when the page is upright."""
    return float(img[12:38, 12:88].mean()) < 60


def test_colour_png_comes_out_bgr_pixel_for_pixel_with_its_dpi(read_pages: Reader) -> None:
    page = only(read_pages(samples.png(PAGE, dpi=300), "scan.png"))
    assert page.image is not None
    assert np.array_equal(page.image, PAGE)
    assert (page.number, page.dpi, page.origin, page.color) == (1, 300, "image", True)
    assert (page.width, page.height) == (PAGE.shape[1], PAGE.shape[0])
    assert page.words == ()


def test_grey_png_stays_single_channel_and_not_colour(read_pages: Reader) -> None:
    page = only(read_pages(samples.png(GREY), "grey.png"))
    assert page.image is not None and page.image.ndim == 2
    assert np.array_equal(page.image, GREY)
    assert page.color is False


def test_png_without_resolution_gets_300_dpi_and_a_note(cfg: IngestSettings) -> None:
    with open_document(samples.png(GREY, dpi=None), name="x.png", cfg=cfg) as doc:
        assert doc.page(0).dpi == 300
        assert any("assumed 300 dpi" in note for note in doc.notes)


def test_a4_at_200_dpi_without_metadata_is_recognised_as_200_dpi(read_pages: Reader) -> None:
    a4_200 = np.full((2339, 1654), 255, np.uint8)
    assert only(read_pages(samples.png(a4_200, dpi=None), "a4.png")).dpi == 200


def test_absurd_declared_dpi_is_not_believed(read_pages: Reader) -> None:
    # a phone says 72 dpi: 480 px at 72 dpi would be a 6.7-inch page, but 72 is below belief
    assert only(read_pages(samples.png(GREY, dpi=72), "phone.png")).dpi == 300


def test_16_bit_grey_png_is_scaled_to_8_bits(read_pages: Reader) -> None:
    page = only(read_pages(samples.png16(GREY), "deep.png"))
    assert page.image is not None and page.image.dtype == np.uint8 and page.image.ndim == 2
    assert np.array_equal(page.image, GREY)


def test_16_bit_colour_png_is_scaled_to_8_bits(read_pages: Reader) -> None:
    page = only(read_pages(samples.png16(PAGE), "deep.png"))
    assert page.image is not None and page.image.shape == PAGE.shape
    assert np.abs(page.image.astype(int) - PAGE).max() <= 1


@pytest.mark.parametrize("sixteen", [False, True])
def test_transparent_png_is_composited_on_white(read_pages: Reader, sixteen: bool) -> None:
    page = only(read_pages(samples.png_alpha(PAGE, sixteen=sixteen), "alpha.png"))
    assert page.image is not None and page.image.shape == PAGE.shape
    paper = cv2.cvtColor(PAGE, cv2.COLOR_BGR2GRAY) >= 250
    assert page.image[paper].min() >= 254  # hidden black under full transparency stays hidden
    assert mark_is_dark(page.image)


def test_colour_palette_png_is_expanded_to_bgr(read_pages: Reader) -> None:
    page = only(read_pages(samples.png_palette(PAGE), "pal.png"))
    assert page.image is not None and page.image.shape == PAGE.shape
    assert page.color is True
    seal = page.image[PAGE.shape[0] - 80, PAGE.shape[1] - 140]  # on the red ring
    assert seal[2] > 150 and seal[1] < 120


def test_grey_palette_png_is_single_channel(read_pages: Reader) -> None:
    page = only(read_pages(samples.png_palette(PAGE, grey=True), "pal.png"))
    assert page.image is not None and page.image.ndim == 2
    assert page.color is False


def test_bilevel_png_comes_out_as_0_and_255(read_pages: Reader) -> None:
    data = samples.save(Image.fromarray(BILEVEL).convert("1"), "PNG", dpi=(300, 300))
    page = only(read_pages(data, "fax.png"))
    assert page.image is not None
    assert set(np.unique(page.image)) == {0, 255}
    assert np.array_equal(page.image, BILEVEL)


def test_jpeg_exif_orientation_is_applied(read_pages: Reader) -> None:
    page = only(read_pages(samples.jpeg(PAGE, orientation=6), "phone.jpg"))
    assert page.image is not None
    assert page.image.shape == PAGE.shape  # stored sideways, delivered upright
    assert mark_is_dark(page.image)
    assert np.abs(page.image.astype(int) - PAGE).mean() < 6


def test_cmyk_jpeg_is_converted_to_bgr_keeping_the_red_seal(read_pages: Reader) -> None:
    page = only(read_pages(samples.jpeg(PAGE, cmyk=True), "cmyk.jpg"))
    assert page.image is not None and page.image.shape == PAGE.shape
    b, g, r = (int(v) for v in page.image[PAGE.shape[0] - 80, PAGE.shape[1] - 140])
    assert r > 150 and g < 120 and b < 120
    assert page.color is True


def test_a_jpeg_far_above_max_dpi_is_decoded_reduced_and_brought_to_max_dpi(read_pages: Reader) -> None:
    big = cv2.resize(PAGE, (PAGE.shape[1] * 4, PAGE.shape[0] * 4), interpolation=cv2.INTER_NEAREST)
    page = only(read_pages(samples.jpeg(big, dpi=1200), "hires.jpg"))
    assert page.dpi == 400
    assert page.image is not None
    assert page.image.shape[:2] == (round(big.shape[0] / 3), round(big.shape[1] / 3))


def test_multi_page_tiff_keeps_page_order_and_modes(read_pages: Reader) -> None:
    sources = [samples.bilevel_pixels(), samples.grey_pixels(), samples.page_pixels(seed=7)]
    pil_pages = [
        Image.fromarray(sources[0]).convert("1"),
        Image.fromarray(sources[1]),
        Image.fromarray(samples.rgb(sources[2])),
    ]
    pages = read_pages(samples.tiff(pil_pages, compression="tiff_lzw"), "dossier.tif")
    assert [p.number for p in pages] == [1, 2, 3]
    for page, source in zip(pages, sources, strict=True):
        assert page.image is not None
        assert np.array_equal(page.image, source)
    assert [p.color for p in pages] == [False, False, True]


@pytest.mark.parametrize("compression", ["group4", "group3", "tiff_lzw", "tiff_adobe_deflate", "packbits", None])
def test_bilevel_tiff_in_every_compression_decodes_exactly(read_pages: Reader, compression: str | None) -> None:
    pil = Image.fromarray(BILEVEL).convert("1")
    pages = read_pages(samples.tiff([pil, pil], compression=compression), "fax.tif")
    assert len(pages) == 2
    assert all(p.image is not None and np.array_equal(p.image, BILEVEL) for p in pages)


def test_jpeg_compressed_tiff_decodes(read_pages: Reader) -> None:
    page = only(read_pages(samples.tiff([Image.fromarray(samples.rgb(PAGE))], compression="jpeg"), "j.tif"))
    assert page.image is not None and np.abs(page.image.astype(int) - PAGE).mean() < 6


def test_cmyk_tiff_is_converted_to_bgr(read_pages: Reader) -> None:
    cmyk = Image.fromarray(samples.rgb(PAGE)).convert("CMYK")
    page = only(read_pages(samples.tiff([cmyk], compression="tiff_lzw"), "cmyk.tif"))
    assert page.image is not None and page.image.shape == PAGE.shape
    assert np.abs(page.image.astype(int) - PAGE).max() <= 2


def test_16_bit_grey_tiff_is_scaled_to_8_bits(read_pages: Reader) -> None:
    deep = (GREY.astype("<u2") * 257).tobytes()
    data = samples.tiff_raw(deep, width=GREY.shape[1], height=GREY.shape[0], samples=1, bits=16, photometric=1)
    page = only(read_pages(data, "deep.tif"))
    assert page.image is not None and np.array_equal(page.image, GREY)
    assert page.dpi == 300


def test_16_bit_cmyk_tiff_is_converted_to_bgr(read_pages: Reader) -> None:
    cmyk = np.asarray(Image.fromarray(samples.rgb(PAGE)).convert("CMYK")).astype("<u2") * 257
    data = samples.tiff_raw(
        cmyk.tobytes(), width=PAGE.shape[1], height=PAGE.shape[0], samples=4, bits=16, photometric=5
    )
    page = only(read_pages(data, "deep-cmyk.tif"))
    assert page.image is not None and page.image.shape == PAGE.shape
    assert np.abs(page.image.astype(int) - PAGE).max() <= 2


def test_fax_resolution_204_by_98_gets_square_pixels(read_pages: Reader) -> None:
    pil = Image.fromarray(BILEVEL).convert("1")
    data = samples.save(pil, "TIFF", compression="group3", dpi=(204, 98))
    page = only(read_pages(data, "fax.tif"))
    assert page.dpi == 204
    assert page.image is not None
    assert page.image.shape == (round(BILEVEL.shape[0] * 204 / 98), BILEVEL.shape[1])


def test_bmp_and_lossless_webp_decode_exactly(read_pages: Reader) -> None:
    pil = Image.fromarray(samples.rgb(PAGE))
    for data, name in ((samples.save(pil, "BMP"), "x.bmp"), (samples.save(pil, "WEBP", lossless=True), "x.webp")):
        page = only(read_pages(data, name))
        assert page.image is not None and np.array_equal(page.image, PAGE), name


def test_lossy_webp_decodes(read_pages: Reader) -> None:
    page = only(read_pages(samples.save(Image.fromarray(samples.rgb(PAGE)), "WEBP", quality=90), "x.webp"))
    assert page.image is not None and np.abs(page.image.astype(int) - PAGE).mean() < 8


def test_only_a_tiff_has_pages_an_animated_webp_is_one_page(cfg: IngestSettings) -> None:
    frames = [Image.fromarray(samples.rgb(samples.page_pixels(seed=s))) for s in range(3)]
    data = samples.save(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    with open_document(data, name="anim.webp", cfg=cfg) as doc:
        assert doc.page_count == 1
        assert doc.page(0).image is not None
        with pytest.raises(IndexError):
            doc.page(1)


def test_pixels_packed_in_one_piece_are_numpys_own() -> None:
    """Given pages in every 8-bit mode (and one in a mode left to numpy), the one-piece packing gives
    exactly the array ``np.asarray`` gives: same shape, same bytes, read-only alike."""
    from pipeline.ingest._raster import _pixels

    rng = np.random.default_rng(3)
    for mode, shape in (("RGB", (351, 248, 3)), ("L", (350, 249)), ("RGBA", (40, 37, 4)), ("LA", (5, 3, 2)),
                        ("L", (1, 1)), ("RGB", (2, 40000, 3))):
        pixels = rng.integers(0, 256, shape).astype(np.uint8)
        im = Image.fromarray(pixels, mode)
        ours, numpys = _pixels(im), np.asarray(im)
        assert ours.shape == numpys.shape and ours.dtype == numpys.dtype
        assert (ours == numpys).all()
        assert not ours.flags.writeable
    wide = Image.new("I;16", (30, 20))
    assert _pixels(wide).shape == np.asarray(wide).shape
