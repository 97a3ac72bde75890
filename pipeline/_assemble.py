"""From the pages of one file to its components: split, classify, extract."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pipeline.classify import NO_TEXT, Classifier, classify, classify_page, starts_document
from pipeline.extract import extract
from pipeline.ocr import reading_text
from pipeline.stacks import PageVerdict, Segment, split
from pipeline.types import OcrPage
from schemas.documents import ComponentResult
from schemas.errors import ErrorCode, InputError
from schemas.settings import Settings


def assemble(pages: Sequence[OcrPage], *, model: Classifier, settings: Settings,
             timings: dict[str, float]) -> tuple[ComponentResult, ...]:
    """Split the pages into documents and read each one.

    Args:
        pages: every page of the file, in order.
        model: the loaded classifier.
        settings: all settings (classify and extract sections are used).
        timings: milliseconds per stage, added to in place.

    Returns:
        One component per document found, in page order. A component nothing legible was read
        from is ``khac`` at confidence 0 with the flag ``no_text``.

    Raises:
        InputError: ``no_text`` when nothing legible was read from any page of the file.
    """
    t0 = time.perf_counter()
    by_number = {p.number: p for p in pages}

    def judge(page: OcrPage) -> PageVerdict:
        c = classify_page(page, model=model, cfg=settings.classify)
        return PageVerdict(c.doc_type, c.confidence, starts_document(page, model=model))

    segments: list[Segment] = split(pages, judge) if len(pages) > 1 else [Segment(tuple(p.number for p in pages))]
    timings["split"] = timings.get("split", 0.0) + (time.perf_counter() - t0) * 1000
    components: list[ComponentResult] = []
    for segment in segments:
        own = [by_number[n] for n in segment.pages]
        t1 = time.perf_counter()
        verdict = classify(own, model=model, cfg=settings.classify)
        t2 = time.perf_counter()
        found = extract(verdict.doc_type, own, cfg=settings.extract)
        t3 = time.perf_counter()
        timings["classify"] = timings.get("classify", 0.0) + (t2 - t1) * 1000
        timings["extract"] = timings.get("extract", 0.0) + (t3 - t2) * 1000
        components.append(ComponentResult(
            doc_type=verdict.doc_type,
            confidence=verdict.confidence,
            page_range=segment.page_range,
            fields=found.fields,
            metadata=found.metadata,
            text="\n\n".join(reading_text(list(p.words)) for p in own),
            flags=(*verdict.flags, *found.flags),
        ))
    if components and all(NO_TEXT in c.flags for c in components):
        raise InputError("nothing legible was read from this file: check that the right side was scanned, "
                         "and scan it again", code=ErrorCode.NO_TEXT, detail={"pages": len(pages)})
    return tuple(components)
