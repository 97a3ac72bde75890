"""A mixed input PDF: its born-digital pages are kept as they are, its scans get our text layer, all in order."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest

from pipeline.searchable import OriginalPage, SearchablePage, make_searchable_pdf
from pipeline.types import Word
from schemas.errors import ErrorCode, SohoaError
from schemas.settings import SearchableSettings
from tests.pipeline.ingest import samples
from tests.searchable.test_searchable import render

TYPED = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "Họ, chữ đệm và tên: Lê Văn Tám"]
SCANNED = [Word("GIẤY", (120, 100, 260, 140), 0.9, 0), Word("KHAI", (280, 100, 400, 140), 0.9, 0),
           Word("SINH", (420, 100, 540, 140), 0.9, 0)]


def _typed_with_a_signature_widget() -> bytes:
    """A born-digital page carrying a signature field's widget (as signed office PDFs do)."""
    pdf = pikepdf.open(io.BytesIO(samples.vietnamese_pdf(TYPED)))
    widget = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                  FT=pikepdf.Name.Sig, T="Sig1", Rect=[400, 50, 550, 100]))
    link = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                Rect=[72, 700, 200, 720]))
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([widget, link]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], SigFlags=3)
    return samples.pdf_bytes(pdf)


def test_born_digital_pages_are_copied_and_scans_get_our_layer_in_input_order() -> None:
    source = _typed_with_a_signature_widget()
    pages = [SearchablePage(render(), 200, SCANNED), OriginalPage(0)]
    out = make_searchable_pdf(pages, cfg=SearchableSettings(), source=source)
    with pdfplumber.open(io.BytesIO(out)) as doc:
        texts = [p.extract_text() or "" for p in doc.pages]
    assert "GIẤY KHAI SINH" in texts[0]
    assert "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ" in texts[1]
    copied = pikepdf.open(io.BytesIO(out))
    # the input's signature widget would be a signature that no longer verifies: it is not carried over
    assert [str(a.Subtype) for a in copied.pages[1].Annots] == ["/Link"]
    assert "/AcroForm" not in copied.Root
    # a page we did not make is not ours to vouch for as PDF/A
    assert "pdfaid:part" not in copied.open_metadata()


def test_an_original_page_without_its_source_is_refused() -> None:
    with pytest.raises(SohoaError) as e:
        make_searchable_pdf([OriginalPage(0)], cfg=SearchableSettings())
    assert e.value.code == ErrorCode.INVALID_VALUE
