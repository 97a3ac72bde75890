"""ocr: words with boxes, lines and confidences from tesseract, plus QR codes.

Tesseract reads the image :mod:`pipeline.preprocess` made for it; its lines are
then joined into printed rows (:mod:`pipeline.ocr._layout`). When the
first pass reads almost nothing on a page that has ink — the page was upside
down and the cheap orientation estimate missed it — one more pass on the page
turned 180° decides. Lines the layout analysis dropped (letter-shaped ink that
no word covers) are cut out and read once more by :func:`read_missed`, which the
self-check calls when a read leaves ink uncovered (:mod:`pipeline.ocr._missed`).
"""

from __future__ import annotations

from dataclasses import replace

import cv2

from pipeline.ocr._check import ReadScore, score_read
from pipeline.ocr._layout import reading_lines, reading_text, rows
from pipeline.ocr._missed import reread_missed
from pipeline.ocr._qr import decode_qr
from pipeline.ocr._tesseract import available_languages, detect_rotation, run_tesseract, tesseract_version
from pipeline.types import OcrPage, PreparedPage, Word
from schemas.settings import OcrSettings

__all__ = ["ReadScore", "available_languages", "decode_qr", "detect_rotation", "ocr_page", "read_missed",
           "reading_lines", "reading_text", "score_read", "tesseract_version"]

#: mean word confidence under which a page is tried upside down
RETRY_CONF = 0.45


def _mean(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def _looks_like_card(page: PreparedPage) -> bool:
    """Cut out of a bed or a photo: ID cards are, and they carry QR codes; full-page scans rarely do."""
    return any(step.startswith("sheet:") for step in page.steps)


def ocr_page(page: PreparedPage, *, cfg: OcrSettings) -> OcrPage:
    """Read one prepared page.

    Args:
        page: the output of :func:`pipeline.preprocess.prepare_page`.
        cfg: tesseract settings.

    Returns:
        The page's words in reading order; for blank pages, no words.

    Raises:
        EngineError: tesseract missing, failed or timed out.
    """
    h, w = page.ocr_image.shape[:2]
    if page.blank:
        return OcrPage(number=page.number, words=(), width=w, height=h, dpi=page.dpi,
                       rotation=page.rotation, skew=page.skew, blank=True)
    words = run_tesseract(page.ocr_image, dpi=page.dpi, cfg=cfg)
    rotation, flags = page.rotation, []
    if _mean(words) < RETRY_CONF:
        turned = run_tesseract(cv2.rotate(page.ocr_image, cv2.ROTATE_180), dpi=page.dpi, cfg=cfg)
        if _mean(turned) > _mean(words) + 0.15 and len(turned) >= len(words) // 2:
            words, rotation = turned, (rotation + 180) % 360
            flags.append("turned_after_ocr")
    qr: tuple[str, ...] = ()
    if cfg.qr == "all" or (cfg.qr == "cards" and _looks_like_card(page)):
        qr = decode_qr(page.color if rotation == page.rotation else cv2.rotate(page.color, cv2.ROTATE_180))
    return OcrPage(
        number=page.number, words=tuple(rows(words)), width=w, height=h, dpi=page.dpi, source="ocr",
        rotation=rotation, skew=page.skew, blank=False, qr_payloads=qr, flags=tuple(flags),
    )


def read_missed(ocr: OcrPage, page: PreparedPage, *, cfg: OcrSettings) -> OcrPage:
    """``ocr`` with the lines its read of ``page`` missed read again (see :mod:`pipeline.ocr._missed`).

    Returns:
        ``ocr`` itself when no line was missed; else a copy with the words found added in their rows
        and the flag ``missed_lines_reread``.
    """
    image = page.ocr_image if ocr.rotation == page.rotation else cv2.rotate(page.ocr_image, cv2.ROTATE_180)
    words = list(ocr.words)
    found = reread_missed(words, image, dpi=page.dpi, cfg=cfg)
    if len(found) == len(words):
        return ocr
    return replace(ocr, words=tuple(rows(found)), flags=(*ocr.flags, "missed_lines_reread"))
