"""Real-document bench inputs: the pages of a folder, and rendered, damaged copies of born-digital PDFs.

A born-digital PDF with a form-feed-split text dump beside it (``STEM.txt``) gives exact
ground truth for any picture of its pages: each page is rendered at 200 and 300 dpi, and
the 200-dpi render is damaged five ways, each copy a one-page image whose truth is that
page of the dump.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench._real import SUFFIXES, split_pages, transcript

Damage = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Case:
    """One page to read with both engines.

    Attributes:
        file: what sohoa is given (the original file, or a one-page image made here).
        page: 1-based page of ``file``.
        pages: pages in ``file``.
        label: how the table names the page's file (a made copy: its source and how it was made).
        truth: the page's exact or hand-made text, ``None`` when there is none.
        shown_page: the page number the table shows (a made copy's page of its source).
    """

    file: Path
    page: int
    pages: int
    label: str
    truth: str | None
    shown_page: int = 0


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(found.group(1)) if found else 0


def page_dpi(path: Path, page: int) -> int:
    """The x-resolution of the largest image on a PDF page (its scan), or 300 when it has none."""
    out = subprocess.run(["pdfimages", "-f", str(page), "-l", str(page), "-list", str(path)],
                         capture_output=True, text=True, check=True).stdout
    best, dpi = 0, 300
    for line in out.splitlines()[2:]:
        cols = line.split()
        if len(cols) >= 13 and cols[2] == "image":
            area = int(cols[3]) * int(cols[4])
            if area > best:
                best, dpi = area, int(cols[12])
    return dpi


def render(path: Path, page: int, dpi: int, out: Path, *, annotations: bool = True) -> Path:
    """``page`` of ``path`` as a PNG at ``dpi`` (pdftoppm); annotations off gives the scan as scanned."""
    args = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile"]
    if not annotations:
        args.append("-hide-annotations")
    subprocess.run([*args, str(path), str(out.with_suffix(""))], check=True, capture_output=True)
    return out


def _noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noisy = img.astype(np.float32) + rng.normal(0, 22, img.shape)
    speckle = rng.random(img.shape[:2]) < 0.004
    noisy[speckle] = 0
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _blur(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), 1.4)


def _rotate(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 2.5, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))


def _jpeg_trip(img: np.ndarray, quality: int) -> np.ndarray:
    """``img`` after a round trip through JPEG at ``quality``."""
    _ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    out = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    assert out is not None
    return out


def _jpeg(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return _jpeg_trip(img, 15)


def _phone(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    small = cv2.resize(img, (600, round(h * 600 / w)), interpolation=cv2.INTER_AREA)
    return _jpeg_trip(small, 80)


#: how a page is damaged: name -> function (deterministic: a fixed seed per page)
DAMAGES: dict[str, Damage] = {"noise": _noise, "blur": _blur, "rotate": _rotate, "jpeg": _jpeg, "phone600": _phone}


def _exact_dump(path: Path) -> list[str] | None:
    dump = path.with_suffix(".txt")
    if path.suffix.lower() != ".pdf" or not dump.is_file():
        return None
    text = dump.read_text(encoding="utf-8")
    return split_pages(text) if "\f" in text else None


def made_copies(path: Path, work: Path) -> list[Case]:
    """Rendered and damaged one-page images of a born-digital PDF with an exact text dump."""
    dump = _exact_dump(path)
    if dump is None or len(dump) != pdf_pages(path):
        return []
    cases: list[Case] = []
    for page, truth in enumerate(dump, start=1):
        base = work / f"{path.stem}.p{page}"
        for dpi in (200, 300):
            out = render(path, page, dpi, base.with_name(f"{base.name}-r{dpi}.png"))
            cases.append(Case(out, 1, 1, f"{path.name} r{dpi}", truth, page))
        clean = cv2.imread(str(base.with_name(f"{base.name}-r200.png")), cv2.IMREAD_COLOR)
        if clean is None:
            raise RuntimeError(f"pdftoppm wrote no readable page {page} of {path}")
        for seed, name in enumerate(DAMAGES):
            rng = np.random.default_rng(1000 * page + seed)
            out = save_damaged(clean, name, rng, base.with_name(f"{base.name}-r200"))
            cases.append(Case(out, 1, 1, f"{path.name} r200 {name}", truth, page))
    return cases


def save_damaged(clean: np.ndarray, name: str, rng: np.random.Generator, stem: Path) -> Path:
    """``clean`` damaged the way ``name`` of :data:`DAMAGES` says, saved as ``STEM-NAME.png`` (``.jpg`` at quality
    95 for the JPEG damages, as a phone or a messaging app hands them on)."""
    suffix = ".jpg" if name in ("jpeg", "phone600") else ".png"
    out = stem.with_name(f"{stem.name}-{name}{suffix}")
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if suffix == ".jpg" else []
    cv2.imwrite(str(out), DAMAGES[name](clean, rng), params)
    return out


def folder_cases(folder: Path, work: Path, *, copies: bool = True, only: str = "") -> list[Case]:
    """Every page of every readable file under ``folder`` (sorted), then the made copies.

    ``only`` keeps the files whose path under ``folder`` contains it (and their copies).
    """
    cases: list[Case] = []
    made: list[Case] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
        label = str(path.relative_to(folder))
        if only not in label:
            continue
        n = pdf_pages(path) if path.suffix.lower() == ".pdf" else 1
        cases.extend(Case(path, i, n, label, transcript(path, i, n)) for i in range(1, n + 1))
        if copies:
            made.extend(made_copies(path, work))
    return cases + made
