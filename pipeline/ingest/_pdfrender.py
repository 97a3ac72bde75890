"""Rendering a PDF page to pixels with pdfium, for pages that are neither text nor one scan image.

pdfium is tolerant of damaged files and applies ``/Rotate`` itself. The
document is opened on first use only, so a worker that reads text pages never
loads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from pipeline.ingest._limits import check_pixels, input_error
from pipeline.ingest._raster import has_colour
from pipeline.types import Image
from schemas.errors import ErrorCode
from schemas.settings import IngestSettings


class PdfRenderer:
    """Renders pages of one PDF.

    Args:
        source: the PDF's path or bytes.
        name: the file name, for messages.
        cfg: the ingest limits.
    """

    def __init__(self, source: Path | bytes, *, name: str, cfg: IngestSettings) -> None:
        self._source = source
        self._name = name
        self._cfg = cfg
        self._doc: pdfium.PdfDocument | None = None

    def _document(self) -> pdfium.PdfDocument:
        if self._doc is None:
            try:
                self._doc = pdfium.PdfDocument(self._source)
            except pdfium.PdfiumError as e:
                raise input_error(
                    ErrorCode.CORRUPT_PDF,
                    f"'{self._name}' is a damaged PDF that could not be read: export or scan it again.",
                    name=self._name,
                    reason=str(e)[:200],
                ) from e
        return self._doc

    def render(self, index: int, dpi: int) -> tuple[Image, bool]:
        """Render page ``index`` (0-based) at ``dpi``, as displayed (``/Rotate`` applied).

        Args:
            index: the page, 0-based.
            dpi: the resolution.

        Returns:
            ``(pixels, colour)``: BGR pixels and whether they carry coloured ink.

        Raises:
            LimitExceeded: ``image_too_large`` when the page at ``dpi`` is over ``max_pixels``.
            InputError: ``corrupt_pdf`` when pdfium cannot render it.
        """
        doc = self._document()
        try:
            page = doc[index]
        except (pdfium.PdfiumError, IndexError) as e:
            raise input_error(
                ErrorCode.CORRUPT_PDF,
                f"'{self._name}' page {index + 1} is damaged and cannot be rendered: export or scan it again.",
                name=self._name,
                page=index + 1,
                reason=str(e)[:200],
            ) from e
        try:
            width_pt, height_pt = page.get_size()
            scale = dpi / 72.0
            size = (round(width_pt * scale), round(height_pt * scale))
            check_pixels(*size, name=self._name, page=index + 1, cfg=self._cfg)
            bitmap = page.render(scale=scale, may_draw_forms=True)
            try:
                pixels = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
            finally:
                bitmap.close()
        finally:
            page.close()
        if pixels.ndim == 3 and pixels.shape[2] == 4:
            pixels = np.ascontiguousarray(pixels[..., :3])
        return pixels, has_colour(pixels)

    def close(self) -> None:
        """Release pdfium's document."""
        if self._doc is not None:
            self._doc.close()
            self._doc = None
