"""One page, start to finish: read it from its file, prepare it, OCR it.

This is the unit of parallel work: :mod:`pipeline.digitize` sends ``(file, page
index)`` to a pool of processes, each of which opens the file itself (cheap:
ingest decodes only the page asked for) and sends back the page's words, not its
pixels — unless the caller keeps page images for a searchable PDF.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.ingest import Document, open_document
from pipeline.ocr import ReadScore, ocr_page, read_missed, score_read
from pipeline.ocr._check import POOR
from pipeline.ocr._missed import MIN_UNCOVERED
from pipeline.preprocess import prepare_page, prepare_second
from pipeline.types import Image, OcrPage, PreparedPage, SourcePage
from schemas.documents import PageInfo, ReadCheck
from schemas.settings import Settings


@dataclass(frozen=True)
class PageOutcome:
    """What one page gave.

    Attributes:
        ocr: the page's words (from OCR or the PDF text layer).
        info: facts about the page for the record (size, dpi, colour, turn, skew, blank).
        image: the upright colour archive image in the geometry of ``ocr``'s boxes, when kept;
            ``None`` for text-layer pages (their PDF page is kept as it is).
        timings: milliseconds per stage.
    """

    ocr: OcrPage
    info: PageInfo
    image: Image | None = None
    timings: dict[str, float] = field(default_factory=dict)


#: the one document each thread holds open, by path: pages of a file come in a row. Per thread, because a
#: worker process with several threads reads several files at once, and one thread's release must not close
#: the file another is reading
_local = threading.local()


def _held() -> dict[str, Document]:
    held: dict[str, Document] | None = getattr(_local, "open", None)
    if held is None:
        held = _local.open = {}
    return held


def _document(path: Path, name: str, settings: Settings) -> Document:
    """The open document for ``path``, reusing the last one this thread opened."""
    key, held = str(path), _held()
    if key not in held:
        release()
        held[key] = open_document(path, name=name, cfg=settings.ingest)
    return held[key]


def release() -> None:
    """Close the document this thread holds open."""
    held = _held()
    for doc in held.values():
        doc.close()
    held.clear()


def _text_layer_page(page: SourcePage) -> OcrPage:
    return OcrPage(number=page.number, words=page.words, width=page.width, height=page.height,
                   dpi=page.dpi, source="text_layer", blank=not page.words)


def _archive_image(prepared: PreparedPage, ocr: OcrPage) -> Image:
    import cv2

    if ocr.rotation == prepared.rotation:
        return prepared.color
    return cv2.rotate(prepared.color, cv2.ROTATE_180)  # turned after OCR: see pipeline.ocr


def read_page(path: Path, index: int, *, name: str, settings: Settings, keep_image: bool = False) -> PageOutcome:
    """Read page ``index`` (0-based) of the file at ``path``.

    Args:
        path: the input file.
        index: 0-based page index.
        name: the file's name as the user gave it (for type checks and messages).
        settings: all settings; each stage gets its own section.
        keep_image: return the archive image too (for a searchable PDF).

    Raises:
        SohoaError: the page cannot be read (ingest) or OCR failed.
    """
    t0 = time.perf_counter()
    source = _document(path, name, settings).page(index)
    t1 = time.perf_counter()
    timings = {"ingest": (t1 - t0) * 1000}
    if source.image is None:  # a born-digital page: its text layer is the text
        ocr = _text_layer_page(source)
        info = PageInfo(number=source.number, source="text_layer", width=source.width, height=source.height,
                        dpi=source.dpi, color=source.color, blank=ocr.blank)
        return PageOutcome(ocr=ocr, info=info, timings=timings)

    prepared = prepare_page(source, cfg=settings.preprocess, archive=keep_image)
    t2 = time.perf_counter()
    ocr = ocr_page(prepared, cfg=settings.ocr)
    t3 = time.perf_counter()
    timings |= {"preprocess": (t2 - t1) * 1000, "ocr": (t3 - t2) * 1000}
    check: ReadCheck | None = None
    if not prepared.blank:
        prepared, ocr, check = _checked(source, prepared, ocr, settings=settings, keep_image=keep_image)
        timings["second_read"] = (time.perf_counter() - t3) * 1000
    h, w = prepared.ocr_image.shape[:2]
    info = PageInfo(number=source.number, source="ocr", width=w, height=h, dpi=prepared.dpi or source.dpi,
                    color=source.color, rotation=ocr.rotation, skew=prepared.skew, blank=prepared.blank, read=check)
    image = _archive_image(prepared, ocr) if keep_image else None
    return PageOutcome(ocr=ocr, info=info, image=image, timings=timings)


def _checked(source: SourcePage, prepared: PreparedPage, ocr: OcrPage, *, settings: Settings,
             keep_image: bool) -> tuple[PreparedPage, OcrPage, ReadCheck]:
    """Score the first read; when it is poor, read the page the second way and keep the better read.

    A page with an alternative image (``PreparedPage.alternative``) is read from both, and the read that
    scores higher is the first read; when either scored poorly, the page is read the second way too. A
    first read that left ink outside its words is then checked for lines it missed (:func:`read_missed`).
    """
    first = score_read(ocr.words, prepared.ocr_image)
    poor = first.score < POOR
    if prepared.alternative is not None:
        other = replace(prepared, ocr_image=prepared.alternative, alternative=None)
        other_ocr = ocr_page(other, cfg=settings.ocr)
        other_score = score_read(other_ocr.words, other.ocr_image)
        poor = poor or other_score.score < POOR
        if other_score.score > first.score:
            prepared, ocr, first = other, other_ocr, other_score
    if first.coverage < 1 - MIN_UNCOVERED:
        again_ocr = read_missed(ocr, prepared, cfg=settings.ocr)
        if again_ocr is not ocr:
            ocr, first = again_ocr, score_read(again_ocr.words, prepared.ocr_image)
    if not poor and first.score >= POOR:
        return prepared, ocr, ReadCheck(score=round(first.score, 3), second_read=False, chosen="first",
                                        reason="first read scored well")
    again = prepare_second(source, cfg=settings.preprocess, ocr_cfg=settings.ocr, archive=keep_image)
    ocr2 = ocr_page(again, cfg=settings.ocr)
    second = score_read(ocr2.words, again.ocr_image)
    if second.score > first.score:
        return again, ocr2, ReadCheck(score=round(second.score, 3), second_read=True, chosen="second",
                                      reason=f"first read poor ({_why(first)}); second scored higher")
    return prepared, ocr, ReadCheck(score=round(first.score, 3), second_read=True, chosen="first",
                                    reason=f"first read poor ({_why(first)}); second scored no higher")


def _why(s: ReadScore) -> str:
    return f"score {s.score:.2f}: conf {s.conf:.2f}, valid words {s.valid:.2f}, ink covered {s.coverage:.2f}"
