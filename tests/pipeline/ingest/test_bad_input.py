"""Each kind of bad input gets its own stable code, a message for the officer, and the facts in detail."""

from __future__ import annotations

import functools

import pikepdf
import pytest
from PIL import Image

from pipeline.ingest import count_pages, open_document
from schemas.errors import ErrorCode, InputError, LimitExceeded
from schemas.settings import IngestSettings
from tests.pipeline.ingest import samples
from tests.pipeline.ingest.conftest import error_of

PAGE = samples.page_pixels()
BILEVEL = samples.bilevel_pixels()


def read_all(data: bytes, cfg: IngestSettings) -> None:
    with open_document(data, name="f", cfg=cfg) as doc:
        for _ in doc.pages():
            pass


def first_page_error(data: bytes, name: str, cfg: IngestSettings) -> InputError:
    def read() -> None:
        with open_document(data, name=name, cfg=cfg) as doc:
            list(doc.pages())

    err = error_of(read)
    assert isinstance(err, InputError)
    assert err.detail["name"] == name
    assert name in err.message
    return err


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.png", samples.png(PAGE)),
        ("cut.jpg", samples.jpeg(PAGE)),
        ("cut.webp", samples.save(Image.fromarray(samples.rgb(PAGE)), "WEBP", quality=80)),
        ("cut.bmp", samples.save(Image.fromarray(samples.rgb(PAGE)), "BMP")),
        ("cut.tif", samples.tiff([Image.fromarray(samples.rgb(PAGE))] * 3, compression="tiff_lzw")),
        ("cut-g4.tif", samples.tiff([Image.fromarray(BILEVEL).convert("1")] * 3, compression="group4")),
    ],
)
@pytest.mark.parametrize("kept", [0.1, 0.5, 0.9])
def test_a_truncated_image_is_truncated_image(name: str, data: bytes, kept: float, cfg: IngestSettings) -> None:
    err = first_page_error(data[: int(len(data) * kept)], name, cfg)
    assert err.code == ErrorCode.TRUNCATED_IMAGE
    assert "page" in err.detail


def test_a_png_with_garbage_in_its_pixel_data_is_corrupt_image(cfg: IngestSettings) -> None:
    data = bytearray(samples.png(PAGE))
    at = data.index(b"IDAT") + 200
    data[at : at + 200] = bytes(200)
    assert first_page_error(bytes(data), "bad.png", cfg).code == ErrorCode.CORRUPT_IMAGE


def test_a_decompression_bomb_png_is_refused_from_its_header(cfg: IngestSettings) -> None:
    bomb = samples.png_bomb()
    assert len(bomb) < 1_000_000  # a small file that would decode to 900 million pixels
    err = error_of(lambda: open_document(bomb, name="bomb.png", cfg=cfg))
    assert isinstance(err, LimitExceeded)
    assert err.code == ErrorCode.IMAGE_TOO_LARGE
    assert err.detail == {"name": "bomb.png", "limit": cfg.max_pixels, "value": 30_000 * 30_000, "page": 1}


def test_max_pixels_is_a_setting_and_applies_to_every_format(cfg: IngestSettings) -> None:
    tight = IngestSettings(max_pixels=100_000)
    tiff = samples.tiff([Image.fromarray(samples.rgb(PAGE))])
    for data, name in ((samples.png(PAGE), "a.png"), (samples.jpeg(PAGE), "a.jpg"), (tiff, "a.tif")):
        err = error_of(functools.partial(open_document, data, name=name, cfg=tight))
        assert err.code == ErrorCode.IMAGE_TOO_LARGE
        assert err.detail["value"] == PAGE.shape[0] * PAGE.shape[1]
    with open_document(samples.png(PAGE), name="a.png", cfg=cfg) as doc:
        assert doc.page(0).image is not None


def test_a_tiff_over_max_pages_is_too_many_pages(cfg: IngestSettings) -> None:
    frames = [Image.fromarray(samples.bilevel_pixels(60, 80)).convert("1")] * 6
    data = samples.tiff(frames, compression="group4")
    err = error_of(lambda: count_pages(data, name="stack.tif", cfg=IngestSettings(max_pages=5)))
    assert err.code == ErrorCode.TOO_MANY_PAGES
    assert err.detail == {"name": "stack.tif", "limit": 5, "value": 6}
    assert count_pages(data, name="stack.tif", cfg=cfg) == 6


def test_a_5000_page_pdf_is_refused_without_walking_its_pages(
    cfg: IngestSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = samples.many_pages_pdf(5000)

    def walked(self: pikepdf.Pdf) -> None:
        raise AssertionError("the page tree was walked")

    monkeypatch.setattr(pikepdf.Pdf, "pages", property(walked))
    err = error_of(lambda: count_pages(data, name="archive.pdf", cfg=cfg))
    assert isinstance(err, LimitExceeded)
    assert err.code == ErrorCode.TOO_MANY_PAGES
    assert err.detail == {"name": "archive.pdf", "limit": 500, "value": 5000}


def test_a_pdf_just_under_max_pages_is_counted(cfg: IngestSettings) -> None:
    assert count_pages(samples.many_pages_pdf(500), name="ok.pdf", cfg=cfg) == 500


def test_a_pdf_that_needs_a_password_is_encrypted_pdf(cfg: IngestSettings) -> None:
    data = samples.encrypt(samples.text_pdf([(72, 720, "HO VA TEN NGUYEN VAN AN " * 3)]), user="1234", owner="x")
    err = error_of(lambda: open_document(data, name="locked.pdf", cfg=cfg))
    assert err.code == ErrorCode.ENCRYPTED_PDF
    assert "password" in err.message


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 10,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        b"%PDF-1.4\n%%EOF\n",
    ],
    ids=["garbage", "no-pages", "header-only"],
)
def test_a_pdf_beyond_repair_is_corrupt_pdf(data: bytes, cfg: IngestSettings) -> None:
    err = error_of(lambda: open_document(data, name="broken.pdf", cfg=cfg))
    assert err.code == ErrorCode.CORRUPT_PDF
    assert err.detail["name"] == "broken.pdf"


def test_every_refusal_is_an_input_error_so_a_batch_can_go_on(cfg: IngestSettings) -> None:
    bad = [b"", b"hello", samples.png(PAGE)[:500], samples.png_bomb(), b"%PDF-1.7\n" + bytes(300)]
    codes = []
    for data in bad:
        err = error_of(functools.partial(read_all, data, cfg))
        assert isinstance(err, InputError)
        codes.append(err.code)
    assert codes == [
        ErrorCode.EMPTY_FILE, ErrorCode.UNSUPPORTED_TYPE, ErrorCode.TRUNCATED_IMAGE,
        ErrorCode.IMAGE_TOO_LARGE, ErrorCode.CORRUPT_PDF,
    ]


def test_the_time_budget_is_a_setting(cfg: IngestSettings) -> None:
    err = error_of(lambda: open_document(samples.png(PAGE), name="slow.png", cfg=IngestSettings(timeout_s=0)))
    assert isinstance(err, LimitExceeded)
    assert err.code == ErrorCode.INGEST_TIMEOUT
    assert err.detail["limit"] == 0
