"""The searchable PDF's text layer reads back (pdfplumber, pdftotext) as the OCR text, also on skewed scans."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import cv2
import numpy as np
import pdfplumber
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from pipeline.searchable import SearchablePage, make_searchable_pdf
from pipeline.types import Word
from schemas.errors import ErrorCode, SohoaError
from schemas.settings import SearchableSettings

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "Họ, chữ đệm, tên: Nguyễn Thị Hồng Nhung",
    "Ngày, tháng, năm sinh: 05/03/1990", "Nơi cư trú: số 12 đường Lê Lợi, phường Bến Nghé",
    "Tình trạng hôn nhân: chưa đăng ký kết hôn với ai",
]
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def render(skew_deg: float = 0.0) -> np.ndarray:
    img = Image.new("RGB", (1654, 1100), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 36)
    for i, text in enumerate(LINES):
        draw.text((120, 100 + i * 120), text, font=font, fill=(20, 20, 20))
    arr = cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)
    if skew_deg:
        h, w = arr.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew_deg, 1.0)
        arr = cv2.warpAffine(arr, m, (w, h), borderValue=(255, 255, 255))
    return arr


def deskew(img: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    ink = np.column_stack(np.where(grey < 128))
    angle = cv2.minAreaRect(ink[:, ::-1].astype(np.float32))[-1]
    angle = angle - 90 if angle > 45 else angle
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))


def ocr(img: np.ndarray) -> list[Word]:
    pytesseract = pytest.importorskip("pytesseract")
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed: run scripts/setup.sh")
    data = pytesseract.image_to_data(img, lang="vie", output_type=pytesseract.Output.DICT)
    keys: dict[tuple[int, int, int], int] = {}
    words = []
    for i, text in enumerate(data["text"]):
        if not text.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = keys.setdefault(key, len(keys))
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        words.append(Word(unicodedata.normalize("NFC", text), (x, y, x + w, y + h), float(data["conf"][i]) / 100,
                          line))
    return words


def text_of(words: list[Word]) -> str:
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(ws) for _, ws in sorted(lines.items()))


def cer(reference: str, hypothesis: str) -> float:
    norm = lambda s: " ".join(unicodedata.normalize("NFC", s).split())  # noqa: E731
    return Levenshtein.distance(norm(reference), norm(hypothesis)) / max(1, len(norm(reference)))


@pytest.mark.parametrize("skew", [0.0, 1.5])
def test_text_layer_reads_back_within_half_a_point_of_cer(skew, tmp_path):
    image = deskew(render(skew)) if skew else render()
    words = ocr(image)
    pdf = make_searchable_pdf([SearchablePage(image, 200, words)], cfg=SearchableSettings())
    (tmp_path / "s.pdf").write_bytes(pdf)

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        plumber = doc.pages[0].extract_text()
    poppler = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout
    reference = text_of(words)
    assert len(reference) > 200
    assert cer(reference, plumber) <= 0.005
    assert cer(reference, poppler) <= 0.005


def test_page_keeps_the_images_own_resolution_and_colour():
    image = render()
    pdf = make_searchable_pdf([SearchablePage(image, 200, [])], cfg=SearchableSettings())
    doc = pikepdf.open(io.BytesIO(pdf))
    page = doc.pages[0]
    assert [round(float(v)) for v in page.MediaBox] == [0, 0, round(1654 * 72 / 200), round(1100 * 72 / 200)]
    xobj = page.Resources.XObject.Scan
    assert (int(xobj.Width), int(xobj.Height)) == (1654, 1100)
    assert xobj.ColorSpace == pikepdf.Name.DeviceRGB and xobj.Filter == pikepdf.Name.DCTDecode
    assert doc.pdf_version >= "1.4"


def test_bilevel_page_is_stored_one_bit():
    image = np.where(cv2.cvtColor(render(), cv2.COLOR_BGR2GRAY) < 128, 0, 255).astype(np.uint8)
    pdf = make_searchable_pdf([SearchablePage(image, 300, [])], cfg=SearchableSettings())
    doc = pikepdf.open(io.BytesIO(pdf))
    assert int(doc.pages[0].Resources.XObject.Scan.BitsPerComponent) == 1


def test_pdfa_2b_identification_and_output_intent():
    pdf = make_searchable_pdf([SearchablePage(render(), 200, [])], cfg=SearchableSettings(title="Thử"))
    doc = pikepdf.open(io.BytesIO(pdf))
    meta = doc.open_metadata()
    assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
    assert doc.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
    font = doc.pages[0].Resources.Font.Ftext
    assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor


def test_searchable_pdf_signs_and_verifies(signers, sign_cfg, verify_cfg):
    from pipeline.sign import sign_pdf
    from pipeline.verify import verify_pdf
    from tests.fixtures_pki import FROZEN

    pdf = make_searchable_pdf([SearchablePage(render(), 200, [])], cfg=SearchableSettings())
    signed = sign_pdf(pdf, signer=signers["officer"], level="B-T", appearance="scan", cfg=sign_cfg, now=FROZEN)
    assert verify_pdf(signed, cfg=verify_cfg, now=FROZEN).valid


def test_no_pages_is_refused():
    with pytest.raises(SohoaError) as e:
        make_searchable_pdf([], cfg=SearchableSettings())
    assert e.value.code == ErrorCode.EMPTY_FILE
