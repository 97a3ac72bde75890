"""The opened input file: its identity, its page count, and its pages decoded one at a time."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from types import TracebackType
from typing import Protocol

from pipeline.ingest._limits import Deadline
from pipeline.ingest._sniff import Kind
from pipeline.ingest._source import Source
from pipeline.types import SourcePage
from schemas.settings import IngestSettings


class PageReader(Protocol):
    """What a format reader offers :class:`Document` (``ImageFileReader``, ``PdfReader``)."""

    page_count: int
    notes: list[str]

    def page(self, index: int, deadline: Deadline) -> SourcePage:
        """Decode one page (0-based)."""
        ...

    def close(self) -> None:
        """Release file handles."""
        ...


class Document:
    """An input file opened for reading, page by page (a context manager).

    Opening has read headers only; each :meth:`page` call decodes one page, so a page
    worker in another process can open the same file and read just its own page.

    Attributes:
        name: the file name as the officer knows it.
        kind: ``"pdf"``, ``"png"``, ``"jpeg"``, ``"tiff"``, ``"bmp"`` or ``"webp"``, from the bytes.
        page_count: the number of pages.
    """

    def __init__(self, source: Source, kind: Kind, reader: PageReader, cfg: IngestSettings) -> None:
        self._source = source
        self._reader = reader
        self._cfg = cfg
        self.name = source.name
        self.kind: Kind = kind
        self.page_count = reader.page_count

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the input bytes (hex), computed on first use."""
        return self._source.sha256()

    @property
    def notes(self) -> tuple[str, ...]:
        """Things worth telling an officer that are not errors (dpi assumed, file repaired …)."""
        return tuple(self._reader.notes)

    def page(self, index: int) -> SourcePage:
        """Decode page ``index`` (0-based).

        Args:
            index: 0 ≤ index < :attr:`page_count`.

        Returns:
            The page: pixels (``image``, ``pdf_image``, ``pdf_render``) or words (``pdf_text``).

        Raises:
            IndexError: ``index`` is outside the document.
            InputError: the page cannot be decoded (``corrupt_image``, ``truncated_image``,
                ``corrupt_pdf``).
            LimitExceeded: ``image_too_large``, ``ingest_timeout``.
        """
        if not 0 <= index < self.page_count:
            raise IndexError(f"page index {index} is outside 0..{self.page_count - 1} of '{self.name}'")
        return self._reader.page(index, Deadline(self._cfg.timeout_s, name=self.name))

    def pages(self) -> Iterator[SourcePage]:
        """Every page in order, decoded one at a time (only one is held by this object).

        Yields:
            The pages, first to last.
        """
        for index in range(self.page_count):
            yield self.page(index)

    def close(self) -> None:
        """Release the file handles of every engine used."""
        self._reader.close()

    def __enter__(self) -> Document:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Document({self.name!r}, kind={self.kind!r}, pages={self.page_count})"
