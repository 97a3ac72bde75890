"""The tesseract engine kept in the reader: reads as the ``tesseract`` command reads, reused, one per thread."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytesseract
import pytest
from PIL import Image

from pipeline.ocr import _tesseract
from pipeline.ocr._tesseract import _engine, _words_from_tsv, run_tesseract
from pipeline.types import Word
from schemas.errors import EngineError, ErrorCode
from schemas.settings import OcrSettings
from tests.pipeline._pages import text_page

LINES = ("Họ và tên: Trần Thị Bích Ngọc", "Số định danh: 079203004512", "Nơi cư trú: Phường Bến Nghé, Quận 1")


def _grey(lines: tuple[str, ...] = LINES) -> np.ndarray:
    return np.ascontiguousarray(text_page(lines, height=600)[:, :, 0])


def _by_command(image: np.ndarray, psm: int, dpi: int) -> list[Word]:
    """The words of the same image read by the ``tesseract`` command (pytesseract, a BMP file)."""
    pil = Image.fromarray(image)
    pil.format = "BMP"
    data = pytesseract.image_to_data(pil, lang="vie", config=f"--oem 1 --psm {psm} --dpi {dpi}",
                                     output_type=pytesseract.Output.DICT)
    return _words_from_tsv(data)


def _in_thread(fn):  # type: ignore[no-untyped-def]
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except Exception as e:  # handed back to the test
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()
    t.join(60)
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["value"]


@pytest.mark.parametrize("psm", [3, 6])
def test_the_engine_reads_the_same_words_boxes_and_confidences_as_the_command(psm: int) -> None:
    """Given a generated page, when read in the process and by ``tesseract``, then every word is the same.

    A page read before it (another page, another mode) leaves nothing behind in the kept engine.
    """
    cfg = OcrSettings()
    run_tesseract(_grey(("Giấy chứng nhận đăng ký hộ kinh doanh",)), dpi=300, cfg=cfg, psm=3 if psm == 6 else 6)
    page = _grey()
    assert run_tesseract(page, dpi=200, cfg=cfg, psm=psm) == _by_command(page, psm, 200)


def test_a_colour_page_reads_as_its_grey_does() -> None:
    page = _grey()
    colour = np.dstack([page, page, page])
    assert [w.text for w in run_tesseract(colour, dpi=200, cfg=OcrSettings())] == \
        [w.text for w in run_tesseract(page, dpi=200, cfg=OcrSettings())]


def test_one_engine_is_loaded_per_thread_and_kept_across_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    import tesserocr

    made: list[object] = []
    real = tesserocr.PyTessBaseAPI

    def counting(**kwargs: object) -> object:
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(tesserocr, "PyTessBaseAPI", counting)
    cfg = OcrSettings()

    def three_pages() -> object:
        for _ in range(3):
            assert "079203004512" in " ".join(w.text for w in run_tesseract(_grey(), dpi=200, cfg=cfg))
        return _engine(cfg)

    first = _in_thread(three_pages)
    assert len(made) == 1 and first is made[0]
    second = _in_thread(three_pages)  # another thread: its own engine, never the first's
    assert len(made) == 2 and second is made[1] and second is not first


def test_two_threads_reading_at_once_each_read_their_own_page_whole() -> None:
    cfg = OcrSettings()
    pages = [_grey(), _grey(("Ngày cấp: 15/03/2021", "Có giá trị đến: 15/03/2046"))]
    alone = [run_tesseract(p, dpi=200, cfg=cfg) for p in pages]
    together: dict[int, list[Word]] = {}
    start = threading.Barrier(2)

    def read(i: int) -> None:
        start.wait(10)
        for _ in range(2):
            together[i] = run_tesseract(pages[i], dpi=200, cfg=cfg)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [together[0], together[1]] == alone


def test_a_page_past_the_timeout_is_ocr_timeout_and_the_engine_reads_the_next_page() -> None:
    with pytest.raises(EngineError) as e:
        run_tesseract(_grey(), dpi=200, cfg=OcrSettings(timeout_s=0.001))
    assert e.value.code is ErrorCode.OCR_TIMEOUT and e.value.detail == {"timeout_s": 0.001}
    assert "079203004512" in " ".join(w.text for w in run_tesseract(_grey(), dpi=200, cfg=OcrSettings()))


def test_an_image_tesseract_cannot_take_is_ocr_failed() -> None:
    with pytest.raises(EngineError) as e:
        run_tesseract(np.zeros((0, 0), np.uint8), dpi=200, cfg=OcrSettings())
    assert e.value.code is ErrorCode.OCR_FAILED


def test_without_tesserocr_the_engine_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import tesserocr raises ImportError
    with pytest.raises(EngineError) as e:
        _in_thread(lambda: run_tesseract(_grey(), dpi=200, cfg=OcrSettings()))  # a thread with no engine yet
    assert e.value.code is ErrorCode.ENGINE_MISSING


def test_the_models_are_found_where_the_command_finds_them() -> None:
    where, langs = _tesseract._list_langs("tesseract")
    assert "vie" in langs and where.endswith("tessdata/")
