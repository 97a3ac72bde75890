"""Pixels as the pipeline wants them: uint8, BGR or one grey channel, square pixels, bounded dpi.

Shared by image files and images taken out of PDFs: Pillow modes (bilevel,
palette, 16-bit, alpha, CMYK …) are brought to 8 bits and composited on white,
the resolution is read from metadata when it is believable and inferred from
the paper size when it is not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np
from PIL import Image as PILImage

from pipeline.types import Image

#: resolution assumed for an image file that does not say (or says something absurd)
DEFAULT_DPI = 300
#: a declared dpi outside this range is not believed (72 is what phones and "unknown" say; faxes say 98)
SANE_DPI = (90.0, 4800.0)
#: a page larger than this (inches, long side) means the declared dpi is wrong (A0 is 46.8)
MAX_PAGE_INCHES = 50.0
#: pixels whose channels spread more than this are coloured ink
_COLOUR_SPREAD = 24
#: share of sampled pixels that must be coloured for the page to count as colour
_COLOUR_SHARE = 0.001

#: paper sizes in inches (short, long) and the resolutions scanners use, for dpi inference
_PAPERS = ((8.27, 11.69), (8.5, 11.0), (8.5, 14.0), (5.83, 8.27), (11.69, 16.54))
_SCAN_DPIS = (150, 200, 240, 300, 400, 600)


def pil_to_array(im: PILImage.Image) -> tuple[Image, bool]:
    """Decode a Pillow image to uint8 BGR or grey, compositing transparency on white.

    Args:
        im: an opened (possibly not yet loaded) Pillow image in any mode.

    Returns:
        ``(pixels, colour)``: grey or bilevel sources come back single-channel (bilevel as
        0/255); ``colour`` says whether the content has coloured ink.
    """
    mode = im.mode
    if mode == "1":
        return np.asarray(im.convert("L")), False
    if mode == "P":
        if "transparency" not in im.info and _grey_palette(im):
            return np.asarray(im.convert("L")), False
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif "transparency" in im.info and mode in ("L", "RGB"):
        im = im.convert("LA" if mode == "L" else "RGBA")
    elif mode.startswith("I") or mode == "F":
        return _to_8bit(np.asarray(im)), False
    elif mode in ("La", "PA"):
        im = im.convert("LA")
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in mode or mode == "RGBa" else "RGB")
    arr = _pixels(im)
    if im.mode in ("LA", "RGBA"):
        arr = _on_white(arr)
    if arr.ndim == 2:
        return arr, False
    bgr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    return bgr, has_colour(bgr)


#: bytes per pixel of the modes :func:`_pixels` packs itself
_BYTES_PER_PIXEL = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}


def _pixels(im: PILImage.Image) -> Image:
    """``np.asarray(im)`` for 8-bit modes, the same array, packed in one piece.

    Pillow's ``tobytes`` (what ``np.asarray`` calls) packs a page in hundreds of 64-KB
    pieces and joins them: two copies of a 26-MB page, the second as slow as the first.
    Asked for the whole page at once, the packer makes one piece, which joining leaves as
    it is. The array is read-only, as ``np.asarray`` makes it.
    """
    channels = _BYTES_PER_PIXEL.get(im.mode)
    if channels is None:
        return np.asarray(im)
    im.load()
    width, height = im.size
    encoder = PILImage._getencoder(im.mode, "raw", im.mode)  # what tobytes() uses
    try:
        encoder.setimage(im.im, (0, 0, width, height))
        # room for the whole page (the raw packer writes whole rows, so a row's worth more is never needed)
        _, status, data = encoder.encode(max(width * height * channels, width * 4, 65536))
    finally:
        encoder.cleanup()
    if status <= 0 or len(data) != width * height * channels:
        return np.asarray(im)  # not packed in one piece after all: Pillow's own way
    shape = (height, width) if channels == 1 else (height, width, channels)
    return np.frombuffer(data, np.uint8).reshape(shape)


def _grey_palette(im: PILImage.Image) -> bool:
    palette = im.getpalette() or []
    colours = im.getcolors(256) or []
    for _, index in colours:
        start = 3 * int(index)  # type: ignore[arg-type]
        r, g, b = palette[start : start + 3] or (0, 0, 0)
        if not r == g == b:
            return False
    return True


def _to_8bit(arr: Image) -> Image:
    """16-bit (or 32-bit integer / float) grey samples to uint8."""
    if arr.dtype == np.uint16:
        return (arr >> 8).astype(np.uint8)
    if arr.dtype.kind == "f":
        top = 1.0 if float(arr.max(initial=0.0)) <= 1.0 else 255.0
        return np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
    if int(arr.max(initial=0)) > 255:
        return (np.clip(arr, 0, 65535) >> 8).astype(np.uint8)
    return np.clip(arr, 0, 255).astype(np.uint8)


def _on_white(arr: Image) -> Image:
    """Composite grey+alpha or RGB+alpha over a white sheet."""
    colour = arr[..., :-1].astype(np.uint16)
    alpha = arr[..., -1:].astype(np.uint16)
    out = (colour * alpha + 255 * (255 - alpha) + 127) // 255
    out = out.astype(np.uint8)
    return out[..., 0] if out.shape[-1] == 1 else out


def has_colour(bgr: Image) -> bool:
    """Whether a three-channel image carries coloured ink (sampled, cheap)."""
    if bgr.ndim == 2:
        return False
    step = max(1, int(math.sqrt(bgr.shape[0] * bgr.shape[1] / 250_000)))
    b, g, r = cv2.split(np.ascontiguousarray(bgr[::step, ::step]))
    spread = cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))
    return bool(np.count_nonzero(spread > _COLOUR_SPREAD) > _COLOUR_SHARE * spread.size)


def declared_dpi(info: Mapping[Any, Any], size: tuple[int, int]) -> tuple[float, float] | None:
    """The resolution a file declares, if it is believable for a document.

    Args:
        info: Pillow's ``Image.info``.
        size: ``(width, height)`` in pixels.

    Returns:
        ``(x_dpi, y_dpi)`` or ``None`` when absent or implausible.
    """
    raw = info.get("dpi")
    if not isinstance(raw, tuple) or len(raw) != 2:
        return None
    try:
        x, y = float(raw[0]), float(raw[1])
    except (TypeError, ValueError):
        return None
    low, high = SANE_DPI
    if not (low <= x <= high and low <= y <= high):
        return None
    if max(size[0] / x, size[1] / y) > MAX_PAGE_INCHES:
        return None
    return x, y


def infer_dpi(width: int, height: int) -> int:
    """Guess the resolution of an image from common paper sizes, else :data:`DEFAULT_DPI`.

    Args:
        width: pixels across.
        height: pixels down.

    Returns:
        A scanner resolution whose paper size matches within 3 %, or the default.
    """
    short, long_ = sorted((width, height))
    for dpi in _SCAN_DPIS:
        for paper_short, paper_long in _PAPERS:
            if _close(short / dpi, paper_short) and _close(long_ / dpi, paper_long):
                return dpi
    return DEFAULT_DPI


def _close(value: float, expected: float) -> bool:
    return abs(value - expected) < 0.03 * expected


def fit_resolution(img: Image, dpi_x: float, dpi_y: float, max_dpi: int) -> tuple[Image, int]:
    """Make pixels square and bring the resolution down to ``max_dpi`` (INTER_AREA).

    Args:
        img: the decoded pixels.
        dpi_x: horizontal resolution.
        dpi_y: vertical resolution (a fax has half the horizontal one).
        max_dpi: the highest resolution kept.

    Returns:
        ``(pixels, dpi)`` with one resolution for both axes.
    """
    target = min(max(dpi_x, dpi_y), float(max_dpi))
    fx, fy = target / dpi_x, target / dpi_y
    if abs(fx - 1) < 0.02 and abs(fy - 1) < 0.02:
        return img, round(math.sqrt(dpi_x * dpi_y))
    height, width = img.shape[:2]
    size = (max(1, round(width * fx)), max(1, round(height * fy)))
    shrink = fx <= 1 and fy <= 1
    resized = cv2.resize(img, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return resized, round(target)
