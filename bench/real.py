"""Benchmark sohoa against raw Tesseract on real documents, page by page, in one run.

Usage: .venv/bin/python bench/real.py [--dir FOLDER ...] [--no-realdocs] [--no-copies]
       [--only SUBSTRING] [--json] [--work DIR]

Reads every page of ``../shared/realdocs`` (recursively) and of each ``--dir`` with
sohoa (``pipeline.digitize.digitize_file``, the code ``sohoa digitize`` runs, in this
process) and with raw ``tesseract IMAGE - -l vie`` (``OMP_THREAD_LIMIT=1``) on the page
as it is: an image file itself, a PDF page rendered by ``pdftoppm -hide-annotations``
at the resolution of the page's own scan image (300 dpi when it has none).

A born-digital PDF with an exact text dump beside it (``STEM.txt``, pages split by form
feeds) is also rendered at 200 and 300 dpi, and the 200-dpi render damaged five ways
(noise, blur, a 2.5° turn, JPEG at quality 15, a phone-like downscale to 600 px wide):
each copy's truth is its page of the dump.

Per page: CER of both against the transcript where there is one (see
:mod:`bench._real` for the normalization: NFC, layout leaders dropped, white space
collapsed, same for both); where there is none, the share of words that are valid
Vietnamese syllables or numbers/codes and the word count for both, and sohoa's own
self-check score (``PageInfo.read.score``) when the pipeline records one. Totals: mean
CER of both over transcript pages, pages where sohoa is worse than raw (target 0), the
relative gain (target >= 20% lower), pages per minute of both (one process each,
rendering included for raw), and how often sohoa read a page a second time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._real import cer, page_texts, quality
from bench._realinputs import Case, folder_cases, page_dpi, render
from bench.digitize import _tesseract
from pipeline.classify import load_classifier
from pipeline.digitize import digitize_file
from schemas.settings import Settings

#: a transcript page read with fewer than this share of the transcript's words counts as (nearly) empty
NEARLY_EMPTY = 0.5
#: a page without transcript is flagged when sohoa reads under this share of raw's valid words …
PROXY_WORDS = 0.8
#: … or a valid-word share this much below raw's
PROXY_VALID = 0.02

REALDOCS = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdocs"


@dataclass(frozen=True)
class OurPage:
    """What sohoa gave for one page: its text, type, error code, source and self-check."""

    text: str
    doc_type: str | None
    error: str | None
    source: str | None
    score: float | None
    second_read: bool
    chosen: str | None


@dataclass
class Row:
    """One page's figures for both engines (``ours``: what sohoa gave, as it gave it)."""

    file: str
    page: int
    truth_words: int | None
    cer_sohoa: float | None
    cer_raw: float | None
    words_sohoa: int
    words_raw: int
    valid_sohoa: float
    valid_raw: float
    ours: OurPage
    sec_sohoa: float
    sec_raw: float


def _read_fields(info: object) -> tuple[float | None, bool, str | None]:
    """The self-check of a page, when this version of the pipeline records one."""
    read = getattr(info, "read", None)
    if read is None:
        return None, False, None
    score = getattr(read, "score", None)
    chosen = getattr(read, "chosen", None)
    return (float(score) if score is not None else None, bool(getattr(read, "second_read", False)),
            str(chosen) if chosen is not None else None)


def run_sohoa(path: Path, pages_in_file: int, settings: Settings, model: Any) -> tuple[list[OurPage], float]:
    """Every page of ``path`` as sohoa reads it, and the wall time of the whole digitize.

    A file that failed (``no_text`` …) gives each of its pages empty text and the error's code.
    """
    start = time.perf_counter()
    done = digitize_file(path, settings=settings, model=model, keep_pages=True)
    wall = time.perf_counter() - start
    result = done.result
    error = result.error.code if result.error is not None else None
    texts = page_texts(done)
    pages: list[OurPage] = []
    for n in range(1, max(result.pages, len(texts), pages_in_file) + 1):
        info = next((i for i in result.page_info if i.number == n), None)
        comp = next((c for c in result.components if c.page_range[0] <= n <= c.page_range[1]), None)
        score, second, chosen = _read_fields(info)
        pages.append(OurPage(texts.get(n, ""), str(comp.doc_type) if comp else None, error,
                             info.source if info else None, score, second, chosen))
    return pages, wall


def run_raw(case: Case, work: Path) -> tuple[str, float]:
    """Raw tesseract's text of the page, and its wall time (rendering included)."""
    start = time.perf_counter()
    image = case.file
    if case.file.suffix.lower() == ".pdf":
        image = render(case.file, case.page, page_dpi(case.file, case.page), work / "raw-page.png",
                       annotations=False)
    text, _ = _tesseract([image])
    return text, time.perf_counter() - start


def measure(cases: list[Case], settings: Settings, work: Path, *, log: bool) -> list[Row]:
    model = load_classifier(settings.classify.model_path)
    rows: list[Row] = []
    ours: dict[Path, tuple[list[OurPage], float]] = {}
    for case in cases:
        if case.file not in ours:
            ours[case.file] = run_sohoa(case.file, case.pages, settings, model)
        pages, wall = ours[case.file]
        mine = pages[case.page - 1]
        raw, raw_sec = run_raw(case, work)
        qs, qr = quality(mine.text), quality(raw)
        row = Row(case.label, case.shown_page or case.page,
                  len(case.truth.split()) if case.truth is not None else None,
                  cer(mine.text, case.truth) if case.truth is not None else None,
                  cer(raw, case.truth) if case.truth is not None else None,
                  qs.words, qr.words, qs.share, qr.share, mine, wall / max(case.pages, 1), raw_sec)
        rows.append(row)
        if log:
            print(f"  {row.file} p{row.page}: sohoa {row.sec_sohoa:.1f}s raw {row.sec_raw:.1f}s", file=sys.stderr)
    return rows


def _proxy_worse(r: Row) -> bool:
    """Without a transcript: sohoa read clearly fewer valid words than raw, or a clearly lower share
    of valid words without reading more valid words."""
    ours, raw = r.words_sohoa * r.valid_sohoa, r.words_raw * r.valid_raw
    return ours < raw * PROXY_WORDS or (r.valid_sohoa < r.valid_raw - PROXY_VALID and ours <= raw)


def totals(rows: list[Row]) -> dict[str, Any]:
    """Means, worse pages, gain, speed and second-read rate over ``rows``."""
    graded = [r for r in rows if r.cer_sohoa is not None and r.cer_raw is not None]
    mean_s = sum(r.cer_sohoa or 0.0 for r in graded) / len(graded) if graded else 0.0
    mean_r = sum(r.cer_raw or 0.0 for r in graded) / len(graded) if graded else 0.0
    sec_s, sec_r = sum(r.sec_sohoa for r in rows), sum(r.sec_raw for r in rows)
    ocr = [r for r in rows if r.ours.source != "text_layer"]
    return {
        "pages": len(rows),
        "transcript_pages": len(graded),
        "mean_cer_sohoa": mean_s,
        "mean_cer_raw": mean_r,
        "worse_pages": [f"{r.file} p{r.page}" for r in graded if (r.cer_sohoa or 0.0) > (r.cer_raw or 0.0)],
        "empty_transcript_pages": [f"{r.file} p{r.page}" for r in graded
                                   if r.words_sohoa < (r.truth_words or 0) * NEARLY_EMPTY],
        "proxy_worse_pages": [f"{r.file} p{r.page}" for r in rows if r.truth_words is None and _proxy_worse(r)],
        "relative_gain": 1 - mean_s / mean_r if mean_r else 0.0,
        "pages_per_minute_sohoa": len(rows) / sec_s * 60 if sec_s else 0.0,
        "pages_per_minute_raw": len(rows) / sec_r * 60 if sec_r else 0.0,
        "ocr_pages": len(ocr),
        "second_reads": sum(r.ours.second_read for r in ocr),
        "self_checked_pages": sum(r.ours.score is not None for r in rows),
    }


def _f(v: float | None, fmt: str = ".3f") -> str:
    return "—" if v is None else format(v, fmt)


def report(rows: list[Row], t: dict[str, Any]) -> None:
    print(f"{'file':<62}{'pg':>3}{'CER ours':>9}{'CER raw':>8}{'valid ours':>11}{'valid raw':>10}"
          f"{'words':>11}{'score':>7}{'2nd':>4}  {'type':<10}{'s ours':>7}{'s raw':>6}")
    for r in rows:
        name = r.file if len(r.file) <= 61 else r.file[:22] + "…" + r.file[-38:]
        kind = r.ours.error or r.ours.doc_type or "—"
        if r.ours.source == "text_layer":
            kind += "/tl"
        print(f"{name:<62}{r.page:>3}{_f(r.cer_sohoa):>9}{_f(r.cer_raw):>8}{r.valid_sohoa:>11.3f}"
              f"{r.valid_raw:>10.3f}{f'{r.words_sohoa}/{r.words_raw}':>11}{_f(r.ours.score, '.2f'):>7}"
              f"{'y' if r.ours.second_read else '':>4}  {kind:<10}{r.sec_sohoa:>7.1f}{r.sec_raw:>6.1f}")
    met = "met" if t["relative_gain"] >= 0.20 else "missed" if t["transcript_pages"] else "no transcript pages"
    print(f"\n{t['pages']} pages, {t['transcript_pages']} with a transcript")
    print(f"mean CER (transcript pages)      sohoa {t['mean_cer_sohoa']:.3f}   raw {t['mean_cer_raw']:.3f}")
    print(f"relative gain                    {t['relative_gain']:+.1%}   (target >= 20% lower: {met})")
    worse = t["worse_pages"]
    print(f"pages where sohoa is worse       {len(worse)}   (target 0: {'met' if not worse else 'missed'})")
    for w in worse:
        print(f"    {w}")
    empty = t["empty_transcript_pages"]
    print(f"transcript pages read (nearly) empty, under {NEARLY_EMPTY:.0%} of their words: {len(empty)}"
          + (f": {', '.join(empty)}" if empty else ""))
    proxy = t["proxy_worse_pages"]
    print(f"pages without transcript where sohoa reads under {PROXY_WORDS:.0%} of raw's valid words, or a valid "
          f"share {PROXY_VALID} below raw's and no more valid words: {len(proxy)}")
    for w in proxy:
        print(f"    {w}")
    print(f"pages per minute (one process)   sohoa {t['pages_per_minute_sohoa']:.1f}   "
          f"raw {t['pages_per_minute_raw']:.1f}")
    print(f"second reads                     {t['second_reads']} of {t['ocr_pages']} OCR'd pages "
          f"({t['self_checked_pages']} pages carry a self-check score)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, action="append", default=[], help="another folder of documents")
    parser.add_argument("--no-realdocs", action="store_true", help="skip ../shared/realdocs")
    parser.add_argument("--no-copies", action="store_true", help="no rendered or damaged copies")
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--json", action="store_true", help="rows and totals as one JSON object")
    parser.add_argument("--work", type=Path, help="keep renders and copies here (default: a temporary folder)")
    args = parser.parse_args()

    folders = ([] if args.no_realdocs else [REALDOCS.resolve()]) + args.dir
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory(prefix="sohoa-real-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cases = [c for f in folders for c in folder_cases(f, work, copies=not args.no_copies, only=args.only)]
        rows = measure(cases, settings, work, log=not args.json)
    t = totals(rows)
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "totals": t}, ensure_ascii=False, indent=1))
    else:
        report(rows, t)


if __name__ == "__main__":
    main()
