"""Whole PDFs: mixed pages keep their order and each its own reading; damaged and locked files behave."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from pipeline.ingest import count_pages, open_document
from schemas.settings import IngestSettings
from tests.pipeline.ingest import pdfs, samples


@pytest.fixture(scope="module")
def mixed_pdf() -> bytes:
    """Page 1 born-digital (A4), page 2 a G4 scan (small, 300 dpi), page 3 vector art (Letter landscape)."""
    pdf = pikepdf.new()
    text = pikepdf.open(io.BytesIO(samples.text_pdf([(72, 720, "TO KHAI DANG KY KHAI SINH " * 3)])))
    pdf.pages.append(text.pages[0])
    scan = pikepdf.open(io.BytesIO(pdfs.image_pdf("ccitt-g4")))
    pdf.pages.append(scan.pages[0])
    drawing = pdf.add_blank_page(page_size=(792, 612))
    drawing.Contents = pikepdf.Stream(pdf, b"0 0 1 rg 100 100 300 200 re f 0 G 4 w 50 50 m 700 500 l S")
    return samples.pdf_bytes(pdf)


def test_mixed_pdf_reads_each_page_its_own_way_in_order(mixed_pdf: bytes, cfg: IngestSettings) -> None:
    with open_document(mixed_pdf, name="dossier.pdf", cfg=cfg) as doc:
        assert doc.page_count == 3
        pages = list(doc.pages())
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.origin for p in pages] == ["pdf_text", "pdf_image", "pdf_render"]
    assert pages[0].image is None and pages[0].words
    assert pages[1].image is not None and np.array_equal(pages[1].image, pdfs.BILEVEL)
    assert pages[2].image is not None and pages[2].color is True


def test_mixed_page_sizes_give_each_page_its_own_size(mixed_pdf: bytes, cfg: IngestSettings) -> None:
    with open_document(mixed_pdf, name="dossier.pdf", cfg=cfg) as doc:
        sizes = [(p.width, p.height) for p in doc.pages()]
    assert sizes[0] == (2480, 3509)
    assert sizes[1] == (pdfs.WIDTH, pdfs.HEIGHT)
    assert abs(sizes[2][0] - 3300) <= 1 and abs(sizes[2][1] - 2550) <= 1  # Letter landscape at 300 dpi


def test_a_page_worker_can_open_the_file_and_read_only_its_page(
    mixed_pdf: bytes, tmp_path: Path, cfg: IngestSettings
) -> None:
    path = tmp_path / "dossier.pdf"
    path.write_bytes(mixed_pdf)
    with open_document(path, name=path.name, cfg=cfg) as doc:
        whole = list(doc.pages())
    for index in reversed(range(3)):
        with open_document(path, name=path.name, cfg=cfg) as doc:
            page = doc.page(index)
        assert page.number == index + 1
        assert page.origin == whole[index].origin
        assert page.words == whole[index].words
        expected = whole[index].image
        if page.image is not None:
            assert expected is not None and np.array_equal(page.image, expected)


def test_a_broken_xref_table_is_repaired_and_read_the_same(mixed_pdf: bytes, cfg: IngestSettings) -> None:
    intact = samples.classic_xref(mixed_pdf)
    broken = samples.break_xref(intact)
    assert broken != intact
    with open_document(intact, name="ok.pdf", cfg=cfg) as doc:
        expected = list(doc.pages())
    with open_document(broken, name="broken.pdf", cfg=cfg) as doc:
        got = list(doc.pages())
        assert any("repaired" in note for note in doc.notes)
    assert [p.origin for p in got] == [p.origin for p in expected]
    assert got[0].words == expected[0].words
    assert got[1].image is not None and expected[1].image is not None
    assert np.array_equal(got[1].image, expected[1].image)


def test_a_pdf_with_only_an_owner_password_is_read(mixed_pdf: bytes, cfg: IngestSettings) -> None:
    data = samples.encrypt(mixed_pdf, user="", owner="owner-secret")
    with open_document(data, name="restricted.pdf", cfg=cfg) as doc:
        pages = list(doc.pages())
        assert any("owner password" in note for note in doc.notes)
    assert [p.origin for p in pages] == ["pdf_text", "pdf_image", "pdf_render"]
    assert pages[0].words


def test_inherited_rotate_and_mediabox_are_honoured(cfg: IngestSettings) -> None:
    pdf = pikepdf.open(io.BytesIO(pdfs.image_pdf("flate-grey")))
    page = pdf.pages[0]
    media = page.obj["/MediaBox"]
    del page.obj["/MediaBox"]
    pdf.Root.Pages.MediaBox = media
    pdf.Root.Pages.Rotate = 90
    data = samples.pdf_bytes(pdf)
    with open_document(data, name="inherit.pdf", cfg=cfg) as doc:
        result = doc.page(0)
    assert result.origin == "pdf_image"
    assert result.image is not None and result.image.shape == (pdfs.WIDTH, pdfs.HEIGHT)
    assert pdfs.difference(result.image, pdfs.reference(data, 0, 300)) < 12


def test_count_pages_opens_nothing_but_the_structure(mixed_pdf: bytes, cfg: IngestSettings) -> None:
    assert count_pages(mixed_pdf, name="dossier.pdf", cfg=cfg) == 3


def test_the_sha256_is_of_the_input_bytes(mixed_pdf: bytes, cfg: IngestSettings) -> None:
    import hashlib

    with open_document(mixed_pdf, name="dossier.pdf", cfg=cfg) as doc:
        assert doc.sha256 == hashlib.sha256(mixed_pdf).hexdigest()
        assert doc.name == "dossier.pdf"
        assert repr(doc) == "Document('dossier.pdf', kind='pdf', pages=3)"
