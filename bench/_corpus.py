"""Benchmark corpora: generated once per (seed, count, kinds) and cached under ``var/bench``.

Seeds below 100000 are reserved for benchmarks; the classifier trains on seeds
at or above 100000, so no benchmark page was seen in training.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from corpus import SampleTruth, generate_corpus, load_manifest
from schemas.documents import DocType

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "bench"


def bench_corpus(*, count: int, seed: int, kinds: tuple[str, ...],
                 doc_types: tuple[str, ...] = (), style: str = "in") -> tuple[Path, list[SampleTruth]]:
    """The benchmark files and their truth, generated on first use (of every type unless ``doc_types``).

    ``style="held_out"`` draws them in the font family and layout family kept out of training
    and tuning (``corpus.render_document``).
    """
    if seed >= 100_000:
        raise SystemExit("benchmark seeds must be below 100000 (training uses the rest)")
    types = f"-{'_'.join(sorted(doc_types))}" if doc_types else ""
    held = "-held_out" if style == "held_out" else ""
    folder = CACHE / f"corpus-{seed}-{count}-{'_'.join(sorted(kinds))}{types}{held}"
    manifest = folder / "manifest.jsonl"
    if not manifest.exists():
        folder.mkdir(parents=True, exist_ok=True)
        generate_corpus(folder, count=count, seed=seed, kinds=kinds,
                        doc_types=[DocType(t) for t in doc_types] if doc_types else None, style=style)
    return folder, load_manifest(manifest)


def raster_pages(folder: Path, sample: SampleTruth) -> list[Path]:
    """Files raw tesseract can read for a sample: the image itself, or PDF pages rendered at 300 dpi.

    Rendering is done once and cached, outside any timing: tesseract cannot read PDFs,
    and the anchor should not pay for a step it would need anyway.
    """
    path = folder / sample.file
    if path.suffix.lower() != ".pdf":
        return [path]
    out = folder / "_raster" / path.stem
    if not out.exists():
        out.mkdir(parents=True)
        subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(out / "p")], check=True)
    return sorted(out.glob("p-*.png"))
