"""PDF files: counted cheaply, then each page read the cheapest faithful way.

Opening parses the cross-reference table only (qpdf repairs a broken one) and
reads the page count from the page tree's root, so a 5,000-page file is refused
without walking its pages. Each page is then, in this order of preference:

1. ``pdf_text``  — a usable, visible text layer, read with pdfplumber (no pixels), when it
   reads as Vietnamese and, on a page painted mostly with images, covers their ink
   (:mod:`pipeline.ingest._textcheck`); a layer that does not is OCR'd over, as a scan;
2. ``pdf_image`` — a single image covering the page (a scan), taken at native resolution;
   an OCR layer a scanner hid over it is never trusted;
3. ``pdf_render`` — anything else, rendered with pdfium at ``raster_dpi``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pikepdf

from pipeline.ingest._limits import Deadline, check_pages, input_error
from pipeline.ingest._pdfimage import covers_page, extract
from pipeline.ingest._pdfpage import declared_count, geometry, native_dpi
from pipeline.ingest._pdfrender import PdfRenderer
from pipeline.ingest._pdfscan import PageContent, scan_page
from pipeline.ingest._pdftext import text_turn, turned_words_page, usable, words_page
from pipeline.ingest._source import Source
from pipeline.ingest._textcheck import INK_DPI, check_language, ink_problem, painted_by_images
from pipeline.types import SourcePage
from schemas.errors import ErrorCode, InputError
from schemas.settings import IngestSettings


class PdfReader:
    """The pages of one PDF.

    Args:
        src: the input.
        cfg: the ingest limits.
        deadline: the time budget for opening.

    Raises:
        InputError: ``encrypted_pdf``, ``corrupt_pdf``.
        LimitExceeded: ``too_many_pages``.
    """

    def __init__(self, src: Source, cfg: IngestSettings, deadline: Deadline) -> None:
        self._src = src
        self._cfg = cfg
        self.notes: list[str] = []
        self._plumber: Any = None
        self._pdf = self._open()
        try:
            deadline.check("reading the PDF structure")
            self.page_count = self._count()
            self._engine_input = self._repaired_or_original()
        except BaseException:
            self._pdf.close()
            raise
        self._renderer = PdfRenderer(self._engine_input, name=src.name, cfg=cfg)

    def _count(self) -> int:
        """The page count: the tree root's ``/Count`` is checked first, so a huge file is never walked."""
        declared = declared_count(self._pdf)
        if declared is not None:
            check_pages(declared, name=self._src.name, cfg=self._cfg)
        try:
            count = len(self._pdf.pages)
        except pikepdf.PdfError as e:
            raise self._corrupt(e) from e
        check_pages(count, name=self._src.name, cfg=self._cfg)
        if count == 0:
            raise self._corrupt(None)
        return count

    def _open(self) -> pikepdf.Pdf:
        src = self._src
        target: Path | io.BytesIO = src.path if src.path is not None else io.BytesIO(src.data or b"")
        try:
            pdf = pikepdf.open(target, inherit_page_attributes=False, attempt_recovery=True)
        except pikepdf.PasswordError as e:
            raise input_error(
                ErrorCode.ENCRYPTED_PDF,
                f"'{src.name}' is protected by a password: ask for a copy without a password and upload it again.",
                name=src.name,
            ) from e
        except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as e:
            raise self._corrupt(e) from e
        if pdf.is_encrypted:
            self.notes.append("the PDF is encrypted with an owner password only; it was read without one")
        return pdf

    def _repaired_or_original(self) -> Path | bytes:
        """What pdfplumber and pdfium open: the file itself, or qpdf's repaired copy."""
        if not self._pdf.get_warnings():
            return self._src.path if self._src.path is not None else (self._src.data or b"")
        # qpdf had to reconstruct the file: hand the other engines its repaired copy so that
        # all three agree on the pages
        self.notes.append("the PDF was damaged (cross-reference table) and was repaired")
        out = io.BytesIO()
        try:
            self._pdf.save(out)
        except (pikepdf.PdfError, OSError, ValueError) as e:
            raise self._corrupt(e) from e
        return out.getvalue()

    def _corrupt(self, e: BaseException | None) -> InputError:
        name = self._src.name
        return input_error(
            ErrorCode.CORRUPT_PDF,
            f"'{name}' is a damaged PDF that could not be repaired: export or scan it again.",
            name=name,
            reason=str(e)[:200] if e else "no pages",
        )

    def page(self, index: int, deadline: Deadline) -> SourcePage:
        """Read page ``index`` (0-based) as text, native image or rendering.

        Args:
            index: the page, 0-based.
            deadline: the time budget for this page.

        Returns:
            The page.

        Raises:
            InputError: ``corrupt_pdf``.
            LimitExceeded: ``image_too_large``, ``ingest_timeout``.
        """
        number = index + 1
        try:
            page = self._pdf.pages[index]
            cropbox, rotate, resources = geometry(page)
        except (pikepdf.PdfError, ValueError, TypeError, KeyError) as e:
            raise self._corrupt(e) from e
        content = scan_page(page, resources)
        deadline.check(f"reading page {number}")
        draw = content.sole_image() if content is not None else None
        scan = draw if draw is not None and covers_page(draw, cropbox) else None
        if scan is None and _may_have_text(content, self._cfg):
            unmapped = content.unmapped_fonts if content is not None else set()
            read = self._text_page(index, rotate, unmapped)
            if read is not None:
                text_page, turn = read
                problem = self._distrust(index, text_page, turn, content, cropbox)
                if problem is None:
                    return text_page
                self.notes.append(f"page {number}: its text layer was not used ({problem}); the page was OCR'd")
        render_dpi = self._cfg.raster_dpi
        if scan is not None:
            extracted = extract(scan, rotate, self._cfg)
            if extracted is not None:
                height, width = extracted.image.shape[:2]
                return SourcePage(
                    number=number, image=extracted.image, dpi=extracted.dpi, origin="pdf_image",
                    width=width, height=height, color=extracted.color,
                )
            # too large to decode whole: let pdfium scale it, keeping up to max_dpi of its detail
            render_dpi = max(render_dpi, min(self._cfg.max_dpi, native_dpi(scan)))
        deadline.check(f"reading page {number}")
        pixels, colour = self._renderer.render(index, render_dpi)
        height, width = pixels.shape[:2]
        return SourcePage(
            number=number, image=pixels, dpi=render_dpi, origin="pdf_render", width=width, height=height, color=colour
        )

    def _text_page(self, index: int, rotate: int, unmapped: set[str]) -> tuple[SourcePage, int] | None:
        """The page from its text layer and the quarter turn it was read at, or ``None`` when not usable."""
        dpi = self._cfg.raster_dpi
        try:
            page = self._plumber_doc().pages[index]
            try:
                if not usable(page.chars, self._cfg.min_text_chars, unmapped):
                    return None
                turn = text_turn(page.chars)
                if turn:
                    return turned_words_page(self._pdf, index, (rotate + turn) % 360, dpi=dpi), turn
                return words_page(page, number=index + 1, dpi=dpi), 0
            finally:
                page.close()
        except Exception:  # pdfminer raises many types; the page is then OCR'd instead
            return None

    def _distrust(self, index: int, page: SourcePage, turn: int, content: PageContent | None,
                  cropbox: tuple[float, float, float, float]) -> str | None:
        """Why the text layer of a page should not be trusted, or ``None`` when it can be.

        Its words must read as Vietnamese, and those of an OCR layer (mostly hidden text, or
        text on a page painted mostly with images: a scan under a visible overlay, strips of a
        scan) must carry diacritics and cover the ink of the page as rendered.
        """
        scanned = content is None or painted_by_images(content.images, cropbox)
        hidden = content is not None and content.invisible_chars > content.visible_chars
        problem = check_language(page.words).problem(need_marks=scanned or hidden)
        if problem is not None or content is None or not scanned:
            return problem
        pixels, _ = self._renderer.render(index, INK_DPI)
        if turn:
            pixels = np.ascontiguousarray(np.rot90(pixels, k=-(turn // 90)))  # into the frame the words were read in
        return ink_problem(pixels, page.words, scale=INK_DPI / page.dpi)

    def _plumber_doc(self) -> Any:
        if self._plumber is None:
            source = self._engine_input
            self._plumber = pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        return self._plumber

    def close(self) -> None:
        """Release every engine's file handles."""
        if self._plumber is not None:
            self._plumber.close()
            self._plumber = None
        self._renderer.close()
        self._pdf.close()


def _may_have_text(content: PageContent | None, cfg: IngestSettings) -> bool:
    """Whether it is worth asking pdfplumber (an unparseable content stream: ask anyway)."""
    return content is None or content.visible_chars >= cfg.min_text_chars
