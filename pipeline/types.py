"""Values passed between pipeline stages: immutable, documented field by field.

Images are NumPy arrays as OpenCV uses them: ``uint8``, BGR for colour,
single-channel for grey or binary. Boxes are ``(x0, y0, x1, y1)`` in pixels of
the image they refer to, origin top-left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy.typing as npt

#: uint8 pixels by convention; typed loosely because OpenCV's stubs return generic arrays
Image = npt.NDArray[Any]
Box = tuple[int, int, int, int]

PageOrigin = Literal["image", "pdf_image", "pdf_render", "pdf_text"]


@dataclass(frozen=True)
class Word:
    """One word read from a page.

    Attributes:
        text: the word, NFC.
        box: its box in pixels of the page image (for text-layer pages: of the page at ``dpi``).
        conf: recognition confidence, 0–1 (1.0 for a PDF text layer).
        line: index of the line the word belongs to, unique within the page, in reading order.
        block: index of the text block (paragraph) within the page.
    """

    text: str
    box: Box
    conf: float
    line: int
    block: int = 0


@dataclass(frozen=True)
class SourcePage:
    """A page as ingest found it, before any correction.

    Attributes:
        number: 1-based page number within the file.
        image: the page pixels (BGR or grey), or ``None`` for a page read from its text layer.
        dpi: resolution of ``image`` (or the nominal one words are scaled to for text pages).
        origin: how the page was obtained: a plain image file, an image extracted from a PDF
            at native resolution, a PDF page rendered to pixels, or a PDF text layer.
        width: page width in pixels at ``dpi``.
        height: page height in pixels at ``dpi``.
        color: whether the source is in colour (not grey or bilevel).
        words: for ``pdf_text`` pages, the words of the text layer in pixels at ``dpi``.
        dpi_declared: the file states a believable resolution (phone photos do not: their
            ``dpi`` is a guess, and their size says nothing about the paper).
    """

    number: int
    image: Image | None
    dpi: int
    origin: PageOrigin
    width: int
    height: int
    color: bool = True
    words: tuple[Word, ...] = ()
    dpi_declared: bool = True


@dataclass(frozen=True)
class StepRecord:
    """What one preprocessing step did to a page.

    Attributes:
        name: the step's name (see :data:`pipeline.preprocess.FIRST_READ`).
        ms: milliseconds it took (0 when it did not run).
        ran: False when the step was switched off in the settings.
        decided: what it decided, in a few words ("x2.25", "turn 90, skew 1.2", "off").
    """

    name: str
    ms: float
    ran: bool
    decided: str = ""


@dataclass(frozen=True)
class PreparedPage:
    """A page made ready for OCR, with its archive copy in the same geometry.

    Attributes:
        number: 1-based page number within the file.
        color: the upright, deskewed, cropped colour (or grey) image kept for the archive copy.
        ocr_image: the single-channel image given to OCR (same size as ``color``): binary, or for
            photos and ID cards the grey image cleaned around the binary image's ink (see
            :func:`pipeline.preprocess._tone.masked_grey`).
        dpi: resolution of both images.
        rotation: degrees (0/90/180/270, clockwise) the page was turned to make it upright.
        skew: degrees of deskew applied.
        blank: the page carries no text (blank or separator sheet).
        steps: the preprocessing steps that changed the page, in order, for the record.
        trace: every step of the list that prepared the page: time, whether it ran, what it decided.
        second: the page was prepared by the second-read list.
        alternative: another image of the page worth reading, whose read the self-check weighs against
            ``ocr_image``'s (the grey around the ink of a page enlarged to working scale); ``None`` mostly.
    """

    number: int
    color: Image
    ocr_image: Image
    dpi: int
    rotation: int = 0
    skew: float = 0.0
    blank: bool = False
    steps: tuple[str, ...] = ()
    trace: tuple[StepRecord, ...] = ()
    second: bool = False
    alternative: Image | None = None


@dataclass(frozen=True)
class OcrPage:
    """The text of one page, as words with boxes grouped into lines.

    Attributes:
        number: 1-based page number within the file.
        words: every word, in reading order.
        width: page image width in pixels.
        height: page image height in pixels.
        dpi: page image resolution.
        source: ``ocr`` for tesseract output, ``text_layer`` for a born-digital PDF page.
        rotation: degrees the page was turned before OCR.
        skew: degrees of deskew applied before OCR.
        blank: nothing legible on the page.
        qr_payloads: texts decoded from QR codes on the page.
    """

    number: int
    words: tuple[Word, ...]
    width: int
    height: int
    dpi: int
    source: Literal["ocr", "text_layer"] = "ocr"
    rotation: int = 0
    skew: float = 0.0
    blank: bool = False
    qr_payloads: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())

    def lines(self) -> list[list[Word]]:
        """Words grouped by line, lines in reading order."""
        grouped: dict[int, list[Word]] = {}
        for w in self.words:
            grouped.setdefault(w.line, []).append(w)
        return [grouped[k] for k in sorted(grouped)]

    @property
    def text(self) -> str:
        """The page text: one line per OCR line, words joined by single spaces."""
        return "\n".join(" ".join(w.text for w in line) for line in self.lines())

    @property
    def mean_conf(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.conf for w in self.words) / len(self.words)
