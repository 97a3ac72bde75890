"""The official blank forms of ``../shared/realdocs/forms/``, filled with generated values as a citizen would.

Form CC01 (identity card application, Circular 41/2019/TT-BCA) is the PDF the Ministry issues.
Its labels, dotted leaders and digit boxes are found on the page with pdfplumber, and values are
written over the leaders and into the boxes in DejaVu Sans (fpdf2), the way a form filled on a
computer and printed looks. ``scanned`` renders the filled page at 300 dpi and puts it through
the corpus's print-and-scan damage.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
from PIL import Image

from corpus import degrade
from corpus._people import person, phone

FORMS = Path(__file__).resolve().parents[3] / ".." / "shared" / "realdocs" / "forms"
CC01 = FORMS / "form_CC01_to_khai_CCCD_TT41-2019_blank.pdf"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass(frozen=True)
class Filled:
    """A filled form and the values written on it (as the extractor should return them)."""

    pdf: bytes
    truth: dict[str, str]


def _word(page: Any, text: str, *, near_top: float | None = None) -> dict[str, Any]:
    words = [w for w in page.extract_words()
             if w["text"] == text and (near_top is None or abs(w["top"] - near_top) < 8)]
    if not words:
        raise LookupError(f"{text!r} is not on the form")
    return words[0]


def _overlay(size: tuple[float, float], items: list[tuple[float, float, str]]) -> bytes:
    from fpdf import FPDF

    doc = FPDF(unit="pt", format=size)
    doc.add_page()
    doc.add_font("dejavu", fname=DEJAVU)
    doc.set_font("dejavu", size=10.5)
    for x, baseline, text in items:
        doc.text(x, baseline, text)
    return bytes(doc.output())


def fill_cc01(seed: int) -> Filled:
    """Form CC01 page 1 filled for a generated citizen: name, birth date, sex, ID digits in their boxes,
    permanent residence and phone number."""
    rng = random.Random(seed)
    citizen = person(rng, born_from=date(1960, 1, 1), born_to=date(2004, 12, 31))
    printed_phone, digits = phone(rng)
    with pdfplumber.open(CC01) as form:
        page = form.pages[0]
        size = (float(page.width), float(page.height))
        name, birth, sex = _word(page, "tên(1):"), _word(page, "sinh:", near_top=175), _word(page, "(Nam/nữ):")
        slashes = sorted(c["x0"] for c in page.chars if c["text"] == "/" and abs(c["top"] - birth["top"]) < 3)
        boxes = sorted({round(r["x0"], 1) for r in page.rects if 190 < r["top"] < 205})
        residence, phone_label = _word(page, "trú:", near_top=292), _word(page, "thoại:")
    base = lambda w: float(w["bottom"]) - 3.5  # noqa: E731 (the baseline of a label's row)
    b = citizen.birth
    items = [
        (float(name["x1"]) + 6, base(name), citizen.name.upper()),
        (float(birth["x1"]) + 6, base(birth), f"{b.day:02d}"),
        (slashes[0] + 8, base(birth), f"{b.month:02d}"),
        (slashes[1] + 8, base(birth), str(b.year)),
        (float(sex["x1"]) + 6, base(sex), citizen.sex),
        *[(x + 8.5, 210.5, d) for x, d in zip(boxes, citizen.id_number, strict=True)],
        (float(residence["x1"]) + 6, base(residence), citizen.residence.text()),
        (float(phone_label["x1"]) + 6, base(phone_label), printed_phone),
    ]
    out = pikepdf.open(CC01)
    del out.pages[1:]
    over = pikepdf.open(io.BytesIO(_overlay(size, items)))
    out.pages[0].add_overlay(over.pages[0])
    buf = io.BytesIO()
    out.save(buf)
    truth = {"ho_ten": citizen.name, "ngay_sinh": b.isoformat(), "so_dinh_danh": citizen.id_number,
             "noi_cu_tru": citizen.residence.text(), "so_dien_thoai": digits}
    return Filled(buf.getvalue(), truth)


def scanned(pdf: bytes, *, seed: int, profile: str = "scan") -> Image.Image:
    """The first page of ``pdf`` printed and scanned: rendered at 300 dpi, then damaged like a scanner does."""
    doc = pdfium.PdfDocument(pdf)
    try:
        bitmap = doc[0].render(scale=300 / 72)
        clean = Image.fromarray(np.array(bitmap.to_numpy()[..., :3][..., ::-1]))
        bitmap.close()
    finally:
        doc.close()
    return degrade(clean, profile=profile, seed=seed).image
