"""File type comes from the bytes; the name only catches a lie; bad sources are refused with a code."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import count_pages, open_document
from pipeline.ingest._sniff import sniff
from schemas.errors import ErrorCode, InputError, LimitExceeded
from schemas.settings import IngestSettings
from tests.pipeline.ingest import samples
from tests.pipeline.ingest.conftest import error_of


@pytest.fixture(scope="module")
def page_png() -> bytes:
    return samples.png(samples.page_pixels())


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpeg"),
        (b"II*\x00" + b"\0" * 20, "tiff"),
        (b"MM\x00*" + b"\0" * 20, "tiff"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (b"BM" + b"\0" * 12 + (40).to_bytes(4, "little") + b"\0" * 20, "bmp"),
        (b"%PDF-1.7\n", "pdf"),
        (b"garbage from a mail client\r\n%PDF-1.4\n", "pdf"),
        (b"GIF89a" + b"\0" * 20, None),
        (b"BM but not a bitmap header at all", None),
    ],
)
def test_sniff_recognises_each_supported_magic_number(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_a_file_named_for_no_known_type_is_read_by_its_bytes(page_png: bytes, cfg: IngestSettings) -> None:
    with open_document(page_png, name="scan-from-the-counter.dat", cfg=cfg) as doc:
        assert doc.kind == "png"
        assert doc.page_count == 1


def test_png_bytes_named_jpg_are_a_type_mismatch(page_png: bytes, cfg: IngestSettings) -> None:
    err = error_of(lambda: open_document(page_png, name="cccd.jpg", cfg=cfg))
    assert isinstance(err, InputError)
    assert err.code == ErrorCode.TYPE_MISMATCH
    assert err.detail == {"name": "cccd.jpg", "claimed": "jpeg", "found": "png"}
    assert "cccd.jpg" in err.message


def test_a_word_document_renamed_pdf_is_a_type_mismatch_saying_what_it_is(cfg: IngestSettings) -> None:
    docx = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + b"\0" * 100
    err = error_of(lambda: open_document(docx, name="to-khai.pdf", cfg=cfg))
    assert err.code == ErrorCode.TYPE_MISMATCH
    assert "ZIP" in err.message


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\0" * 100, "don.docx", "Word"),
        ("Họ và tên: Nguyễn Văn An\n".encode() * 5, "notes.txt", "text file"),
        (b"GIF89a\x10\x00\x10\x00" + b"\0" * 40, "stamp.gif", "GIF"),
        (b"\0\0\0\x18ftypheic" + b"\0" * 40, "IMG_0001.HEIC", "HEIC"),
        (bytes(range(256)) * 4, "blob", "unknown"),
    ],
)
def test_bytes_of_an_unsupported_type_are_refused_with_what_they_are(
    data: bytes, name: str, said: str, cfg: IngestSettings
) -> None:
    err = error_of(lambda: open_document(data, name=name, cfg=cfg))
    assert err.code == ErrorCode.UNSUPPORTED_TYPE
    assert said in err.message
    assert err.detail["name"] == name


def test_empty_bytes_and_empty_file_are_empty_file(tmp_path: Path, cfg: IngestSettings) -> None:
    empty = tmp_path / "blank.pdf"
    empty.write_bytes(b"")
    assert error_of(lambda: open_document(b"", name="x.png", cfg=cfg)).code == ErrorCode.EMPTY_FILE
    assert error_of(lambda: open_document(empty, name="blank.pdf", cfg=cfg)).code == ErrorCode.EMPTY_FILE


def test_a_missing_path_or_a_directory_is_file_not_found(tmp_path: Path, cfg: IngestSettings) -> None:
    err = error_of(lambda: open_document(tmp_path / "nope.pdf", name="nope.pdf", cfg=cfg))
    assert err.code == ErrorCode.FILE_NOT_FOUND
    assert err.detail["name"] == "nope.pdf"
    assert error_of(lambda: open_document(tmp_path, name="folder", cfg=cfg)).code == ErrorCode.FILE_NOT_FOUND


def test_a_file_over_max_bytes_is_refused_before_reading_with_the_limit_in_detail(page_png: bytes) -> None:
    small = IngestSettings(max_bytes=1000)
    err = error_of(lambda: open_document(page_png, name="big.png", cfg=small))
    assert isinstance(err, LimitExceeded)
    assert err.code == ErrorCode.FILE_TOO_LARGE
    assert err.detail == {"name": "big.png", "limit": 1000, "value": len(page_png)}


def test_a_path_is_read_lazily_and_hashed_from_its_bytes(tmp_path: Path, page_png: bytes, cfg: IngestSettings) -> None:
    import hashlib

    path = tmp_path / "scan.png"
    path.write_bytes(page_png)
    with open_document(path, name=path.name, cfg=cfg) as doc:
        assert doc.sha256 == hashlib.sha256(page_png).hexdigest()
        assert doc.page(0).image is not None
    assert count_pages(path, name=path.name, cfg=cfg) == 1


def test_errors_serialize_to_the_api_body(cfg: IngestSettings) -> None:
    err = error_of(lambda: open_document(b"", name="x.png", cfg=cfg))
    assert err.to_dict() == {"code": "empty_file", "message": err.message, "detail": {"name": "x.png"}}
