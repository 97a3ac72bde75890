"""Tesseract text of degraded corpus pages, cached on disk (training only).

The lead's ``pipeline.ocr`` will replace the raw pytesseract call; its text looks the same.
Degraded pages are turned upright with the rotation the generator reports, since
orientation is the preprocess stage's job and not what the classifier should learn.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from schemas.errors import EngineError, ErrorCode, SohoaError

#: scan damage only: phone photos need the preprocess stage's perspective correction first
_PROFILES = ("scan", "scan_200dpi", "bad_scan", "fax", "scan_rotated")


class OcrCache:
    """Reads degraded renderings with tesseract, once per key.

    Args:
        root: the cache folder (created when missing), e.g. ``var/classify-ocr``.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".txt")

    def read(self, image: Any, *, key: str, seed: int) -> str:
        """The OCR text of ``image`` after corpus damage; cached under ``key``.

        Raises:
            EngineError: tesseract is missing or failed.
        """
        path = self._path(key)
        if path.is_file():
            return path.read_text(encoding="utf-8")
        text = _ocr(_degraded(image, seed))
        path.write_text(text, encoding="utf-8")
        return text


def _degraded(image: Any, seed: int) -> Any:
    import corpus

    known = set(getattr(corpus, "PROFILES", _PROFILES))
    profiles = [p for p in _PROFILES if p in known] or sorted(known)
    profile = profiles[seed % len(profiles)]
    try:
        hurt = corpus.degrade(image, profile=profile, seed=seed)
    except (TypeError, ValueError, KeyError, SohoaError):
        return image
    img = hurt.image
    turn = int(getattr(hurt, "rotation", 0)) % 360
    return img.rotate(turn, expand=True) if turn else img


def _ocr(image: Any) -> str:
    import pytesseract

    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        return str(pytesseract.image_to_string(image, lang="vie", timeout=120))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, RuntimeError) as e:
        raise EngineError(f"tesseract failed: {e}", code=ErrorCode.OCR_FAILED) from e
