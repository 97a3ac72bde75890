"""The extract stage: a document type and its OCR pages in, normalized and validated fields out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pipeline.doctypes import DocTypeSpec, get_spec
from pipeline.extract._agency import card_2024
from pipeline.extract._cardorder import card_by_position
from pipeline.extract._dates import parse_date
from pipeline.extract._fields import ID_GROUPS, parse_field, pick_fields, validate_fields
from pipeline.extract._idcard import apply_mrz, apply_qr
from pipeline.extract._layout import Line, build_lines, distinct_words, union_box
from pipeline.extract._metadata import build_metadata
from pipeline.extract._mrz import find_td1
from pipeline.extract._repair import repair_ids, set_aside_short
from pipeline.extract._segment import find_candidates
from pipeline.extract._title import find_title, printed_number
from pipeline.extract._weak import weak_fields
from pipeline.lexicon import fold_key
from pipeline.types import OcrPage
from schemas.documents import DocType, FieldValue, Metadata
from schemas.settings import ExtractSettings

FROM_UNLABELLED = "unlabelled"
#: a value read from the paper's "Số: …" line (a business registration prints its code so)
FROM_NUMBER_LINE = "number_line"
#: a date printed alone at the start of a row ("Ngày 04 tháng 6 năm 2017", maybe with the fingerprint captions after it)
_BARE_DATE_RE = re.compile(r"^ngay \d{1,2} thang \d{1,2} nam \d{4}(?!\d)")


@dataclass(frozen=True)
class Extraction:
    """What the extractor read from one document.

    Attributes:
        fields: field name → value, for the fields of the type that were found.
        metadata: the Art. 9 metadata.
        flags: document-level flags (``mrz_checksum_failed``, ``qr_read`` …).
    """

    fields: dict[str, FieldValue]
    metadata: Metadata
    flags: tuple[str, ...] = ()


def _today(cfg: ExtractSettings) -> date:
    return date.fromisoformat(cfg.today) if cfg.today else date.today()


def _unlabelled_id(lines: Sequence[Line]) -> FieldValue | None:
    """A lone 12-digit number when no label announced it (not inside the MRZ)."""
    mrz = find_td1([ln.text for ln in lines]) or []
    for line in lines:
        if line.text in mrz:
            continue
        for tok in line.tokens:
            digits = re.sub(r"\D", "", tok.text)
            if len(digits) == 12 and len(tok.text) <= 14:
                return FieldValue(value=digits, confidence=tok.word.conf * 0.8, page=tok.page,
                                  bbox=union_box([tok.word]), flags=(FROM_UNLABELLED,))
    return None


def _card_address_field(spec: DocTypeSpec, lines: Sequence[Line], fields: dict[str, FieldValue]) -> str:
    issued = fields.get("ngay_cap")
    if card_2024(find_title(spec, lines), issued.value if issued else None):
        return "noi_cu_tru"
    return "noi_thuong_tru"


def _bare_date(lines: Sequence[Line]) -> FieldValue | None:
    """The issue date a card's back prints without a label: "Ngày 04 tháng 6 năm 2017"."""
    for line in lines:
        key = fold_key(line.text)
        m = _BARE_DATE_RE.match(key)
        if m:
            value, _ = parse_date(m.group(0))
            if value and len(value) == 10:
                words = distinct_words(line.tokens)
                return FieldValue(value=value, confidence=sum(w.conf for w in words) / len(words) * 0.9,
                                  page=line.page, bbox=union_box(words), flags=(FROM_UNLABELLED,))
    return None


def _number_from_number_line(spec: DocTypeSpec, lines: Sequence[Line], fields: dict[str, FieldValue]) -> None:
    """The paper's number field from its "Số: …" line when no label named it ("Số: 01A8012345" under the title)."""
    name = spec.number_field
    if not name or name in fields or spec.doc_type is DocType.CAN_CUOC:
        return
    found = printed_number(lines)
    if found is None:
        return
    line, printed = found
    value, flags = parse_field(spec.field(name), printed)
    if value is None or {"invalid_id_length", "invalid_number"} & set(flags):
        return
    words = distinct_words(line.tokens)
    fields[name] = FieldValue(value=value, confidence=sum(w.conf for w in words) / len(words) * 0.9, page=line.page,
                              bbox=union_box(words), flags=(*flags, FROM_NUMBER_LINE))


def _card_fixups(spec: DocTypeSpec, lines: Sequence[Line], fields: dict[str, FieldValue]) -> None:
    """Unlabelled number and issue date; the 2024 card's residence is ``noi_cu_tru``."""
    if "so_dinh_danh" not in fields:
        found = _unlabelled_id(lines)
        if found:
            fields["so_dinh_danh"] = found
    if "ngay_cap" not in fields:
        issued = _bare_date(lines)
        if issued:
            fields["ngay_cap"] = issued
    front = _card_address_field(spec, lines, fields) == "noi_thuong_tru"
    fields.update(card_by_position(lines, fields, with_addresses=front))
    if _card_address_field(spec, lines, fields) == "noi_cu_tru" and "noi_thuong_tru" in fields:
        fields.setdefault("noi_cu_tru", fields.pop("noi_thuong_tru"))


def extract(doc_type: DocType, pages: Sequence[OcrPage], *, cfg: ExtractSettings) -> Extraction:
    """Read the fields and metadata of one document.

    Args:
        doc_type: the classified type (``khac`` yields no fields, only metadata).
        pages: the document's OCR pages, in order.
        cfg: extraction settings (``today`` for plausibility checks).

    Returns:
        The fields (each with value, confidence, page, box and flags), the Art. 9 metadata
        and document-level flags.
    """
    spec = get_spec(doc_type)
    lines = build_lines(pages)
    today = _today(cfg)
    title = find_title(spec, lines)
    skip = frozenset(range(title.first, title.last + 1)) if title else frozenset()
    fields = pick_fields(spec, find_candidates(spec, lines, skip=skip), lines)
    short = set_aside_short(fields, [group[0] for group in ID_GROUPS])
    fields.update(weak_fields(spec, lines, fields, parse=parse_field, skip=skip))
    _number_from_number_line(spec, lines, fields)
    flags: list[str] = []
    if doc_type is DocType.CAN_CUOC:
        _card_fixups(spec, lines, fields)
        flags.extend(apply_mrz(fields, lines, today))
        flags.extend(apply_qr(fields, pages, address_field=_card_address_field(spec, lines, fields)))
        issued, until = fields.get("ngay_cap"), fields.get("co_gia_tri_den")
        if issued and until and issued.value == until.value:
            del fields["ngay_cap"]  # a card is not issued on the day it expires: a misread expiry label
    repair_ids(fields, ID_GROUPS, short)
    fields = {k: v for k, v in validate_fields(fields, today=today).items() if k in spec.field_names}
    metadata = build_metadata(spec, lines, fields)
    return Extraction(fields=fields, metadata=metadata, flags=tuple(dict.fromkeys(flags)))
