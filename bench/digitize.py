"""Benchmark `sohoa digitize` against raw tesseract on the same generated pages, in one run.

Usage: .venv/bin/python bench/digitize.py [--count 120] [--seed 4242] [--jobs 2]
       [--kinds scan,photo,...] [--ablate light,denoise] [--skip-raw]

Prints, side by side: doc_type accuracy, field exact-match accuracy, character
error rate of the OCR text, pages per minute and peak memory of a worker, for
our pipeline and for raw ``tesseract FILE - -l vie`` at its best
(``OMP_THREAD_LIMIT=1``, one process per core), plus the same split by kind.
The corpus uses seeds below 100000, which the classifier never trained on.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._corpus import bench_corpus, raster_pages
from bench._metrics import Tally, score
from corpus import KINDS, SampleTruth
from pipeline.digitize import digitize_batch, digitize_file
from schemas.documents import DigitizeResult
from schemas.settings import Settings

PHOTO_KINDS = {"photo"}


def run_ours(paths: list[Path], settings: Settings) -> tuple[list[DigitizeResult], float, float]:
    """Our batch, its wall time and the highest peak RSS (MB) of any process it ran."""
    watch = _PeakWatch()
    watch.start()
    start = time.perf_counter()
    try:
        results = list(digitize_batch(paths, settings=settings))
    finally:
        wall = time.perf_counter() - start
        watch.stop()
    return results, wall, watch.peak_mb


def _tesseract(files: list[Path]) -> tuple[str, float]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    texts, start = [], time.perf_counter()
    for f in files:
        out = subprocess.run(["tesseract", str(f), "-", "-l", "vie"], capture_output=True, env=env, check=False)
        texts.append(out.stdout.decode("utf-8", "replace"))
    return "\n".join(texts), (time.perf_counter() - start)


def run_raw(inputs: list[list[Path]], jobs: int) -> tuple[list[str], list[float], float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(_tesseract, inputs))
    return [d[0] for d in done], [d[1] for d in done], time.perf_counter() - start


class _PeakWatch(threading.Thread):
    """Samples the kernel's high-water mark of resident memory (VmHWM) of our descendants.

    The page readers are grandchildren (under a fork server), so ``RUSAGE_CHILDREN`` never
    sees them; each keeps its own high-water mark, read here until the batch ends.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            for pid in _descendants(os.getpid()):
                self.peak_mb = max(self.peak_mb, _hwm_mb(pid))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def born_digital_speed(folder: Path, samples: list[SampleTruth], settings: Settings) -> tuple[float, float] | None:
    """Per-page ms of our digitize and of raw tesseract on the born-digital files, one at a time.

    Both run alone on a quiet pool (one file, one process), after one warm-up file, so neither
    waits behind the other's pages as in the batch.
    """
    born = [s for s in samples if s.kind == "pdf_born_digital"]
    if not born:
        return None
    digitize_file(folder / born[0].file, settings=settings)
    ours = raw = 0.0
    pages = 0
    for s in born:
        start = time.perf_counter()
        result = digitize_file(folder / s.file, settings=settings).result
        ours += time.perf_counter() - start
        pages += result.pages
        raw += _tesseract(raster_pages(folder, s))[1]
    return ours * 1000 / pages, raw * 1000 / pages


def _row(label: str, ours: float | str, raw: float | str) -> str:
    def fmt(v: float | str) -> str:
        return v if isinstance(v, str) else f"{v:.4g}"

    return f"{label:<34}{fmt(ours):>14}{fmt(raw):>16}"


def second_reads(results: list[DigitizeResult]) -> tuple[int, int]:
    """(pages sohoa read a second way, pages it OCR'd): ``PageInfo.read`` where the pipeline has it."""
    ocr = [i for r in results for i in r.page_info if i.source != "text_layer"]
    return sum(bool(getattr(getattr(i, "read", None), "second_read", False)) for i in ocr), len(ocr)


def report(samples: list[SampleTruth], results: list[DigitizeResult], *, raw_texts: list[str],
           wall: float, raw_wall: float | None, peak_mb: float, born: tuple[float, float] | None) -> None:
    pages = sum(len(s.pages) for s in samples)
    groups: dict[str, Tally] = {}
    total = Tally()
    for sample, result, raw in zip(samples, results, raw_texts, strict=True):
        t = score(sample, result, raw)
        total.add(t)
        groups.setdefault(sample.kind, Tally()).add(t)
    has_raw = raw_wall is not None
    print(f"\n{len(samples)} files, {pages} pages, {total.components} documents, {total.fields} fields\n")
    print(f"{'':<34}{'sohoa':>14}{'raw tesseract':>16}")
    print(_row("doc_type accuracy", total.type_acc, "—"))
    print(_row("field exact-match accuracy", total.field_acc, "—"))
    print(_row("CER of the text", total.cer, total.raw_cer if has_raw else "skipped"))
    print(_row("wall time (s)", wall, raw_wall if raw_wall is not None else "skipped"))
    print(_row("pages per minute", pages / wall * 60, pages / raw_wall * 60 if raw_wall else "skipped"))
    print(_row("peak RSS of a worker (MB)", peak_mb, "—"))
    print(_row("files that failed", float(total.errors), "—"))
    second, ocr_pages = second_reads(results)
    print(_row("pages read a second time", f"{second} of {ocr_pages}", "—"))
    photos = Tally()
    for kind in sorted(groups):
        if kind in PHOTO_KINDS:
            photos.add(groups[kind])
    print("\nby kind:")
    print(f"{'kind':<18}{'files':>6}{'type':>8}{'fields':>8}{'CER':>8}{'raw CER':>9}")
    for kind, g in sorted(groups.items()):
        raw_cer = f"{g.raw_cer:.3f}" if has_raw else "—"
        print(f"{kind:<18}{g.files:>6}{g.type_acc:>8.3f}{g.field_acc:>8.3f}{g.cer:>8.3f}{raw_cer:>9}")
    if born is not None:
        ours_ms, raw_ms = born
        print(f"\nborn-digital PDF page, one file at a time: {ours_ms:.0f} ms (text layer, whole digitize) "
              f"vs {raw_ms:.0f} ms (raw tesseract), {raw_ms / max(ours_ms, 0.01):.1f}x faster")
    stages: dict[str, float] = {}
    for r in results:
        for k, v in r.timings_ms.items():
            stages[k] = stages.get(k, 0.0) + v
    print("\nstage time per page (ms, summed over processes): "
          + ", ".join(f"{k} {v / pages:.0f}" for k, v in stages.items()))
    misses = sorted(total.field_misses.items(), key=lambda kv: -kv[1])[:15]
    if misses:
        print("\nmost missed fields: " + ", ".join(f"{k} {v}" for k, v in misses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument(
        "--ablate", default="", help="preprocess steps to switch off, comma-separated (grey: read binary everywhere)"
    )
    parser.add_argument("--skip-raw", action="store_true")
    args = parser.parse_args()

    kinds = tuple(k for k in args.kinds.split(",") if k)
    folder, samples = bench_corpus(count=args.count, seed=args.seed, kinds=kinds)
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    off: dict[str, object] = {step: False for step in args.ablate.split(",") if step}
    if off.pop("grey", None) is not None:  # not a switch: soft pages are then read binary like the rest
        off["ocr_input"] = "binary"
    settings = base.model_copy(update={
        "preprocess": base.preprocess.model_copy(update=off),
        "ocr": base.ocr.model_copy(update={"jobs": args.jobs}),
    })
    if off:
        print(f"ablation: {', '.join(off)} switched off")
    paths = [folder / s.file for s in samples]
    results, wall, peak = run_ours(paths, settings)
    raw_texts, raw_wall, born = [""] * len(samples), None, None
    if not args.skip_raw:
        inputs = [raster_pages(folder, s) for s in samples]
        raw_texts, _, raw_wall = run_raw(inputs, args.jobs)
        born = born_digital_speed(folder, samples, settings)
    report(samples, results, raw_texts=raw_texts, wall=wall, raw_wall=raw_wall, peak_mb=peak, born=born)


if __name__ == "__main__":
    main()
