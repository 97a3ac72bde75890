"""From pages to components: a read with nothing legible is ``no_text``, never ``khac`` at full confidence."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline._assemble import assemble
from pipeline.classify import NO_TEXT, Classifier, load_classifier
from pipeline.digitize import digitize_file
from pipeline.types import OcrPage, Word
from schemas.documents import DocType
from schemas.errors import ErrorCode, InputError
from schemas.settings import Settings
from tests.pipeline.extract._textpages import page_from_text

SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def shipped() -> Classifier:
    return load_classifier()


def _specks(number: int) -> OcrPage:
    """What OCR makes of a dirty blank sheet: a few low-confidence marks and one short word."""
    words = (Word("|", (10, 10, 14, 40), 0.2, 0), Word("~,", (300, 500, 330, 520), 0.3, 1),
             Word("ii", (900, 1200, 930, 1240), 0.35, 2), Word("12", (1000, 3000, 1040, 3040), 0.9, 3))
    return OcrPage(number=number, words=words, width=2480, height=3508, dpi=300)


def _certificate(number: int) -> OcrPage:
    return page_from_text([
        "^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "^Độc lập - Tự do - Hạnh phúc", "^GIẤY KHAI SINH",
        "Họ, chữ đệm và tên: NGUYỄN VĂN AN", "Ngày, tháng, năm sinh: 05/03/1990", "Giới tính: Nam",
        "Dân tộc: Kinh  Quốc tịch: Việt Nam", "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
    ], number=number)


def test_a_file_of_specks_raises_no_text_instead_of_khac_at_full_confidence(shipped: Classifier) -> None:
    with pytest.raises(InputError) as caught:
        assemble([_specks(1)], model=shipped, settings=SETTINGS, timings={})
    assert caught.value.code is ErrorCode.NO_TEXT


def test_in_a_stack_the_illegible_component_is_flagged_at_zero_confidence_and_the_rest_is_read(
        shipped: Classifier) -> None:
    blank = OcrPage(number=2, words=(), width=2480, height=3508, dpi=300, blank=True)
    parts = assemble([_specks(1), blank, _certificate(3)], model=shipped, settings=SETTINGS, timings={})
    assert [c.page_range for c in parts] == [(1, 1), (3, 3)]
    empty, certificate = parts
    assert (empty.doc_type, empty.confidence) == (DocType.KHAC, 0.0)
    assert NO_TEXT in empty.flags
    assert certificate.doc_type is DocType.KHAI_SINH and NO_TEXT not in certificate.flags
    assert certificate.fields["ho_ten"].value == "Nguyễn Văn An"


def test_an_empty_scanned_page_comes_back_as_the_no_text_error(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    page = np.full((1754, 1240, 3), 245, np.uint8)  # an A4 sheet at 150 dpi, a little grey, a few specks
    for y, x in rng.integers(100, 1100, size=(12, 2)):
        cv2.circle(page, (int(x), int(y)), 2, (40, 40, 40), -1)
    path = tmp_path / "empty.png"
    cv2.imwrite(str(path), page)
    done = digitize_file(path, settings=SETTINGS).result
    assert done.error is not None and done.error.code == "no_text"
    assert done.doc_type is None and not done.components
