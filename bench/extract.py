"""Classification and extraction accuracy on the digitize benchmark's files, with their OCR cached.

Run: ``OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.extract --count 120 --seed 4242
[--kinds scan,photo] [--types can_cuoc] [--show misses|text] [--only can_cuoc] [--held-out]``.
``--held-out`` also scores the same files drawn in the style kept out of training and tuning (the
Charis SIL font family and the ``grid`` layout family: fields in ruled tables) and prints both
side by side, with per-type figures: the gap is what a new province's papers would cost.
The files come from ``bench/_corpus``
(the same files ``bench/digitize.py`` reads); each page goes through the pipeline's own
ingest → preprocess → OCR once and its :class:`OcrPage` is kept under ``var/bench-ocr``, keyed by
the file, the page and a hash of the ingest/preprocess/OCR sources (a change there re-reads).
Splitting, classification and extraction always run fresh; scoring is ``bench._metrics.score``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench._calibration import Calibration
from bench._metrics import Tally
from pipeline.types import OcrPage
from schemas.documents import ComponentResult, DigitizeResult
from schemas.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "bench-ocr"
_STAGE_SOURCES = ("pipeline/ingest", "pipeline/preprocess", "pipeline/ocr", "pipeline/_pages.py")


def stage_hash() -> str:
    """A hash of the sources and settings (``SOHOA_…`` variables included) that decide what OCR reads."""
    from schemas.settings import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    h = hashlib.sha256(f"{settings.ingest!r}{settings.preprocess!r}{settings.ocr!r}".encode())
    for rel in _STAGE_SOURCES:
        path = ROOT / rel
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _read(path: str, stage: str) -> list[OcrPage]:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from pipeline import _pages
    from pipeline.ingest import count_pages
    from schemas.settings import Settings

    out = CACHE / stage / (hashlib.sha256(path.encode()).hexdigest()[:24] + ".pkl")
    if out.is_file():
        cached: list[OcrPage] = pickle.loads(out.read_bytes())
        return cached
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    p = Path(path)
    try:
        n = count_pages(p, name=p.name, cfg=settings.ingest)
        pages = [_pages.read_page(p, i, name=p.name, settings=settings).ocr for i in range(n)]
    except Exception:
        pages = []
    finally:
        _pages.release()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pickle.dumps(pages))
    return pages


def read_all(paths: Sequence[Path], jobs: int) -> list[list[OcrPage]]:
    """OCR pages of every file (cached)."""
    stage = stage_hash()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_read, [str(p) for p in paths], [stage] * len(paths)))


@dataclass
class _Run:
    """The scores of one corpus (one style)."""

    style: str
    total: Tally = field(default_factory=Tally)
    groups: dict[str, Tally] = field(default_factory=dict)
    types: dict[str, Tally] = field(default_factory=dict)
    meta: dict[str, list[int]] = field(default_factory=dict)
    calibration: Calibration = field(default_factory=lambda: Calibration(0.45))


def _evaluate(args: argparse.Namespace, style: str, model: object, settings: Settings) -> _Run:
    """Classify and extract every file of the corpus of ``style`` from its cached OCR, and score it."""
    from bench._corpus import bench_corpus
    from bench._metrics import score

    kinds = tuple(k for k in args.kinds.split(",") if k)
    types = tuple(t for t in args.types.split(",") if t)
    folder, samples = bench_corpus(count=args.count, seed=args.seed, kinds=kinds, doc_types=types, style=style)
    samples = [s for s in samples if s.file.startswith(args.file)]
    all_pages = read_all([folder / s.file for s in samples], args.jobs)
    run = _Run(style, calibration=Calibration(settings.classify.threshold))
    for sample, pages in zip(samples, all_pages, strict=True):
        comps = _components(pages, model, settings)
        result = DigitizeResult(file=sample.file, components=comps, pages=len(pages))
        _meta_tally(sample, comps, run.meta)
        run.calibration.add(sample, comps)
        t = score(sample, result, "")
        t.edits = t.chars = 0
        run.total.add(t)
        run.groups.setdefault(sample.kind, Tally()).add(t)
        for truth in sample.components:  # per type: each document scored on its own
            one = score(replace(sample, components=[truth]), result, "")
            run.types.setdefault(str(truth.doc_type), Tally()).add(one)
        if args.show != "none":
            _show(sample, comps, pages, args.show, args.only)
    return run


def _report(run: _Run) -> None:
    total = run.total
    print(f"\n[{run.style}] {total.files} files, {total.components} documents, {total.fields} fields; "
          f"doc_type {total.type_acc:.4f} fields {total.field_acc:.4f}")
    for kind, g in sorted(run.groups.items()):
        print(f"{kind:<18}{g.files:>5}{g.type_acc:>8.3f}{g.field_acc:>8.3f}  ({g.fields_ok}/{g.fields})")
    misses = sorted(total.field_misses.items(), key=lambda kv: -kv[1])[:20]
    print("most missed: " + ", ".join(f"{k} {v}" for k, v in misses))
    print("metadata exact-match: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(run.meta.items())))
    print(run.calibration.line())


def _side_by_side(runs: list[_Run]) -> None:
    print(f"\n{'style':<10}{'files':>6}{'docs':>6}{'doc_type':>10}{'fields':>8}{'ECE':>7}{'sure wrong':>12}")
    for run in runs:
        t, c = run.total, run.calibration
        print(f"{run.style:<10}{t.files:>6}{t.components:>6}{t.type_acc:>10.3f}{t.field_acc:>8.3f}{c.ece:>7.3f}"
              f"{c.sure_mistakes:>12}")


def main() -> None:
    """Command-line entry."""
    import sys

    sys.path.insert(0, str(ROOT))
    from corpus import KINDS
    from pipeline.classify import load_classifier

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--types", default="", help="doc_types to generate, comma-separated (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", default="misses", help="misses, text (OCR text of missed docs), none")
    parser.add_argument("--only", default="", help="doc_type to show misses of")
    parser.add_argument("--model", default="", help="classifier artifact (default: the shipped one)")
    parser.add_argument("--file", default="", help="only files whose name starts with this")
    parser.add_argument("--held-out", action="store_true",
                        help="also score the same files drawn in the held-out style (font and layout family)")
    parser.add_argument("--only-held-out", action="store_true", help="score the held-out style only")
    args = parser.parse_args()

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    model = load_classifier(Path(args.model) if args.model else None)
    styles = ["held_out"] if args.only_held_out else ["in", "held_out"] if args.held_out else ["in"]
    runs = [_evaluate(args, style, model, settings) for style in styles]
    for run in runs:
        _report(run)
    if len(runs) > 1:
        _side_by_side(runs)
        print("per type (doc_type / fields, in-style vs held-out): " + ", ".join(
            f"{t} " + " vs ".join(_pair(r.types[t]) for r in runs if t in r.types) for t in sorted(runs[0].types)))


def _pair(t: Tally) -> str:
    return f"{t.type_acc:.2f}/" + (f"{t.field_acc:.2f}" if t.fields else "-")


def _components(pages: list[OcrPage], model: object, settings: object) -> tuple[ComponentResult, ...]:
    """The file's documents, or none when nothing was read or nothing legible (``no_text``)."""
    from pipeline._assemble import assemble
    from schemas.errors import SohoaError

    if not pages:
        return ()
    try:
        return assemble(pages, model=model, settings=settings, timings={})  # type: ignore[arg-type]
    except SohoaError:
        return ()


def _meta_tally(sample: object, comps: Sequence[object], meta: dict[str, list[int]]) -> None:
    from bench._metrics import _match

    for truth in sample.components:  # type: ignore[attr-defined]
        found = _match(truth, tuple(comps))  # type: ignore[arg-type]
        got = found.metadata.model_dump() if found is not None else {}
        for name, want in truth.metadata.items():
            tally = meta.setdefault(name, [0, 0])
            tally[0] += got.get(name) == want
            tally[1] += 1
            if got.get(name) != want and os.environ.get("SHOW_META"):
                print(f"META {sample.file} {truth.doc_type}.{name}: want {want!r} got {got.get(name)!r}")  # type: ignore[attr-defined]


def _show(sample: object, comps: Sequence[object], pages: Sequence[OcrPage], mode: str, only: str) -> None:
    from bench._metrics import _match

    for truth in sample.components:  # type: ignore[attr-defined]
        if only and str(truth.doc_type) != only:
            continue
        found = _match(truth, tuple(comps))  # type: ignore[arg-type]
        head = f"{sample.file} [{sample.kind}] {truth.doc_type} {truth.page_range}"  # type: ignore[attr-defined]
        lines = []
        if found is None or found.doc_type != truth.doc_type:
            lines.append(f"  TYPE got {found.doc_type if found else None} {found.page_range if found else ''}")
        for name, want in truth.fields.items():
            got = found.fields.get(name) if found is not None else None
            if got is None or got.value != want:
                lines.append(f"  {name}: want {want!r} got {got.value if got else None!r} "
                             f"{got.flags if got else ''}")
        if lines:
            print(head)
            print("\n".join(lines))
            if mode == "text":
                lo, hi = truth.page_range
                for p in pages:
                    if lo <= p.number <= hi:
                        print(f"    --- page {p.number} (rotation {p.rotation})")
                        print("    | " + p.text.replace("\n", "\n    | "))


if __name__ == "__main__":
    main()
