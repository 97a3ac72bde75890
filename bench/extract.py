"""Classification and extraction accuracy on the digitize benchmark's files, with their OCR cached.

Run: ``OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.extract --count 120 --seed 4242
[--kinds scan,photo] [--types can_cuoc] [--show misses|text] [--only can_cuoc]``. The files come from ``bench/_corpus``
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
from pathlib import Path

from pipeline.types import OcrPage
from schemas.documents import ComponentResult

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


def main() -> None:
    """Command-line entry."""
    import sys

    sys.path.insert(0, str(ROOT))
    from bench._calibration import Calibration
    from bench._corpus import bench_corpus
    from bench._metrics import Tally, score
    from corpus import KINDS
    from pipeline.classify import load_classifier
    from schemas.documents import DigitizeResult
    from schemas.settings import Settings

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
    args = parser.parse_args()

    kinds = tuple(k for k in args.kinds.split(",") if k)
    types = tuple(t for t in args.types.split(",") if t)
    folder, samples = bench_corpus(count=args.count, seed=args.seed, kinds=kinds, doc_types=types)
    samples = [s for s in samples if s.file.startswith(args.file)]
    paths = [folder / s.file for s in samples]
    all_pages = read_all(paths, args.jobs)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    model = load_classifier(Path(args.model) if args.model else None)
    total, groups = Tally(), dict[str, Tally]()
    meta: dict[str, list[int]] = {}
    calibration = Calibration(settings.classify.threshold)
    for sample, pages in zip(samples, all_pages, strict=True):
        comps = _components(pages, model, settings)
        result = DigitizeResult(file=sample.file, components=comps, pages=len(pages))
        _meta_tally(sample, comps, meta)
        calibration.add(sample, comps)
        t = score(sample, result, "")
        t.edits = t.chars = 0
        total.add(t)
        groups.setdefault(sample.kind, Tally()).add(t)
        if args.show != "none":
            _show(sample, comps, pages, args.show, args.only)
    print(f"\n{len(samples)} files, {total.components} documents, {total.fields} fields; "
          f"doc_type {total.type_acc:.4f} fields {total.field_acc:.4f}")
    for kind, g in sorted(groups.items()):
        print(f"{kind:<18}{g.files:>5}{g.type_acc:>8.3f}{g.field_acc:>8.3f}  ({g.fields_ok}/{g.fields})")
    misses = sorted(total.field_misses.items(), key=lambda kv: -kv[1])[:20]
    print("most missed: " + ", ".join(f"{k} {v}" for k, v in misses))
    print("metadata exact-match: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(meta.items())))
    print(calibration.line())


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
