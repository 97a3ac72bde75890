"""ingest: read an input file (PDF, PNG, JPEG, TIFF, BMP, WebP) into pages, or refuse it cleanly.

The type comes from the bytes, never from the name. Limits (bytes, pages,
pixels, time) are checked before anything is decoded; every refusal is an
:class:`~schemas.errors.InputError` with a stable code. Opening is cheap (headers
only); pages are decoded one at a time::

    with open_document(path, name=path.name, cfg=settings.ingest) as doc:
        for page in doc.pages():
            ...  # page.image (pixels) or page.words (a PDF text layer)
"""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest._document import Document
from pipeline.ingest._images import ImageFileReader
from pipeline.ingest._limits import Deadline
from pipeline.ingest._pdf import PdfReader
from pipeline.ingest._sniff import Kind, identify
from pipeline.ingest._source import load_source
from schemas.settings import IngestSettings

__all__ = ["Document", "Kind", "count_pages", "open_document"]


def open_document(source: Path | bytes, *, name: str, cfg: IngestSettings) -> Document:
    """Open an input file for reading page by page, after checking its type and limits.

    Args:
        source: a path to the file, or its bytes.
        name: the name to report it under (its extension is checked against the bytes).
        cfg: the ingest settings (limits, rasterization).

    Returns:
        The open :class:`Document`; close it (or use ``with``) to release file handles.

    Raises:
        InputError: ``file_not_found``, ``empty_file``, ``unsupported_type``, ``type_mismatch``,
            ``corrupt_image``, ``truncated_image``, ``corrupt_pdf``, ``encrypted_pdf``.
        LimitExceeded: ``file_too_large``, ``too_many_pages``, ``image_too_large``,
            ``ingest_timeout``.
    """
    src = load_source(source, name=name, cfg=cfg)
    kind = identify(src.head, name=name)
    deadline = Deadline(cfg.timeout_s, name=name)
    reader: PdfReader | ImageFileReader
    reader = PdfReader(src, cfg, deadline) if kind == "pdf" else ImageFileReader(src, kind, cfg, deadline)
    return Document(src, kind, reader, cfg)


def count_pages(source: Path | bytes, *, name: str, cfg: IngestSettings) -> int:
    """The number of pages of an input file, without decoding any.

    Args:
        source: a path to the file, or its bytes.
        name: the name to report it under.
        cfg: the ingest settings.

    Returns:
        The page count.

    Raises:
        InputError: as :func:`open_document`.
        LimitExceeded: as :func:`open_document`.
    """
    with open_document(source, name=name, cfg=cfg) as doc:
        return doc.page_count
