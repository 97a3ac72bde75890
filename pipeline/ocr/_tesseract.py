"""The tesseract adapter: owns the call, its timeout, its version probe and its failures.

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): its OpenMP threads make a
page several times slower on a small machine, and pages are parallelized across
processes instead (see :mod:`pipeline.digitize`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from functools import lru_cache

import pytesseract
from PIL import Image as PILImage

from pipeline.types import Image, Word
from schemas.errors import EngineError, ErrorCode
from schemas.settings import OcrSettings

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@lru_cache(maxsize=4)
def tesseract_version(cmd: str = "tesseract") -> str:
    """The installed tesseract version, e.g. ``5.3.0``.

    Raises:
        EngineError: ``engine_missing`` when tesseract is not installed.
    """
    if shutil.which(cmd) is None:
        raise EngineError(
            f"tesseract is not installed ({cmd!r} not found); run scripts/setup.sh",
            code=ErrorCode.ENGINE_MISSING,
        )
    pytesseract.pytesseract.tesseract_cmd = cmd
    return str(pytesseract.get_tesseract_version())


@lru_cache(maxsize=4)
def available_languages(cmd: str = "tesseract") -> frozenset[str]:
    """Languages tesseract has models for."""
    tesseract_version(cmd)
    out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def _check_lang(cfg: OcrSettings) -> None:
    missing = set(cfg.lang.split("+")) - available_languages(cfg.tesseract_cmd)
    if missing:
        raise EngineError(
            f"tesseract has no model for {', '.join(sorted(missing))}; install tesseract-ocr-vie",
            code=ErrorCode.ENGINE_MISSING,
            detail={"missing": sorted(missing)},
        )


def run_tesseract(image: Image, *, dpi: int, cfg: OcrSettings, psm: int | None = None,
                  extra: str = "") -> list[Word]:
    """OCR one image and return its words, in tesseract's reading order.

    Args:
        image: single-channel or BGR uint8 image.
        dpi: its resolution, passed to tesseract so it does not guess; 0 when unknown.
        cfg: the OCR settings section.
        psm: page segmentation mode overriding ``cfg.psm``.
        extra: further tesseract options (e.g. a character whitelist).

    Returns:
        Words with boxes in pixels of ``image``, conf 0–1, line and block indices.

    Raises:
        EngineError: ``ocr_timeout`` past ``cfg.timeout_s``, ``ocr_failed`` otherwise.
    """
    tesseract_version(cfg.tesseract_cmd)
    _check_lang(cfg)
    pil = PILImage.fromarray(image if image.ndim == 2 else image[:, :, ::-1])
    # pytesseract hands tesseract a temporary file in the image's format, PNG when it has
    # none: compressing and decoding a 300-dpi page costs ~150 ms of CPU; BMP costs almost
    # nothing and tesseract reads the same pixels (identical TSV)
    pil.format = "BMP"
    resolution = f"--dpi {dpi}" if dpi > 0 else ""  # 0: unknown, tesseract estimates it from the text
    invert = "" if cfg.invert else "-c tessedit_do_invert=0"
    config = f"--oem {cfg.oem} --psm {psm if psm is not None else cfg.psm} {resolution} {invert} {extra}".strip()
    try:
        data = pytesseract.image_to_data(
            pil, lang=cfg.lang, config=config, output_type=pytesseract.Output.DICT,
            timeout=cfg.timeout_s,
        )
    except RuntimeError as e:  # pytesseract raises RuntimeError on its timeout
        raise EngineError(
            f"tesseract took longer than {cfg.timeout_s:.0f} s on a page",
            code=ErrorCode.OCR_TIMEOUT, detail={"timeout_s": cfg.timeout_s},
        ) from e
    except pytesseract.TesseractError as e:
        raise EngineError(f"tesseract failed: {e.message}", code=ErrorCode.OCR_FAILED) from e
    return _words_from_tsv(data)


def _words_from_tsv(data: dict[str, list[object]]) -> list[Word]:
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        conf = float(str(data["conf"][i]))
        token = unicodedata.normalize("NFC", str(text)).strip()
        if conf < 0 or not token:
            continue
        block = int(str(data["block_num"][i]))
        key = (block, int(str(data["par_num"][i])), int(str(data["line_num"][i])))
        line = line_ids.setdefault(key, len(line_ids))
        left, top = int(str(data["left"][i])), int(str(data["top"][i]))
        box = (left, top, left + int(str(data["width"][i])), top + int(str(data["height"][i])))
        words.append(Word(text=token, box=box, conf=min(max(conf / 100.0, 0.0), 1.0), line=line, block=block))
    return words


#: below this orientation confidence tesseract's OSD is guessing (measured: 0.1 on a blurred photo
#: it turned wrongly, 4.8–10.7 on the same pages read right at working scale)
OSD_MIN_CONF = 2.0


def detect_rotation(image: Image, *, dpi: int, cfg: OcrSettings) -> int | None:
    """The clockwise quarter turn that makes the page upright, by tesseract's OSD (``--psm 0``).

    Returns:
        0, 90, 180 or 270; ``None`` when OSD cannot tell (too little text, low confidence, no
        ``osd`` model installed).
    """
    tesseract_version(cfg.tesseract_cmd)
    if "osd" not in available_languages(cfg.tesseract_cmd):
        return None
    pil = PILImage.fromarray(image if image.ndim == 2 else image[:, :, ::-1])
    pil.format = "BMP"
    config = f"--psm 0 {f'--dpi {dpi}' if dpi > 0 else ''}".strip()
    try:
        out = pytesseract.image_to_osd(pil, config=config, timeout=cfg.timeout_s)
    except (RuntimeError, pytesseract.TesseractError):  # too few characters, or its timeout
        return None
    fields = dict(line.split(":", 1) for line in str(out).splitlines() if ":" in line)
    try:
        rotate, conf = int(fields["Rotate"].strip()), float(fields["Orientation confidence"].strip())
    except (KeyError, ValueError):
        return None
    return rotate % 360 if conf >= OSD_MIN_CONF and rotate % 90 == 0 else None
