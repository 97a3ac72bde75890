"""How a signature looks: the field's box and the stamp, following Decree 30/2020 and Circular 01/2023.

The stamp text is Vietnamese ("Ký bởi: …", "Cơ quan: …", "Thời gian ký: …" with
the time in ISO 8601 and +07:00) in an embedded TrueType font with Vietnamese
glyphs. Positions come from settings in millimetres from the page's top-left
corner and are turned into PDF points here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import x509
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import SigFieldSpec
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle

from pipeline.sign._fonts import SubsetFontFactory, find_font
from pipeline.sign._meta import Appearance, SignMeta
from schemas.errors import ConfigError, ErrorCode, InputError
from schemas.settings import SignSettings

_MM = 72.0 / 25.4
_SEAL_MM = 34.0

_TEMPLATES: dict[str, str] = {
    "scan": "Ký bởi: %(name)s\nCơ quan: %(agency)s\nThời gian ký: %(when)s",
    "copy": "%(first)s\nCơ quan: %(agency)s\nThời gian ký: %(when)s",
    "result": "%(title)s\n\n\n\n%(name)s",
}


@dataclass(frozen=True)
class Stamp:
    """Everything pyHanko needs to draw one signature.

    Attributes:
        field: the new signature field, with its page and box.
        style: the stamp style (``None`` for an invisible signature).
        params: the values filled into the stamp text.
    """

    field: SigFieldSpec
    style: BaseStampStyle | None
    params: dict[str, str]


def _name_attr(cert: x509.Certificate, key: str) -> str | None:
    value = cert.subject.native.get(key)
    if isinstance(value, list):
        value = value[-1]
    return str(value) if value else None


def stamp_values(cert: x509.Certificate, meta: SignMeta, when: datetime, role: str) -> dict[str, str]:
    """The texts of a stamp: name, agency, time (ISO 8601 with offset), title, first line."""
    name = meta.name or _name_attr(cert, "common_name") or "?"
    if role == "agency":
        agency = meta.agency or name
    else:
        agency = meta.agency or _name_attr(cert, "organizational_unit_name") or \
            _name_attr(cert, "organization_name") or ""
    first = meta.copy_form or meta.number_symbol or ""
    return {"name": name, "agency": agency, "when": when.isoformat(timespec="seconds"),
            "title": meta.title or "", "first": first}


def _inherited(node: Any, key: str) -> Any:
    """A page attribute, looked up the page tree as PDF inheritance says (/MediaBox often sits on /Pages)."""
    for _ in range(64):  # a page tree is never this deep; a loop would be
        if key in node:
            return node[key]
        if "/Parent" not in node:
            return None
        node = node["/Parent"].get_object()
    return None


def _page_box(reader: PdfFileReader, page_ix: int) -> tuple[float, float, float, float]:
    page = reader.find_page_for_modification(page_ix)[0].get_object()  # type: ignore[no-untyped-call]
    box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox")
    if box is None:
        raise InputError("a page of the PDF has no /MediaBox", code=ErrorCode.CORRUPT_PDF)
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _pdf_box(page: tuple[float, float, float, float], mm: tuple[float, float, float, float]) -> tuple[int, ...]:
    x, y, w, h = (v * _MM for v in mm)
    left, top = page[0] + x, page[3] - y
    return round(left), round(top - h), round(left + w), round(top)


def _page_index(reader: PdfFileReader, page: int) -> int:
    count = int(reader.root["/Pages"]["/Count"])
    ix = count + page if page < 0 else page - 1
    return max(0, min(ix, count - 1))


def _seal_box(result_mm: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    # the seal's right edge sits a third of the way into the signature, centred on it vertically
    x, y, w, h = result_mm
    return x + w / 3 - _SEAL_MM, y + h / 2 - _SEAL_MM / 2, _SEAL_MM, _SEAL_MM


@lru_cache(maxsize=8)
def _image(path: str) -> Image.Image:
    img = Image.open(path)
    img.load()
    return img


def _require_image(path: Path | None, what: str) -> Image.Image:
    if path is None or not path.is_file():
        raise ConfigError(f"the {what} image is not configured or missing: {path}",
                          code=ErrorCode.CONFIG_INVALID, detail={"image": what})
    return _image(str(path))


@lru_cache(maxsize=8)
def _text_style(font: Path, size: float, kind: str, with_border: bool) -> TextStampStyle:
    box_style = TextBoxStyle(font=SubsetFontFactory(font, size), font_size=int(size), leading=int(size * 1.25))
    return TextStampStyle(stamp_text=_TEMPLATES[kind], text_box_style=box_style,
                          border_width=1 if with_border else 0, background_opacity=1.0)


def _style(kind: Appearance, cfg: SignSettings) -> BaseStampStyle | None:
    if kind == "none":
        return None
    if kind == "seal":
        seal = PdfImage(_require_image(cfg.seal_image, "seal"))
        return StaticStampStyle(background=seal, border_width=0, background_opacity=1.0)
    style = _text_style(find_font(cfg.font_path), cfg.font_size, kind, kind != "result")
    if kind == "result":
        signature = PdfImage(_require_image(cfg.signature_image, "signature"))
        centred = layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(0, 0, 14, 14), inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT)
        return TextStampStyle(stamp_text=style.stamp_text, text_box_style=style.text_box_style,
                              border_width=0, background=signature, background_layout=centred,
                              background_opacity=1.0)
    return style


def _box_mm(kind: Appearance, meta: SignMeta, cfg: SignSettings) -> tuple[float, float, float, float]:
    if meta.box_mm is not None:
        return meta.box_mm
    return {"scan": cfg.scan_box_mm, "copy": cfg.copy_box_mm, "result": cfg.result_box_mm,
            "seal": _seal_box(cfg.result_box_mm)}.get(kind, (0.0, 0.0, 0.0, 0.0))


def field_spec(reader: PdfFileReader, *, kind: Appearance, meta: SignMeta, cfg: SignSettings,
               field_name: str) -> SigFieldSpec:
    """The signature field for a ``kind`` appearance: its page and box (none when invisible)."""
    default_page = cfg.result_page if kind in ("result", "seal") else 1
    page_ix = _page_index(reader, meta.page if meta.page is not None else default_page)
    box: tuple[int, ...] | None = None
    if kind != "none":
        box = _pdf_box(_page_box(reader, page_ix), _box_mm(kind, meta, cfg))
    return SigFieldSpec(sig_field_name=field_name, on_page=page_ix, box=box)  # type: ignore[arg-type]


def build_stamp(
    reader: PdfFileReader, *, kind: Appearance, meta: SignMeta, cfg: SignSettings,
    values: dict[str, str], field_name: str,
) -> Stamp:
    """The field and stamp of one signature on the document ``reader`` reads.

    Raises:
        ConfigError: no Vietnamese font, or a missing signature/seal image.
    """
    style = _style(kind, cfg)
    field = field_spec(reader, kind=kind, meta=meta, cfg=cfg, field_name=field_name)
    params: dict[str, Any] = dict(values)
    return Stamp(field=field, style=style, params=params)
