"""CPU per page of tesseract kept in the process against a ``tesseract`` process per page, on the same images.

Usage: .venv/bin/python bench/ocr_engine.py [--pages 40] [--seed 4242]

The first page of each scanned file of the ``bench/digitize.py`` corpus is prepared as
the pipeline prepares it (``prepare_page``); each prepared image is then read twice,
alternately: by the ``tesseract`` command through pytesseract (a BMP file in, TSV out:
how pages were read before) and by :func:`pipeline.ocr._tesseract.run_tesseract` (one
engine kept per thread). Prints the CPU of each per page (this process and its children:
``getrusage``, not wall time, so a busy machine changes it little), what loading the
engine once costs, and on how many pages both gave the same words, boxes and confidences.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2
import pytesseract
from PIL import Image as PILImage

from bench._corpus import bench_corpus, raster_pages
from corpus import KINDS
from pipeline.ocr._tesseract import _words_from_tsv, run_tesseract
from pipeline.preprocess import prepare_page
from pipeline.types import Image, SourcePage, Word
from schemas.settings import OcrSettings, PreprocessSettings


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def by_command(image: Image, dpi: int, cfg: OcrSettings) -> list[Word]:
    """The page read by a ``tesseract`` process, as ``run_tesseract`` did before it kept an engine."""
    pil = PILImage.fromarray(image if image.ndim == 2 else image[:, :, ::-1])
    pil.format = "BMP"
    config = f"--oem {cfg.oem} --psm {cfg.psm} {f'--dpi {dpi}' if dpi > 0 else ''}".strip()
    data = pytesseract.image_to_data(pil, lang=cfg.lang, config=config, output_type=pytesseract.Output.DICT,
                                     timeout=cfg.timeout_s)
    return _words_from_tsv(data)


def prepared_pages(count: int, seed: int) -> list[tuple[Image, int]]:
    """The OCR images of the first page of up to ``count`` scanned corpus files, and their dpi."""
    folder, samples = bench_corpus(count=120, seed=seed, kinds=tuple(KINDS))
    pages: list[tuple[Image, int]] = []
    for sample in samples:
        if sample.kind == "pdf_born_digital" or len(pages) >= count:
            continue
        path = raster_pages(folder, sample)[0]
        image = cv2.imread(str(path))
        if image is None:
            continue
        dpi = 300 if path.parent.parent.name == "_raster" else 200  # pdftoppm renders at 300 dpi
        source = SourcePage(number=1, image=image, dpi=dpi, origin="image", width=image.shape[1],
                            height=image.shape[0])
        prepared = prepare_page(source, cfg=PreprocessSettings())
        if not prepared.blank:
            pages.append((prepared.ocr_image, prepared.dpi))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=4242)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    cfg = OcrSettings()
    pages = prepared_pages(args.pages, args.seed)
    start = _cpu()
    run_tesseract(pages[0][0], dpi=pages[0][1], cfg=cfg)  # loads this thread's engine
    first = _cpu() - start
    command = engine = 0.0
    same = 0
    for image, dpi in pages:
        t0 = _cpu()
        a = by_command(image, dpi, cfg)
        t1 = _cpu()
        b = run_tesseract(image, dpi=dpi, cfg=cfg)
        t2 = _cpu()
        command, engine, same = command + t1 - t0, engine + t2 - t1, same + (a == b)
    n = len(pages)
    print(f"{n} pages at {time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.2f}")
    print(f"CPU per page: tesseract process {command * 1000 / n:.0f} ms, kept engine {engine * 1000 / n:.0f} ms "
          f"({(engine - command) * 1000 / n:+.0f} ms, {(engine / command - 1) * 100:+.1f}%)")
    print(f"first page of a thread, engine loaded: {first * 1000:.0f} ms of CPU")
    print(f"same words, boxes and confidences: {same} of {n} pages")


if __name__ == "__main__":
    main()
