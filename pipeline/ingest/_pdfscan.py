"""One pass over a PDF page's content stream: what it paints, in which order, visible or not.

This is what decides how a page is read without rendering it: whether its text
is visible (an OCR layer in render mode 3 is not), whether a single image
covers the page (a scan: take the image as it is), and whether anything is
painted over that image. Form XObjects are followed, with their matrices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pikepdf

#: operators that matter here; everything else is skipped by the parser
_OPERATORS = "q Q cm Tr Tj TJ ' \" Do f F f* S s B B* b b* sh BI ID EI INLINE IMAGE"
_PAINT_OPERATORS = frozenset({"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"})
_TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
#: render modes 3 (neither fill nor stroke) and 7 (clip only) leave no ink
_INVISIBLE_MODES = frozenset({3, 7})
_MAX_FORM_DEPTH = 12
#: CID encodings whose codes are the font's glyph ids: meaningless without a /ToUnicode map
_GLYPH_ID_ENCODINGS = (pikepdf.Name("/Identity-H"), pikepdf.Name("/Identity-V"))

EventKind = Literal["text", "paint", "image"]


@dataclass(frozen=True)
class ImageDraw:
    """An image XObject painted on the page.

    Attributes:
        xobject: the image stream.
        ctm: the transformation mapping the image's unit square to user space.
        seq: its position in painting order.
    """

    xobject: pikepdf.Stream
    ctm: pikepdf.Matrix
    seq: int


@dataclass
class PageContent:
    """What a page paints.

    Attributes:
        visible_chars: bytes of text shown with ink (an approximation of characters).
        invisible_chars: bytes of text shown in render mode 3 or 7 (an OCR layer).
        images: image XObjects painted, in order.
        events: ``(seq, kind)`` of everything that leaves ink, in painting order.
        unmapped_fonts: names of fonts whose text cannot be turned back into Unicode (CID fonts
            with glyph-id encodings and no ``/ToUnicode``): their characters are garbage.
    """

    visible_chars: int = 0
    invisible_chars: int = 0
    images: list[ImageDraw] = field(default_factory=list)
    events: list[tuple[int, EventKind]] = field(default_factory=list)
    unmapped_fonts: set[str] = field(default_factory=set)

    def sole_image(self) -> ImageDraw | None:
        """The one image XObject on the page when nothing is painted over it, else ``None``."""
        if len(self.images) != 1:
            return None
        draw = self.images[0]
        if any(seq > draw.seq for seq, _ in self.events):
            return None
        return draw

    def text_under(self, draw: ImageDraw) -> bool:
        """Whether every visible text run is painted before (so hidden by) ``draw``."""
        return all(seq < draw.seq for seq, kind in self.events if kind == "text")


@dataclass
class _State:
    ctm: pikepdf.Matrix
    render_mode: int = 0


class _Scanner:
    def __init__(self) -> None:
        self.content = PageContent()
        self._seq = 0
        self._forms: list[tuple[int, int]] = []

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def run(self, stream: pikepdf.Page | pikepdf.Object, resources: pikepdf.Object | None, ctm: pikepdf.Matrix) -> None:
        self._fonts(resources)
        stack = [_State(ctm)]
        for ins in pikepdf.parse_content_stream(stream, _OPERATORS):
            op = str(ins.operator)
            state = stack[-1]
            if op == "q":
                stack.append(_State(state.ctm, state.render_mode))
            elif op == "Q":
                if len(stack) > 1:
                    stack.pop()
            elif op == "cm":
                state.ctm = pikepdf.Matrix(*(float(v) for v in ins.operands)) @ state.ctm
            elif op == "Tr":
                state.render_mode = int(ins.operands[0])
            elif op in _TEXT_OPERATORS:
                self._text(ins.operands, state.render_mode)
            elif op in _PAINT_OPERATORS or op == "INLINE IMAGE":
                self.content.events.append((self._next(), "paint"))
            elif op == "Do" and resources is not None:
                self._do(str(ins.operands[0]), resources, state.ctm)

    def _fonts(self, resources: pikepdf.Object | None) -> None:
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(fonts, pikepdf.Dictionary):
            return
        for font in fonts.values():
            if isinstance(font, pikepdf.Dictionary) and _unmapped(font):
                self.content.unmapped_fonts.update(_font_names(font))

    def _text(self, operands: Iterable[object], mode: int) -> None:
        shown = 0
        for operand in operands:
            if isinstance(operand, pikepdf.String):
                shown += len(bytes(operand))
            elif isinstance(operand, pikepdf.Array):
                shown += sum(len(bytes(item)) for item in operand if isinstance(item, pikepdf.String))
        if mode in _INVISIBLE_MODES:
            self.content.invisible_chars += shown
        elif shown:
            self.content.visible_chars += shown
            self.content.events.append((self._next(), "text"))

    def _do(self, name: str, resources: pikepdf.Object, ctm: pikepdf.Matrix) -> None:
        xobjects = resources.get("/XObject")
        xobject = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobject, pikepdf.Stream):
            return
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            seq = self._next()
            self.content.images.append(ImageDraw(xobject, ctm, seq))
            self.content.events.append((seq, "image"))
        elif subtype == pikepdf.Name.Form:
            self._form(xobject, resources, ctm)

    def _form(self, form: pikepdf.Stream, parent_resources: pikepdf.Object, ctm: pikepdf.Matrix) -> None:
        key = form.objgen
        if key in self._forms or len(self._forms) >= _MAX_FORM_DEPTH:
            # a loop or an absurd nesting: count it as ink so the page gets rendered
            self.content.events.append((self._next(), "paint"))
            return
        matrix = form.get("/Matrix")
        form_ctm = (
            pikepdf.Matrix(*(float(v) for v in matrix))
            if isinstance(matrix, pikepdf.Array)
            else pikepdf.Matrix()
        )
        resources = form.get("/Resources", parent_resources)
        self._forms.append(key)
        try:
            self.run(form, resources, form_ctm @ ctm)
        finally:
            self._forms.pop()


def _unmapped(font: pikepdf.Dictionary) -> bool:
    """A CID font whose codes are glyph ids (Identity or embedded CMap) and that has no /ToUnicode."""
    if "/ToUnicode" in font or font.get("/Subtype") != pikepdf.Name.Type0:
        return False
    encoding = font.get("/Encoding")
    return isinstance(encoding, pikepdf.Stream) or encoding in _GLYPH_ID_ENCODINGS


def _font_names(font: pikepdf.Dictionary) -> set[str]:
    """The names text extraction reports for a font (its own and its descendant's /BaseFont)."""
    names = {str(font.get("/BaseFont", ""))}
    descendants = font.get("/DescendantFonts")
    if isinstance(descendants, pikepdf.Array):
        names.update(str(d.get("/BaseFont", "")) for d in descendants if isinstance(d, pikepdf.Dictionary))
    return {name.lstrip("/") for name in names if name}


def scan_page(page: pikepdf.Page, resources: pikepdf.Object | None) -> PageContent | None:
    """Walk a page's content (and its form XObjects) once.

    Args:
        page: the page.
        resources: the page's resources, inheritance resolved.

    Returns:
        What the page paints, or ``None`` when the content stream cannot be parsed
        (the caller then renders the page, which tolerates more).
    """
    scanner = _Scanner()
    try:
        scanner.run(page, resources, pikepdf.Matrix())
    except (pikepdf.PdfError, ValueError, TypeError, IndexError):
        return None
    return scanner.content
