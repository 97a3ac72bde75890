"""Searchable PDF: a scan and its OCR as one PDF (image at its own resolution, invisible text layer).

Born-digital pages of a mixed input are kept as they are, beside the scans.

This is what gets signed and archived: PDF 1.7 (≥ 1.4 as Decree 30/2020
wants), colour kept, PDF/A-2b where the inputs allow.
"""

from __future__ import annotations

from pipeline.searchable._pdf import OriginalPage, SearchablePage, make_searchable_pdf

__all__ = ["OriginalPage", "SearchablePage", "make_searchable_pdf"]
