"""Real documents (``../shared/realdocs``): sohoa reads them at least as well as raw Tesseract.

These assert the read, not just that nothing crashed. Raw Tesseract is measured in the
same test on the same page (``tesseract IMAGE - -l vie``, a PDF page rendered at its scan's
own resolution without the signature overlays), so no figure is hard-coded from another run.
CER is :func:`bench._real.cer` (NFC, white space collapsed, the same for both engines).
The folder is shared read-only beside the repository; a CI machine without it fails.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench._real import cer, page_texts, transcript
from bench._realinputs import page_dpi, render, save_damaged
from pipeline.classify import Classifier, load_classifier
from pipeline.digitize import Digitized, digitize_file
from schemas.settings import Settings
from tests.conftest import IN_CI

#: one worker reads every file once (the reads are cached per process) and slow OCR tests share it
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realdocs")]

REALDOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdocs"
PHOTO = "photo-letter.jpg"
CONGVAN = "quangngai-congvan-299-UBND-TTHC-2025-01-15-HOATOC-scan300dpi.pdf"
NOTICE = "quangngai-thongbao-565-TB-UBND-2024-11-15-borndigital.pdf"
#: raw Tesseract's CER on the 300-dpi congvan page 1 is about 0.1; sohoa must stay under this whatever raw does
CONGVAN_P1_BOUND = 0.15


@pytest.fixture(scope="module", autouse=True)
def _realdocs_present() -> None:
    if not (REALDOCS / PHOTO).is_file():
        message = f"the real documents are not at {REALDOCS.resolve()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@cache
def _model() -> Classifier:
    return load_classifier(Settings(_env_file=None).classify.model_path)  # type: ignore[call-arg]


@cache
def _digitized(name: str) -> Digitized:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return digitize_file(REALDOCS / name, settings=settings, model=_model(), keep_pages=True)


@cache
def _raw(name: str, page: int = 1) -> str:
    path = REALDOCS / name
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    if path.suffix != ".pdf":
        return _tesseract(path, env)
    with tempfile.TemporaryDirectory(prefix="sohoa-realdocs-") as tmp:
        return _tesseract(render(path, page, page_dpi(path, page), Path(tmp) / "page.png", annotations=False), env)


def _tesseract(image: Path, env: dict[str, str]) -> str:
    out = subprocess.run(["tesseract", str(image), "-", "-l", "vie"], capture_output=True, env=env, check=True)
    return out.stdout.decode("utf-8")


def _truth(name: str, page: int, pages: int) -> str:
    text = transcript(REALDOCS / name, page, pages)
    assert text is not None, f"no transcript for {name} page {page}"
    return text


def test_phone_photo_of_a_letter_reads_no_worse_than_raw_tesseract() -> None:
    done = _digitized(PHOTO)
    truth = _truth(PHOTO, 1, 1)
    ours, raw = cer(page_texts(done).get(1, ""), truth), cer(_raw(PHOTO), truth)
    assert done.result.error is None
    assert ours <= raw, f"sohoa CER {ours:.3f} > raw tesseract {raw:.3f}"


def test_congvan_299_page_1_reads_no_worse_than_raw_and_within_bound() -> None:
    done = _digitized(CONGVAN)
    truth = _truth(CONGVAN, 1, 2)
    ours, raw = cer(page_texts(done).get(1, ""), truth), cer(_raw(CONGVAN, 1), truth)
    assert ours <= CONGVAN_P1_BOUND, f"sohoa CER {ours:.3f} (raw tesseract {raw:.3f})"
    assert ours <= raw, f"sohoa CER {ours:.3f} > raw tesseract {raw:.3f}"


@pytest.mark.parametrize(("name", "page", "pages"), [(PHOTO, 1, 1), (CONGVAN, 1, 2)])
def test_a_page_with_a_transcript_never_comes_back_empty(name: str, page: int, pages: int) -> None:
    truth_words = len(_truth(name, page, pages).split())
    got = page_texts(_digitized(name)).get(page, "")
    assert len(got.split()) >= truth_words // 2, f"{len(got.split())} words read of about {truth_words}"


def test_letters_come_out_khac() -> None:
    result = _digitized(CONGVAN).result
    assert result.error is None
    assert [c.doc_type for c in result.components] == ["khac"] * len(result.components)


def test_born_digital_notice_comes_out_khac_with_its_exact_text() -> None:
    """Its text layer is its text: every word of the dump, the number and date of issue included.

    The CER bound leaves room for reading order only (the two-column header read line by line
    across, and the publication centre's signature overlay, which the dump puts first).
    """
    result = _digitized(NOTICE).result
    assert result.error is None
    assert result.pages == 4
    assert all(i.source == "text_layer" for i in result.page_info)
    assert {c.doc_type for c in result.components} == {"khac"}
    text = " ".join(" ".join(c.text for c in result.components).split())
    truth = "\n".join(_truth(NOTICE, p, 4) for p in range(1, 5))
    assert cer(text, truth) <= 0.05
    missing = Counter(truth.split()) - Counter(text.split())
    assert sum(missing.values()) <= 0.01 * len(truth.split()), f"missing words: {sorted(missing)}"
    assert "Kết luận của Phó Chủ tịch UBND tỉnh Võ Phiên" in text


@cache
def _notice_render(page: int, dpi: int, damage: str = "") -> tuple[str, str, str]:
    """(sohoa's text, raw tesseract's text, the truth) of a page of the notice rendered as a scan would be.

    ``damage`` names one of :data:`bench._realinputs.DAMAGES` applied to the render and saved as the bench does.
    """
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory(prefix="sohoa-realdocs-") as tmp:
        image = render(REALDOCS / NOTICE, page, dpi, Path(tmp) / f"notice-p{page}-r{dpi}.png")
        if damage:
            clean = cv2.imread(str(image), cv2.IMREAD_COLOR)
            image = save_damaged(clean, damage, np.random.default_rng(page), Path(tmp) / f"notice-p{page}-r{dpi}")
        done = digitize_file(image, settings=settings, model=_model(), keep_pages=True)
        raw = _tesseract(image, dict(os.environ, OMP_THREAD_LIMIT="1"))
    assert done.result.error is None, done.result.error
    return page_texts(done).get(1, ""), raw, _truth(NOTICE, page, 4)


@pytest.mark.parametrize("damage", ["", "jpeg", "phone600"])
def test_notice_last_page_keeps_the_recipients_list_apart_from_the_signature_block(damage: str) -> None:
    """Page 4 prints its recipients list beside the signature block, over a red seal: read list first.

    Through JPEG at quality 15 the seal leaves specks that tesseract reads as words in the gutter; at 600 px
    wide, tesseract's layout analysis drops the middle of the list, which is read again from its ink.
    """
    ours, raw, truth = _notice_render(4, 200, damage)
    lines = [" ".join(line.split()) for line in ours.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận"))
    recipients = lines[start : start + 20]
    assert not any("CHÁNH VĂN PHÒNG" in line or "Phùng Tô Long" in line for line in recipients), recipients
    assert "Phùng Tô Long" in " ".join(lines[start + 20 :])
    assert "Giáo dục" in " ".join(recipients) and "Liên" in " ".join(recipients), recipients
    assert cer(ours, truth) <= cer(raw, truth), f"sohoa CER {cer(ours, truth):.3f} > raw {cer(raw, truth):.3f}"


@pytest.mark.parametrize(("page", "damage"), [(1, ""), (2, ""), (1, "noise"), (3, "noise"), (1, "jpeg"),
                                              (3, "phone600")])
def test_notice_pages_rendered_at_200_dpi_read_no_worse_than_raw(page: int, damage: str) -> None:
    """A clean 200-dpi page: the grey page keeps the thin strokes of the marks a threshold breaks.

    Through heavy noise, its small letters are filtered finely (a 3-px median takes their hooks off); through
    JPEG, the evenly lit page is not divided by its background; shrunk to 600 px wide, it is enlarged to working
    scale and read both binary and grey, and the grey read, which scores higher, is kept.
    """
    ours, raw, truth = _notice_render(page, 200, damage)
    assert cer(ours, truth) <= cer(raw, truth), f"sohoa CER {cer(ours, truth):.3f} > raw {cer(raw, truth):.3f}"


@pytest.mark.xfail(strict=True, reason="the number and day of issue are stamped at signing in a signature "
                   "widget's appearance stream, which the text layer reader (pdfplumber) does not read")
def test_born_digital_notice_keeps_its_number_and_date_of_issue() -> None:
    text = " ".join(" ".join(c.text for c in _digitized(NOTICE).result.components).split())
    assert "Số: 565" in text, "the number of issue is missing"
    assert "ngày 15 tháng 11 năm 2024" in text, "the date of issue is missing"


@pytest.mark.parametrize("name", sorted(p.name for p in (REALDOCS / "card-specimens").glob("*.png")))
def test_card_specimen_is_found_and_typed_can_cuoc(name: str) -> None:
    """The Ministry's blank artwork, front or back, at whatever size it comes: a card, typed as one."""
    result = _digitized(f"card-specimens/{name}").result
    assert result.error is None, result.error
    assert result.doc_type == "can_cuoc", f"typed {result.doc_type} at {result.confidence:.2f}"
