"""The searchable PDF: a scanner's English OCR layer is replaced by ours; a mixed PDF is searchable on every page.

Scanner software often adds its own OCR layer, in English, over a Vietnamese scan; the
layer is made here the way such software does, with ``tesseract IMAGE OUT -l eng pdf``.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import cv2
import pdfplumber
import pikepdf
import pytest

from pipeline.digitize import digitize_file
from schemas.documents import DocType
from schemas.settings import Settings
from tests.pipeline._pages import text_page
from tests.pipeline.ingest import samples
from workers._adapters import PipelineDigitizer

pytestmark = pytest.mark.slow

TYPED = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
         "Họ, chữ đệm và tên: Lê Văn Tám", "Ngày, tháng, năm sinh: 12/08/1985"]


@pytest.fixture(scope="module")
def english_layer_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Vietnamese marital-status certificate scanned at 200 dpi, with an English OCR layer over it."""
    folder = tmp_path_factory.mktemp("eng")
    image = folder / "scan.png"
    cv2.imwrite(str(image), text_page())
    subprocess.run(["tesseract", str(image), str(folder / "scan"), "-l", "eng", "--dpi", "200", "pdf"],
                   check=True, capture_output=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    pdf = folder / "scan.pdf"
    with pdfplumber.open(pdf) as doc:
        layer = doc.pages[0].extract_text() or ""
    assert "CONG HOA" in layer.upper() and "CỘNG HÒA" not in layer  # the layer really is English OCR
    return pdf


def _text(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def test_a_scan_under_an_english_ocr_layer_is_read_in_vietnamese(english_layer_pdf: Path) -> None:
    result = digitize_file(english_layer_pdf, settings=Settings(_env_file=None)).result  # type: ignore[call-arg]
    assert result.error is None and result.page_info[0].source == "ocr"
    assert result.doc_type is DocType.TINH_TRANG_HON_NHAN
    assert "TÌNH TRẠNG HÔN NHÂN" in result.components[0].text
    assert result.components[0].fields["so_dinh_danh"].value == "001190012345"


def test_a_mixed_pdf_gets_our_layer_on_its_scan_and_keeps_its_typed_page(english_layer_pdf: Path,
                                                                          tmp_path: Path) -> None:
    mixed = pikepdf.open(io.BytesIO(samples.vietnamese_pdf(TYPED)))
    with pikepdf.open(english_layer_pdf) as scan:
        mixed.pages.append(scan.pages[0])
        data = samples.pdf_bytes(mixed)
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    out = PipelineDigitizer(settings).digitize(data, name="dossier.pdf")
    assert out.result.error is None and out.searchable_pdf is not None
    assert [p.source for p in out.result.page_info] == ["text_layer", "ocr"]
    assert out.searchable_pdf != data  # not the input kept as "already searchable"
    typed, scanned = _text(out.searchable_pdf)
    assert "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ" in typed
    assert "TÌNH TRẠNG HÔN NHÂN" in scanned and "Nguyễn Thị Ngọc Diễm" in scanned
    assert "TINH TRANG HON NHAN" not in scanned  # the English layer is gone
