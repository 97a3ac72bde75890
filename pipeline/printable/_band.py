"""The band at the top of each printed page: the QR code and its label on page 1, a reference line after.

Drawn with fpdf2 on blank pages of the final sizes; the document's own pages
are placed below the band afterwards (:mod:`pipeline.printable._compose`).
The QR code is drawn as vector squares (one rectangle per run of dark modules
in a row), so it prints sharp at any printer resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

from pipeline.printable._label import PrintLabel, label_lines, qr_payload

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class PrintLayout:
    """Sizes of the band, in millimetres (font size in points).

    Attributes:
        margin_mm: from the paper's top and left edges to the QR code.
        qr_mm: side of the QR code (without its quiet zone, which the margins give).
        gap_mm: between the QR code and the label, and between the band and the page content.
        font_size: of the label.
    """

    margin_mm: float = 6.0
    qr_mm: float = 24.0
    gap_mm: float = 3.0
    font_size: float = 8.0

    @property
    def band_pt(self) -> float:
        """Height of the band in points."""
        return (self.margin_mm + self.qr_mm + self.gap_mm) * MM


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (UTF-8, error correction M, ISO/IEC 18004) as rows of dark modules."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(m) for m in row] for row in code.get_matrix()]


def _draw_qr(pdf: FPDF, modules: list[list[bool]], x: float, y: float, side: float) -> None:
    cell = side / len(modules)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * cell, y + r * cell, (c - start) * cell, cell, style="F")


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdf.get_string_width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _fit(pdf: FPDF, lines: Sequence[str], width: float, max_lines: int) -> list[str]:
    wrapped = [part for line in lines for part in _wrap(pdf, line, width)]
    if len(wrapped) <= max_lines:
        return wrapped
    kept = wrapped[:max_lines]
    last = kept[-1]
    while last and pdf.get_string_width(last + "…") > width:
        last = last[:-1]
    kept[-1] = last + "…"
    return kept


def draw_bands(label: PrintLabel, sizes: Sequence[tuple[float, float]], *, font_path: Path,
               layout: PrintLayout) -> bytes:
    """Blank pages of the given sizes, each with its band drawn.

    Args:
        label: what the copy is about.
        sizes: (width, height) in points of each output page.
        font_path: a TrueType font with Vietnamese glyphs.
        layout: the band's sizes.

    Returns:
        The PDF bytes, one page per size.
    """
    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(False)
    pdf.add_font("label", "", str(font_path))
    pdf.set_title(f"Bản in: {label.ten_giay_to}")
    pdf.set_lang("vi")
    pdf.set_creator(label.he_thong)
    margin, qr_side, gap = layout.margin_mm * MM, layout.qr_mm * MM, layout.gap_mm * MM
    line_h = layout.font_size * 1.2
    for index, (width, height) in enumerate(sizes):
        pdf.add_page(format=(width, height))
        pdf.set_font("label", size=layout.font_size)
        pdf.set_text_color(0, 0, 0)
        if index == 0:
            _draw_qr(pdf, qr_modules(qr_payload(label)), margin, margin, qr_side)
            text_x = margin + qr_side + gap
            lines = _fit(pdf, label_lines(label), width - text_x - margin, int(qr_side // line_h))
        else:
            text_x = margin
            ref = f"{label.ten_giay_to} · Mã hồ sơ: {label.ma_ho_so} · Trang {index + 1}/{len(sizes)}"
            lines = _fit(pdf, [ref], width - 2 * margin, 1)
        for i, line in enumerate(lines):
            pdf.text(text_x, margin + layout.font_size + i * line_h, line)
    return bytes(pdf.output())
