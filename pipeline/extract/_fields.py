"""Parsing raw candidates into normalized, validated :class:`schemas.FieldValue` objects."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeSpec, FieldSpec, ValueKind
from pipeline.extract import _normalize as norm
from pipeline.extract import _validate as checks
from pipeline.extract._dates import Parsed, parse_date
from pipeline.extract._layout import Line, distinct_words, union_box
from pipeline.extract._segment import Candidate
from pipeline.lexicon import fold, fold_key
from schemas.documents import FieldValue

_PARSERS: dict[ValueKind, Callable[[str], Parsed]] = {
    ValueKind.NAME: norm.parse_name,
    ValueKind.DATE: parse_date,
    ValueKind.SEX: norm.parse_sex,
    ValueKind.PLACE: norm.parse_place,
    ValueKind.NATIONALITY: norm.parse_nationality,
    ValueKind.ETHNICITY: norm.parse_ethnicity,
    ValueKind.TEXT: norm.parse_text,
    ValueKind.MONEY: norm.parse_money,
    ValueKind.NUMBER: norm.parse_number,
    ValueKind.INTEGER: norm.parse_integer,
    ValueKind.CODE: norm.parse_code,
    ValueKind.PHONE: norm.parse_phone,
    ValueKind.YEAR: norm.parse_year,
}
_BAD_FLAGS = {"invalid_date", "invalid_id_length", "invalid_number", "year_only"}
#: (id field, birth field, sex field) triples validated together
ID_GROUPS = (
    ("so_dinh_danh", "ngay_sinh", "gioi_tinh"),
    ("so_dinh_danh_chong", "ngay_sinh_chong", None),
    ("so_dinh_danh_vo", "ngay_sinh_vo", None),
)
_PAST_DATES = {"ngay_sinh", "ngay_sinh_chong", "ngay_sinh_vo", "ngay_cap", "ngay_dang_ky", "ngay_chet"}


def _parse(kind: ValueKind, text: str, *, allow_cmnd: bool) -> Parsed:
    if kind is ValueKind.ID_NUMBER:
        return norm.parse_id_number(text, allow_cmnd=allow_cmnd)
    return _PARSERS[kind](text)


def parse_field(field: FieldSpec, text: str, *, allow_cmnd: bool = False) -> Parsed:
    """``text`` read by ``field``'s grammar, in the field's standard wording where it has one."""
    value, flags = _parse(field.kind, text, allow_cmnd=allow_cmnd)
    return standard_wording(value, field.choices), flags


def standard_wording(value: str | None, choices: Sequence[str]) -> str | None:
    """The standard wording ``value`` reads as: nearly equal (OCR slips), else the longest it starts with."""
    if not value or not choices:
        return value
    key = fold_key(value)
    best = max(choices, key=lambda c: fuzz.ratio(key, fold_key(c)))
    if fuzz.ratio(key, fold_key(best)) >= 90:
        return best
    starts = [c for c in choices if key.startswith(fold_key(c) + " ")]
    return max(starts, key=len) if starts else value


def _to_value(cand: Candidate, kind: ValueKind, allow_cmnd: bool, choices: Sequence[str] = ()) -> FieldValue:
    value, flags = _parse(kind, cand.text, allow_cmnd=allow_cmnd)
    value = standard_wording(value, choices)
    words = distinct_words(cand.tokens)
    conf = sum(w.conf for w in words) / len(words) if words else 0.0
    if value is None or set(flags) & _BAD_FLAGS:
        conf *= 0.5
    return FieldValue(
        value=value, confidence=round(max(0.0, min(1.0, conf)), 4), page=cand.tokens[0].page,
        bbox=union_box(words), flags=flags,
    )


def pick_fields(spec: DocTypeSpec, cands: Sequence[Candidate], lines: Sequence[Line]) -> dict[str, FieldValue]:
    """One value per field: the first candidate that parses cleanly, else the first that parses.

    Args:
        spec: the catalog entry.
        cands: raw candidates in document order.
        lines: the document's lines (to tell whether the paper speaks of a CMND).

    Returns:
        Field name → value, for the fields found.
    """
    allow_cmnd = any(re.search(r"\bcmnd\b|chung minh nhan dan", fold(line.text)) for line in lines)
    best: dict[str, FieldValue] = {}
    for cand in cands:
        field = spec.field(cand.field)
        fv = _to_value(cand, field.kind, allow_cmnd, field.choices)
        if fv.value is None:
            continue
        old = best.get(cand.field)
        if old is None or (set(old.flags) & _BAD_FLAGS and not set(fv.flags) & _BAD_FLAGS):
            best[cand.field] = fv
    return best


def _add_flags(fv: FieldValue, flags: Sequence[str], factor: float = 0.6) -> FieldValue:
    new = tuple(f for f in flags if f not in fv.flags)
    if not new:
        return fv
    return fv.model_copy(update={"flags": fv.flags + new, "confidence": fv.confidence * factor})


def validate_fields(fields: dict[str, FieldValue], *, today: date) -> dict[str, FieldValue]:
    """Flag what disagrees: ID number versus birth and sex, impossible or out-of-order dates.

    Args:
        fields: the extracted fields.
        today: the reference day for "not in the future".

    Returns:
        The same fields, with flags added and confidence lowered where something disagrees.
    """
    out = dict(fields)

    def val(name: str | None) -> str | None:
        fv = out.get(name) if name else None
        return fv.value if fv else None

    for id_field, birth_field, sex_field in ID_GROUPS:
        number = val(id_field)
        if number:
            flags = checks.check_id_number(number, birth=val(birth_field), sex=val(sex_field))
            out[id_field] = _add_flags(out[id_field], flags)
    for name, fv in list(out.items()):
        if fv.value and (name.startswith("ngay_") or name == "co_gia_tri_den"):
            out[name] = _add_flags(fv, checks.check_date(fv.value, today=today, past_only=name in _PAST_DATES))
    birth = val("ngay_sinh")
    for name, flag in (("co_gia_tri_den", checks.EXPIRY_BEFORE_BIRTH), ("ngay_cap", checks.ISSUE_BEFORE_BIRTH),
                       ("ngay_chet", checks.DEATH_BEFORE_BIRTH)):
        if name in out:
            out[name] = _add_flags(out[name], checks.check_order(birth, val(name), flag))
    if "co_gia_tri_den" in out:
        order = checks.check_order(val("ngay_cap"), val("co_gia_tri_den"), checks.EXPIRY_BEFORE_ISSUE)
        out["co_gia_tri_den"] = _add_flags(out["co_gia_tri_den"], order)
    return out
