"""A small flow layout: writes lines of text down A4 pages as drawing operations.

Document builders call :class:`Sheet` (text, wrapped paragraphs, label/value
fields in several alignments, two fields on one line, images); it breaks pages,
numbers pages after the first in the top margin (Decree 30/2020), and hands
back :class:`~corpus._types.PageSpec` pages. Sizes are points.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from corpus._fonts import FontFamily, text_width
from corpus._types import BLACK, RGB, ImageOp, LineOp, Op, PageSpec, RectOp, TextOp

A4 = (595.28, 841.89)
MM = 72 / 25.4

#: How a value sits after its label: right after it, at a tab stop, on printed dots, on a dotted rule.
ALIGNS: tuple[str, ...] = ("inline", "tab", "dots_text", "dots_graphic")
#: Layout families ("house styles"): ``decree30`` sets fields as lines of text (what the generator has always
#: drawn); ``grid`` sets them in a ruled table, label cell and value cell, as many provincial forms do. ``grid``
#: is held out of training and tuning (see ``corpus._render``).
HOUSES: tuple[str, ...] = ("decree30", "grid")
#: inner margin of a grid cell, points
_CELL_PAD = 4.0


@dataclass(frozen=True)
class Style:
    """The look of one document, drawn once per document from its seed.

    Attributes:
        family: text font family.
        size: body size in points (11–14).
        leading: line height as a multiple of ``size``.
        margins: top, right, bottom, left in points.
        align: one of :data:`ALIGNS`.
        tab: the tab stop for ``tab`` alignment, from the left margin.
        upper_names: print person names in upper case.
        date_style: one of :data:`corpus._vn.DATE_STYLES` for dates in fields.
        numbered: number the labels ("1. Họ, chữ đệm và tên:").
        hanging: wrapped value lines start under the value (else at the margin).
        page: page size in points (portrait A4 unless a layout says otherwise).
        house: the layout family, one of :data:`HOUSES`.
    """

    family: FontFamily
    size: float
    leading: float
    margins: tuple[float, float, float, float]
    align: str
    tab: float
    upper_names: bool
    date_style: str
    numbered: bool
    hanging: bool
    page: tuple[float, float] = A4
    house: str = "decree30"


def draw_style(rng: random.Random, family: FontFamily, *, page: tuple[float, float] = A4,
               house: str = "decree30") -> Style:
    """A random style within what real papers do (margins of Decree 30/2020 and looser ones)."""
    return Style(
        family=family,
        size=rng.choice([11.0, 12.0, 12.0, 13.0, 13.0, 13.0, 14.0]),
        leading=rng.uniform(1.2, 1.6),
        margins=(rng.uniform(18, 25) * MM, rng.uniform(15, 20) * MM, rng.uniform(18, 25) * MM,
                 rng.uniform(22, 35) * MM),
        align=rng.choices(ALIGNS, weights=[5, 2, 2, 2])[0],
        tab=rng.uniform(42, 62) * MM,
        upper_names=rng.random() < 0.55,
        date_style=rng.choices(["slash", "dash", "dot", "words"], weights=[6, 2, 1, 2])[0],
        numbered=rng.random() < 0.5,
        hanging=rng.random() < 0.5,
        page=page,
        house=house,
    )


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width`` (a long word gets its own line)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and text_width(font, trial, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines or [""]


@dataclass
class Sheet:
    """Writes a document down one or more pages; ``y`` is the baseline of the next line."""

    style: Style
    pages: list[list[Op]] = field(default_factory=list)
    y: float = 0.0

    def __post_init__(self) -> None:
        self.pages.append([])
        self.y = self.top + self.style.size

    # geometry -------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.style.page[0]

    @property
    def height(self) -> float:
        return self.style.page[1]

    @property
    def top(self) -> float:
        return self.style.margins[0]

    @property
    def left(self) -> float:
        return self.style.margins[3]

    @property
    def right(self) -> float:
        return self.width - self.style.margins[1]

    @property
    def line_height(self) -> float:
        return self.style.size * self.style.leading

    def font(self, *, bold: bool = False, italic: bool = False) -> str:
        fam = self.style.family
        return fam.bold if bold else fam.italic if italic else fam.regular

    # flow -----------------------------------------------------------------------------------
    def new_page(self) -> None:
        """Start a new page; pages after the first carry their number centred in the top margin."""
        self.pages.append([])
        number = str(len(self.pages))
        size = self.style.size
        w = text_width(self.font(), number, size)
        self.pages[-1].append(TextOp((self.width - w) / 2, self.top * 0.6, number, self.font(), size))
        self.y = self.top + size

    def ensure(self, needed: float) -> None:
        """Break the page unless ``needed`` points fit above the bottom margin."""
        if self.y + needed > self.height - self.style.margins[2]:
            self.new_page()

    def newline(self, factor: float = 1.0) -> None:
        self.y += self.line_height * factor

    def add(self, op: Op) -> None:
        self.pages[-1].append(op)

    # text -------------------------------------------------------------------------------------
    def put(self, x: float, text: str, *, bold: bool = False, italic: bool = False,
            size: float | None = None, color: RGB = BLACK, y: float | None = None) -> float:
        """Draw ``text`` with its left edge at ``x`` on the current line; returns its width."""
        font = self.font(bold=bold, italic=italic)
        sz = size or self.style.size
        self.add(TextOp(x, self.y if y is None else y, text, font, sz, color))
        return text_width(font, text, sz)

    def center(self, text: str, *, cx: float | None = None, bold: bool = False, italic: bool = False,
               size: float | None = None, color: RGB = BLACK, underline: float = 0.0) -> None:
        """Draw one line centred on ``cx`` (the text column's middle by default); advance a line.

        ``underline`` > 0 draws a rule under it of that fraction of the text width.
        """
        sz = size or self.style.size
        mid = (self.left + self.right) / 2 if cx is None else cx
        w = text_width(self.font(bold=bold, italic=italic), text, sz)
        self.ensure(sz)
        self.put(mid - w / 2, text, bold=bold, italic=italic, size=sz, color=color)
        if underline:
            uw = w * underline
            self.add(LineOp(mid - uw / 2, self.y + sz * 0.35, mid + uw / 2, self.y + sz * 0.35, 0.8))
        self.newline()

    def paragraph(self, text: str, *, indent: float = 0.0, first: float = 0.0, bold: bool = False,
                  italic: bool = False, size: float | None = None, x0: float | None = None,
                  x1: float | None = None) -> None:
        """A wrapped paragraph between ``x0`` and ``x1``; ``first`` indents its first line."""
        sz = size or self.style.size
        left = (self.left if x0 is None else x0) + indent
        right = self.right if x1 is None else x1
        font = self.font(bold=bold, italic=italic)
        lines = wrap(text, right - left - first, font, sz)
        if len(lines) > 1:  # re-wrap the rest at full width
            rest = wrap(" ".join(lines[1:]), right - left, font, sz)
            lines = [lines[0], *rest]
        for i, line in enumerate(lines):
            self.ensure(sz)
            self.put(left + (first if i == 0 else 0.0), line, bold=bold, italic=italic, size=sz)
            self.newline()

    def field(self, label: str, value: str, *, bold_value: bool = False, x0: float | None = None,
              x1: float | None = None, next_line: bool = False) -> None:
        """A label and its value in the document's alignment; long values wrap.

        ``next_line`` puts the value on the line below its label.
        """
        left = self.left if x0 is None else x0
        right = self.right if x1 is None else x1
        if self.style.house == "grid":
            self._grid_field(label, value, left, right, bold_value)
            return
        self.ensure(self.style.size)
        label_w = self.put(left, label)
        space = text_width(self.font(), " ", self.style.size)
        if next_line:
            self.newline()
            self.ensure(self.style.size)
            vx = left + 4 * space
        elif self.style.align == "tab" and left + label_w + space < left + self.style.tab:
            vx = left + self.style.tab
        else:
            vx = left + label_w + space
        self._value(left, vx, right, value, bold_value)

    def _cell_rules(self, top: float, bottom: float, xs: list[float]) -> None:
        """The rules of one table row: above and below it, and at each of ``xs``."""
        self.add(LineOp(xs[0], top, xs[-1], top, 0.6))
        self.add(LineOp(xs[0], bottom, xs[-1], bottom, 0.6))
        for x in xs:
            self.add(LineOp(x, top, x, bottom, 0.6))

    def _grid_field(self, label: str, value: str, left: float, right: float, bold: bool) -> None:
        """A table row: the label (without its colon) in a cell of its own, the value wrapped in the next."""
        sz = self.style.size
        text = label.rstrip(" :")
        split = left + max(self.style.tab, text_width(self.font(), text, sz) + 2 * _CELL_PAD)
        lines = wrap(value, right - split - 2 * _CELL_PAD, self.font(bold=bold), sz)
        self.ensure(sz + len(lines) * self.line_height)
        top = self.y - sz - _CELL_PAD
        self.put(left + _CELL_PAD, text)
        for i, line in enumerate(lines):
            self.put(split + _CELL_PAD, line, bold=bold, y=self.y + i * self.line_height)
        self.y += (len(lines) - 1) * self.line_height
        self._cell_rules(top, self.y + 0.35 * sz + _CELL_PAD, [left, split, right])
        self.y += self.line_height + _CELL_PAD

    def _value(self, left: float, vx: float, right: float, value: str, bold: bool) -> None:
        font = self.font(bold=bold)
        sz = self.style.size
        lines = wrap(value, right - vx, font, sz)
        if len(lines) > 1 and not self.style.hanging:
            rest = wrap(" ".join(lines[1:]), right - left, font, sz)
            lines = [lines[0], *rest]
        for i, line in enumerate(lines):
            x = vx if i == 0 or self.style.hanging else left
            if i:
                self.ensure(sz)
            end = x + self.put(x, line, bold=bold)
            self._leader(end, right, x if i == 0 else left)
            self.newline()

    def _leader(self, end: float, right: float, start: float) -> None:
        align = self.style.align
        if align == "dots_text":
            dot_w = text_width(self.font(), ".", self.style.size)
            n = int((right - end - dot_w) / dot_w)
            if n >= 4:
                self.put(end + dot_w, "." * n)
        elif align == "dots_graphic":
            y = self.y + 1.5
            self.add(LineOp(start - 2, y, right, y, 0.7, (60, 60, 60), dash=(0.8, 2.2)))

    def row(self, items: list[tuple[str, str]], *, bold_values: bool = False,
            starts: list[float] | None = None) -> None:
        """Several short fields on one line (values are not wrapped); ``starts`` gives each
        column's start as a fraction of the text width (equal columns by default)."""
        fractions = starts or [i / len(items) for i in range(len(items))]
        self.ensure(self.style.size)
        if self.style.house == "grid":
            self._grid_row(items, fractions, bold_values)
            return
        space = text_width(self.font(), " ", self.style.size)
        for (label, value), f in zip(items, fractions, strict=True):
            x = self.left + f * (self.right - self.left)
            w = self.put(x, label)
            self.put(x + w + space, value, bold=bold_values)
        self.newline()

    def _grid_row(self, items: list[tuple[str, str]], fractions: list[float], bold: bool) -> None:
        """Several fields in one table row: label cell, value cell, label cell, value cell …"""
        sz = self.style.size
        span = self.right - self.left
        starts = [self.left + f * span for f in fractions] + [self.right]
        top = self.y - sz - _CELL_PAD
        xs = [self.left]
        for (label, value), x, end in zip(items, starts, starts[1:], strict=False):
            text = label.rstrip(" :")
            w = self.put(x + _CELL_PAD, text)
            split = x + w + 2 * _CELL_PAD
            self.put(split + _CELL_PAD, value, bold=bold)
            xs += [split, end]
        self._cell_rules(top, self.y + 0.35 * sz + _CELL_PAD, xs)
        self.y += self.line_height + _CELL_PAD

    def columns(self, label: str, values: list[str], xs: list[float], width: float, *,
                bold: bool = False) -> None:
        """A table row: ``label`` at the margin, each value wrapped in its column starting at ``xs``."""
        sz = self.style.size
        cells = [wrap(v, width, self.font(bold=bold), sz) for v in values]
        height = max(len(c) for c in cells)
        self.ensure(sz + (height - 1) * self.line_height)
        self.put(self.left, label)
        y0 = self.y
        for x, cell in zip(xs, cells, strict=True):
            for i, line in enumerate(cell):
                self.put(x, line, bold=bold, y=y0 + i * self.line_height)
        self.y = y0 + height * self.line_height

    # graphics ---------------------------------------------------------------------------------
    def image(self, op: ImageOp) -> None:
        self.add(op)

    def rule(self, x0: float, x1: float, *, width: float = 0.6) -> None:
        self.add(LineOp(x0, self.y, x1, self.y, width))

    def box(self, x: float, y: float, w: float, h: float, *, fill: RGB | None = None,
            stroke: RGB | None = BLACK) -> None:
        self.add(RectOp(x, y, w, h, fill=fill, stroke=stroke))

    def finish(self, paper: RGB = (255, 255, 255)) -> tuple[PageSpec, ...]:
        """The pages written, in order."""
        return tuple(PageSpec(self.width, self.height, tuple(ops), paper) for ops in self.pages)


def page_text(spec: PageSpec) -> str:
    """The truth text of a page: text runs grouped into rows by baseline, rows top to bottom,
    runs in a row left to right joined by one space."""
    runs = sorted((op for op in spec.ops if isinstance(op, TextOp) and op.in_truth and op.text.strip()),
                  key=lambda o: (o.y, o.x))
    rows: list[list[TextOp]] = []
    for op in runs:
        if rows and abs(op.y - rows[-1][0].y) < 0.45 * min(op.size, rows[-1][0].size):
            rows[-1].append(op)
        else:
            rows.append([op])
    return "\n".join(" ".join(o.text.strip() for o in sorted(r, key=lambda o: o.x)) for r in rows)
