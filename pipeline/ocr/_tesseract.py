"""The tesseract adapter: owns the call, its timeout, its version probe and its failures.

Pages are read through libtesseract in the reader process (tesserocr), by one engine per
thread kept for the thread's life: a ``tesseract`` process per page cost ~50 ms of CPU to
start, link and load ``vie.traineddata``, plus a temporary image and TSV file. tesserocr is
built against the system's libtesseract (scripts/setup.sh), the one the ``tesseract``
command and raw-tesseract benches run, so a page reads exactly as the command reads it.
The command stays for the version probe, the language list and orientation (OSD).

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): its OpenMP threads make a
page several times slower on a small machine, and pages are parallelized across
processes instead (see :mod:`pipeline.digitize`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pytesseract
from PIL import Image as PILImage

from pipeline.types import Image, Word
from schemas.errors import EngineError, ErrorCode
from schemas.settings import OcrSettings

if TYPE_CHECKING:
    from tesserocr import PyTessBaseAPI

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: the resolution the command was told when the page's is unknown: the BMP it was handed said 96 dpi (PIL's
#: default), so reads stay what they were
UNKNOWN_DPI = 96

_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
                "height", "conf", "text")


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
def _list_langs(cmd: str) -> tuple[str, frozenset[str]]:
    """Where tesseract's models are (honouring ``TESSDATA_PREFIX``) and which languages it has."""
    tesseract_version(cmd)
    out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    lines = out.stdout.splitlines()
    where = re.search(r'"(.+)"', lines[0]) if lines else None  # List of available languages in "/…/tessdata/" (3):
    return (where.group(1) if where else ""), frozenset(line.strip() for line in lines[1:] if line.strip())


def available_languages(cmd: str = "tesseract") -> frozenset[str]:
    """Languages tesseract has models for."""
    return _list_langs(cmd)[1]


def _check_lang(cfg: OcrSettings) -> None:
    missing = set(cfg.lang.split("+")) - available_languages(cfg.tesseract_cmd)
    if missing:
        raise EngineError(
            f"tesseract has no model for {', '.join(sorted(missing))}; install tesseract-ocr-vie",
            code=ErrorCode.ENGINE_MISSING,
            detail={"missing": sorted(missing)},
        )


class _Engines(threading.local):
    """This thread's engines by (tessdata, lang, oem): an engine is never used by two threads at once."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, int], PyTessBaseAPI] = {}


_engines = _Engines()


def _engine(cfg: OcrSettings) -> PyTessBaseAPI:
    """This thread's engine for ``cfg``'s language and engine mode, made on first use."""
    tesseract_version(cfg.tesseract_cmd)
    _check_lang(cfg)
    key = (_list_langs(cfg.tesseract_cmd)[0], cfg.lang, cfg.oem)
    engine = _engines.by_key.get(key)
    if engine is None:
        try:
            import tesserocr
        except ImportError as e:
            raise EngineError("tesserocr is not installed; run scripts/setup.sh",
                              code=ErrorCode.ENGINE_MISSING) from e
        try:
            engine = tesserocr.PyTessBaseAPI(path=key[0], lang=cfg.lang, oem=cfg.oem)
        except RuntimeError as e:
            raise EngineError(f"tesseract could not load {cfg.lang!r} from {key[0]}: {e}",
                              code=ErrorCode.ENGINE_MISSING) from e
        _engines.by_key[key] = engine
    return engine


def run_tesseract(image: Image, *, dpi: int, cfg: OcrSettings, psm: int | None = None) -> list[Word]:
    """OCR one image and return its words, in tesseract's reading order.

    Args:
        image: single-channel or BGR uint8 image.
        dpi: its resolution, passed to tesseract so it does not guess; 0 when unknown (read as
            :data:`UNKNOWN_DPI`).
        cfg: the OCR settings section.
        psm: page segmentation mode overriding ``cfg.psm``.

    Returns:
        Words with boxes in pixels of ``image``, conf 0–1, line and block indices.

    Raises:
        EngineError: ``engine_missing`` without tesseract, tesserocr or the language's model;
            ``ocr_timeout`` past ``cfg.timeout_s``, ``ocr_failed`` otherwise.
    """
    engine = _engine(cfg)
    pixels = np.ascontiguousarray(image if image.ndim == 2 else image[:, :, ::-1])  # tesseract takes RGB
    height, width = pixels.shape[:2]
    depth = 1 if pixels.ndim == 2 else 3
    try:
        engine.SetPageSegMode(psm if psm is not None else cfg.psm)
        # reads a line it read poorly a second time, inverted (white on black), unless told not to
        engine.SetVariable("tessedit_do_invert", "1" if cfg.invert else "0")
        engine.SetImageBytes(pixels.tobytes(), width, height, depth, width * depth)
        engine.SetSourceResolution(dpi if dpi > 0 else UNKNOWN_DPI)
        start = time.perf_counter()
        done = engine.Recognize(timeout=int(cfg.timeout_s * 1000))
        if not done and time.perf_counter() - start >= cfg.timeout_s:
            raise EngineError(
                f"tesseract took longer than {cfg.timeout_s:.0f} s on a page",
                code=ErrorCode.OCR_TIMEOUT, detail={"timeout_s": cfg.timeout_s},
            )
        if not done:
            raise EngineError("tesseract failed to recognize a page", code=ErrorCode.OCR_FAILED)
        tsv = engine.GetTSVText(0)
    except RuntimeError as e:  # tesserocr's failures (an image it cannot take)
        raise EngineError(f"tesseract failed: {e}", code=ErrorCode.OCR_FAILED) from e
    finally:
        engine.Clear()  # the page's image and results; the model stays loaded
    return _words_from_tsv(_tsv_columns(tsv))


def _tsv_columns(tsv: str) -> dict[str, list[object]]:
    """Tesseract's TSV (no header row) by column, as the command's ``tsv`` output parsed."""
    columns: dict[str, list[object]] = {name: [] for name in _TSV_COLUMNS}
    for row in tsv.splitlines():
        cells = row.split("\t", len(_TSV_COLUMNS) - 1)
        cells += [""] * (len(_TSV_COLUMNS) - len(cells))
        for name, cell in zip(_TSV_COLUMNS, cells, strict=True):
            columns[name].append(cell)
    return columns


def _words_from_tsv(data: dict[str, list[object]]) -> list[Word]:
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        # whole points, as pytesseract gave them (the thresholds on confidence were tuned on those)
        conf = float(int(float(str(data["conf"][i]))))
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
