"""Image files (PNG, JPEG, TIFF incl. multi-page, BMP, WebP) read lazily with Pillow.

Opening reads headers only: the page count (TIFF frames) and each frame's
dimensions are checked against the limits before a pixel is decoded. JPEGs over
``max_dpi`` are decoded at reduced size by the codec (draft mode).
"""

from __future__ import annotations

import re
import struct
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image as PILImage
from PIL import ImageOps

from pipeline.ingest._limits import Deadline, check_pages, check_pixels, input_error, too_large
from pipeline.ingest._raster import declared_dpi, fit_resolution, infer_dpi, pil_to_array
from pipeline.ingest._sniff import Kind
from pipeline.ingest._source import Source
from pipeline.ingest._truncation import looks_cut_short
from pipeline.types import Image, SourcePage
from schemas.errors import ErrorCode, InputError
from schemas.settings import IngestSettings

#: what Pillow raises on malformed files besides OSError (its plugins are not uniform)
_PIL_ERRORS: tuple[type[Exception], ...] = (
    OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError, struct.error, ZeroDivisionError,
)
#: EXIF orientations that turn the picture a quarter, swapping its axes
_SWAPPING_ORIENTATIONS = (5, 6, 7, 8)


@dataclass(frozen=True)
class _Decoded:
    pixels: Image
    colour: bool
    size: tuple[int, int]
    declared_dpi: tuple[float, float] | None
    orientation: int


class ImageFileReader:
    """The pages of one image file.

    Args:
        src: the input.
        kind: what sniffing found.
        cfg: the ingest limits.
        deadline: the time budget for opening.

    Raises:
        InputError: ``corrupt_image``, ``truncated_image``.
        LimitExceeded: ``too_many_pages``, ``image_too_large``.
    """

    def __init__(self, src: Source, kind: Kind, cfg: IngestSettings, deadline: Deadline) -> None:
        self._src = src
        self._kind = kind
        self._cfg = cfg
        self.notes: list[str] = []
        self._full_sizes: dict[int, tuple[int, int]] = {}
        self._fh: BinaryIO | None = src.open()
        try:
            self._im = self._open()
            # only TIFF pages are pages; frames of an animated PNG/WebP or an MPO are not
            self.page_count = self._count() if kind == "tiff" else 1
            check_pages(self.page_count, name=src.name, cfg=cfg)
            deadline.check("image header")
            self._prepare(0)
        except BaseException:
            self.close()
            raise

    def _count(self) -> int:
        try:
            with _quiet():
                return int(getattr(self._im, "n_frames", 1))
        except _PIL_ERRORS as e:
            raise self._decode_error(e, page=1) from e

    def _open(self) -> PILImage.Image:
        assert self._fh is not None
        try:
            with _quiet():
                return PILImage.open(self._fh, formats=[_PIL_FORMATS[self._kind]])
        except PILImage.DecompressionBombError as e:
            pixels = _pixels_in(str(e))
            raise too_large(pixels, name=self._src.name, page=1, cfg=self._cfg) from e
        except _PIL_ERRORS as e:  # UnidentifiedImageError is an OSError
            raise self._decode_error(e, page=1) from e

    def _prepare(self, index: int) -> tuple[int, int]:
        """Select frame ``index``, set up reduced-size decoding, check its size; no pixel decoded.

        Returns:
            The frame's full ``(width, height)`` as stored in the file.
        """
        number = index + 1
        try:
            with _quiet():
                self._im.seek(index)
        except _PIL_ERRORS as e:
            raise self._decode_error(e, page=number) from e
        full = self._full_sizes.setdefault(index, self._im.size)
        scale = self._draft_scale(full)
        if scale < 1:
            # the codec decodes at 1/2, 1/4 or 1/8 size: what matters is what gets allocated
            self._im.draft(self._im.mode, (max(1, int(full[0] * scale)), max(1, int(full[1] * scale))))
        check_pixels(*self._im.size, name=self._src.name, page=number, cfg=self._cfg)
        return full

    def _draft_scale(self, full: tuple[int, int]) -> float:
        """The factor a JPEG may be shrunk by at decode time (1 for anything else)."""
        if self._kind != "jpeg":
            return 1.0
        dpi = declared_dpi(self._im.info, full) or (infer_dpi(*full),) * 2
        return min(1.0, self._cfg.max_dpi / max(dpi))

    def page(self, index: int, deadline: Deadline) -> SourcePage:
        """Decode page ``index`` (0-based).

        Args:
            index: the page, 0-based.
            deadline: the time budget for this page.

        Returns:
            The page, ``origin="image"``.

        Raises:
            InputError: ``corrupt_image``, ``truncated_image``.
            LimitExceeded: ``image_too_large``.
        """
        number = index + 1
        full = self._prepare(index)
        decoded = self._decode(number, deadline)
        dpi_x, dpi_y = decoded.declared_dpi or self._assumed_dpi(full, number)
        # a JPEG decoded at reduced size has proportionally fewer dots per inch
        dpi_x *= decoded.size[0] / full[0]
        dpi_y *= decoded.size[1] / full[1]
        if decoded.orientation in _SWAPPING_ORIENTATIONS:
            dpi_x, dpi_y = dpi_y, dpi_x
        pixels, dpi = fit_resolution(decoded.pixels, dpi_x, dpi_y, self._cfg.max_dpi)
        height, width = pixels.shape[:2]
        return SourcePage(
            number=number, image=pixels, dpi=dpi, origin="image", width=width, height=height, color=decoded.colour,
            dpi_declared=decoded.declared_dpi is not None,
        )

    def _decode(self, number: int, deadline: Deadline) -> _Decoded:
        """Decode the selected frame, upright, then drop Pillow's own copy of it."""
        try:
            with _quiet():
                self._im.load()
                size = self._im.size
                declared = declared_dpi(self._im.info, self._full_sizes[number - 1])
                orientation = int(self._im.getexif().get(0x0112, 1))
                upright = ImageOps.exif_transpose(self._im) if orientation != 1 else self._im
                deadline.check(f"decoding page {number}")
                pixels, colour = pil_to_array(upright)
        except _PIL_ERRORS as e:
            raise self._decode_error(e, page=number) from e
        del upright
        self._reopen()
        return _Decoded(pixels=pixels, colour=colour, size=size, declared_dpi=declared, orientation=orientation)

    def _reopen(self) -> None:
        """Start again from the headers, so the decoded frame is not held twice (here and by the caller)."""
        self._im.close()
        if self._fh is not None:
            self._fh.close()  # Pillow may have closed it already; closing twice is harmless
        self._fh = self._src.open()
        self._im = self._open()

    def _assumed_dpi(self, full: tuple[int, int], number: int) -> tuple[float, float]:
        guess = infer_dpi(*full)
        self.notes.append(f"page {number}: the file gives no usable resolution; assumed {guess} dpi")
        return float(guess), float(guess)

    def _decode_error(self, e: BaseException, *, page: int) -> InputError:
        name = self._src.name
        if _is_truncation(e) or self._looks_cut_short():
            return input_error(
                ErrorCode.TRUNCATED_IMAGE,
                f"'{name}' is cut short (page {page}): the upload or the scan was interrupted; send the file again.",
                name=name,
                page=page,
                reason=str(e)[:200],
            )
        return input_error(
            ErrorCode.CORRUPT_IMAGE,
            f"'{name}' is damaged and cannot be decoded (page {page}): scan or export it again.",
            name=name,
            page=page,
            reason=str(e)[:200],
        )

    def _looks_cut_short(self) -> bool:
        with self._src.open() as fh:
            return looks_cut_short(fh, self._kind, self._src.size)

    def close(self) -> None:
        """Release the file handle."""
        if hasattr(self, "_im"):
            self._im.close()
        if self._fh is not None:
            self._fh.close()
            self._fh = None


_PIL_FORMATS: dict[Kind, str] = {
    "png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP", "pdf": "PDF",
}


def _quiet() -> warnings.catch_warnings[None]:
    """Silence Pillow's warnings (corrupt EXIF, bomb size): errors are what we report."""
    return warnings.catch_warnings(action="ignore")


def _is_truncation(e: BaseException) -> bool:
    text = str(e).lower()
    return isinstance(e, EOFError) or "truncat" in text or "premature end" in text


def _pixels_in(message: str) -> int:
    """The pixel count Pillow names in its decompression-bomb message (0 if absent)."""
    found = re.search(r"\((\d+) pixels\)", message)
    return int(found.group(1)) if found else 0
