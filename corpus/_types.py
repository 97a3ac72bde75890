"""The values the generator hands out: page drawings, rendered documents, damage, ground truth.

A page is first drawn as a list of operations in points (1/72 inch, origin top-left,
``y`` of text is its baseline). The same operations render to pixels at any dpi
(:mod:`corpus._raster`) and to a born-digital PDF (:mod:`corpus._pdf`), so a
document's truth is the same whichever file kind carries it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from schemas.documents import DocType

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)


@dataclass(frozen=True)
class TextOp:
    """One run of text on one line.

    Attributes:
        x: left edge in points.
        y: baseline in points.
        text: the characters, NFC.
        font: path of the TrueType face.
        size: size in points.
        color: RGB fill.
        in_truth: whether the run belongs to the page's ground-truth text.
    """

    x: float
    y: float
    text: str
    font: str
    size: float
    color: RGB = BLACK
    in_truth: bool = True


@dataclass(frozen=True)
class LineOp:
    """A straight line; ``dash`` is ``(on, off)`` in points for dotted or dashed lines."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.6
    color: RGB = BLACK
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class RectOp:
    """A rectangle, filled and/or stroked."""

    x: float
    y: float
    w: float
    h: float
    fill: RGB | None = None
    stroke: RGB | None = BLACK
    width: float = 0.6


@dataclass(frozen=True)
class ImageOp:
    """A picture (seal, signature, QR code, card background, photo) placed on the page.

    Attributes:
        x: left edge in points.
        y: top edge in points.
        w: width in points.
        h: height in points.
        image: RGB or RGBA pixels.
        multiply: blend by multiplication (ink over ink: a red seal over black text).
    """

    x: float
    y: float
    w: float
    h: float
    image: Image.Image
    multiply: bool = False


Op = TextOp | LineOp | RectOp | ImageOp


@dataclass(frozen=True)
class PageSpec:
    """A page as drawing operations, in paint order; sizes in points."""

    width: float
    height: float
    ops: tuple[Op, ...]
    paper: RGB = (255, 255, 255)


@dataclass(frozen=True)
class RenderedDocument:
    """A document drawn clean at 300 dpi, with its truth.

    Attributes:
        doc_type: the type it is an instance of.
        pages: clean page images, RGB, 300 dpi.
        page_texts: per page, the printed lines top to bottom, left to right, one per line, NFC.
        fields: the DESIGN.md fields this paper shows, normalized.
        metadata: the Art. 9 metadata the paper shows.
        layout: the layout variant drawn.
        font: the text font family.
        specs: the drawing of each page, to re-render it (e.g. as a born-digital PDF).
        qr_payload: the text of the QR code printed on an ID card, if any.
        mrz: the machine-readable zone printed on an ID card back, if any.
        value_pages: ``f:<field>`` / ``m:<metadata>`` → the 1-based page the value is printed on.
    """

    doc_type: DocType
    pages: list[Image.Image]
    page_texts: list[str]
    fields: dict[str, str]
    metadata: dict[str, str]
    layout: str
    font: str
    specs: tuple[PageSpec, ...]
    qr_payload: str | None = None
    mrz: tuple[str, ...] | None = None
    value_pages: dict[str, int] = field(default_factory=dict)

    def shown_on(self, pages: int) -> tuple[dict[str, str], dict[str, str]]:
        """The fields and metadata printed on the first ``pages`` pages (for a file holding only those)."""
        fields = {k: v for k, v in self.fields.items() if self.value_pages.get(f"f:{k}", 1) <= pages}
        meta = {k: v for k, v in self.metadata.items() if self.value_pages.get(f"m:{k}", 1) <= pages}
        return fields, meta


@dataclass(frozen=True)
class Degraded:
    """A page after the damage of a scan, a fax or a phone photo.

    Attributes:
        image: RGB pixels.
        dpi: resolution of ``image`` (for a photo: the sheet's effective resolution).
        rotation: clockwise degrees the feed turned the page by (0/90/180/270);
            turning the image back by as much counter-clockwise makes it upright.
        damage: what was done, in order (``skew=-1.25``, ``noise``, ``jpeg=82`` …).
    """

    image: Image.Image
    dpi: int
    rotation: int
    damage: tuple[str, ...]


@dataclass(frozen=True)
class PageTruth:
    """The truth of one physical page of a written file.

    Attributes:
        text: printed lines as in :attr:`RenderedDocument.page_texts` ("" for blank pages).
        rotation: clockwise degrees the page was turned by the feed.
        dpi: resolution of the page as stored.
        blank: a blank or separator sheet that belongs to no document.
    """

    text: str
    rotation: int
    dpi: int
    blank: bool = False


@dataclass(frozen=True)
class ComponentTruth:
    """One document inside a file.

    Attributes:
        doc_type: its type.
        page_range: first and last 1-based page, inclusive.
        fields: the fields it shows, normalized as DESIGN.md says.
        metadata: its Art. 9 metadata.
    """

    doc_type: DocType
    page_range: tuple[int, int]
    fields: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleTruth:
    """The truth of one written file; one line of ``manifest.jsonl``.

    Attributes:
        file: file name relative to the manifest.
        kind: one of :data:`corpus.KINDS`.
        seed: the seed that reproduces it.
        font: text font family (several joined by ``+`` for a stack).
        layout: layout variant (several joined by ``+``).
        damage: damage applied to any page, in order of first use.
        pages: one entry per physical page, in file order.
        components: the documents in the file, in page order.
    """

    file: str
    kind: str
    seed: int
    font: str
    layout: str
    damage: tuple[str, ...]
    pages: list[PageTruth]
    components: list[ComponentTruth]

    def to_json(self) -> str:
        """This truth as one line of JSON (keys in a fixed order, non-ASCII kept)."""
        data: dict[str, Any] = {
            "file": self.file,
            "kind": self.kind,
            "seed": self.seed,
            "font": self.font,
            "layout": self.layout,
            "damage": list(self.damage),
            "pages": [
                {"text": p.text, "rotation": p.rotation, "dpi": p.dpi, "blank": p.blank}
                for p in self.pages
            ],
            "components": [
                {
                    "doc_type": str(c.doc_type),
                    "page_range": list(c.page_range),
                    "fields": c.fields,
                    "metadata": c.metadata,
                }
                for c in self.components
            ],
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> SampleTruth:
        """Parse one manifest line.

        Raises:
            ValueError: the line is not a SampleTruth (bad JSON, missing key, unknown doc_type).
        """
        try:
            d = json.loads(line)
            return cls(
                file=str(d["file"]),
                kind=str(d["kind"]),
                seed=int(d["seed"]),
                font=str(d["font"]),
                layout=str(d["layout"]),
                damage=tuple(str(x) for x in d["damage"]),
                pages=[
                    PageTruth(str(p["text"]), int(p["rotation"]), int(p["dpi"]), bool(p["blank"]))
                    for p in d["pages"]
                ],
                components=[
                    ComponentTruth(
                        DocType(c["doc_type"]),
                        (int(c["page_range"][0]), int(c["page_range"][1])),
                        {str(k): str(v) for k, v in c["fields"].items()},
                        {str(k): str(v) for k, v in c["metadata"].items()},
                    )
                    for c in d["components"]
                ],
            )
        except (KeyError, TypeError, IndexError, json.JSONDecodeError) as e:
            raise ValueError(f"not a manifest line: {e}") from e
