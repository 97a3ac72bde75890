"""``render_document``: one document type, drawn clean at 300 dpi with its ground truth."""

from __future__ import annotations

import random
from collections.abc import Callable

from corpus import _fonts
from corpus._common import Doc
from corpus._docs_admin import ly_lich_tu_phap, to_khai, xac_nhan_cu_tru
from corpus._docs_assets import bang_tot_nghiep, ho_kinh_doanh, qsdd
from corpus._docs_civil import ket_hon, khai_sinh, khai_tu, tinh_trang_hon_nhan
from corpus._docs_other import KHAC_LAYOUTS, khac
from corpus._idcard import CARD_LAYOUTS, can_cuoc
from corpus._layout import A4, Sheet, draw_style, page_text
from corpus._raster import rasterize
from corpus._types import RenderedDocument
from corpus._vn import nfc
from schemas.documents import DOC_TYPE_FIELDS, DocType
from schemas.errors import ErrorCode, InputError

Builder = Callable[[Doc, str], object]

#: doc_type → (layout variants, builder)
CATALOG: dict[DocType, tuple[tuple[str, ...], Builder]] = {
    DocType.CAN_CUOC: (CARD_LAYOUTS, can_cuoc),
    DocType.KHAI_SINH: (("tt04_2020", "old", "ban_sao"), khai_sinh),
    DocType.KET_HON: (("two_columns", "sequential"), ket_hon),
    DocType.TINH_TRANG_HON_NHAN: (("standard",), tinh_trang_hon_nhan),
    DocType.XAC_NHAN_CU_TRU: (("ct07",), xac_nhan_cu_tru),
    DocType.LY_LICH_TU_PHAP: (("so_1", "so_2"), ly_lich_tu_phap),
    DocType.TO_KHAI: (("one_page", "two_pages"), to_khai),
    DocType.QSDD: (("gcn_2014", "gcn_2024"), qsdd),
    DocType.HO_KINH_DOANH: (("standard",), ho_kinh_doanh),
    DocType.KHAI_TU: (("trich_luc", "giay_chung_tu"), khai_tu),
    DocType.BANG_TOT_NGHIEP: (("thpt", "dai_hoc"), bang_tot_nghiep),
    DocType.KHAC: (KHAC_LAYOUTS, khac),
}

_LANDSCAPE = {"dai_hoc"}


def layouts(doc_type: DocType) -> tuple[str, ...]:
    """The layout variants :func:`render_document` can draw for ``doc_type``."""
    return CATALOG[doc_type][0]


#: what :func:`render_document` may be asked for: the usual styles, or the one kept out of training and tuning
STYLES: tuple[str, ...] = ("in", "held_out")


def _family(rng: random.Random, doc_type: DocType, font: str | None, held_out: bool) -> _fonts.FontFamily:
    if font is not None:
        return _fonts.family(font)
    fams = _fonts.text_families(held_out=held_out)
    if held_out:  # the held-out faces set every paper, cards included
        return rng.choice(fams)
    serif = [f for f in fams if f.kind == "serif"]
    sans = [f for f in fams if f.kind == "sans"]
    if doc_type is DocType.CAN_CUOC:  # cards are set in sans faces
        return rng.choice(sans)
    return rng.choice(serif) if rng.random() < 0.7 else rng.choice(sans)


def render_document(doc_type: DocType, *, seed: int, layout: str | None = None,
                    font: str | None = None, style: str = "in") -> RenderedDocument:
    """Draw one document of ``doc_type``: clean RGB pages at 300 dpi and their truth.

    Args:
        doc_type: the type to draw.
        seed: everything random (people, dates, style, layout) follows from it.
        layout: a variant from :func:`layouts`; drawn from the seed when ``None``.
        font: a text family name (``Liberation Serif`` …); drawn from the seed when ``None``.
        style: ``in`` (the styles training and tuning see) or ``held_out``: a font family
            (:data:`corpus._fonts.HELD_OUT_FAMILIES`) and a layout family (the ``grid`` house:
            fields in a ruled table) that training and tuning never see, to measure how the
            pipeline does on papers of a style it was not made on.

    Returns:
        The pages, their text, the fields and metadata they show, and their drawing.

    Raises:
        InputError: ``invalid_value`` for a layout the type does not have, or an unknown style.
        EngineError: ``engine_missing`` when the font is not installed.
    """
    if style not in STYLES:
        raise InputError(f"unknown style {style!r}", code=ErrorCode.INVALID_VALUE, detail={"styles": list(STYLES)})
    held_out = style == "held_out"
    dtype = DocType(doc_type)
    variants, builder = CATALOG[dtype]
    rng = random.Random(f"{dtype.value}:{seed}")
    chosen = layout or rng.choice(variants)
    if chosen not in variants:
        raise InputError(f"{dtype.value} has no layout {chosen!r}", code=ErrorCode.INVALID_VALUE,
                         detail={"layouts": list(variants)})
    family = _family(rng, dtype, font, held_out)
    page = (A4[1], A4[0]) if chosen in _LANDSCAPE else A4
    look = draw_style(rng, family, page=page, house="grid" if held_out else "decree30")
    doc = Doc(rng, look, Sheet(look))
    extra = builder(doc, chosen)
    qr, mrz = extra if isinstance(extra, tuple) else (None, None)
    specs = doc.sheet.finish()
    allowed = set(DOC_TYPE_FIELDS[dtype])
    fields = {k: nfc(v) for k, v in doc.fields.items() if k in allowed}
    metadata = {k: nfc(v) for k, v in doc.metadata.items() if v}
    return RenderedDocument(
        doc_type=dtype,
        pages=[rasterize(s) for s in specs],
        page_texts=[nfc(page_text(s)) for s in specs],
        fields=fields,
        metadata=metadata,
        layout=f"{chosen}@grid" if held_out else chosen,
        font=family.name,
        specs=specs,
        qr_payload=qr,
        mrz=mrz,
        value_pages={**{f"f:{k}": doc.fields.pages[k] for k in fields},
                     **{f"m:{k}": doc.metadata.pages[k] for k in metadata}},
    )
