"""The Art. 9 metadata of Circular 01/2023/TT-VPCP, read from the paper and the catalog.

``ten_giay_to`` is the printed title (the catalog's spelling when OCR garbled it),
``so_ky_hieu`` the "Số: …" line, ``ngay_cap`` the issue date (an explicit field, else the
place-date line "Hà Nội, ngày 05 tháng 3 năm 2023"), ``co_quan_cap`` the agency in the
header, ``thoi_han_hieu_luc`` follows the catalog's validity rule, and
``ma_dinh_danh_chu_so_huu`` is the owner's ``so_dinh_danh``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date

from pipeline.doctypes import DocTypeSpec
from pipeline.extract._agency import agency, card_2024
from pipeline.extract._cleanup import clean_text
from pipeline.extract._dates import parse_date
from pipeline.extract._layout import Line
from pipeline.extract._title import Title, find_title, khac_title, printed_number, upper_ratio
from pipeline.lexicon import fold
from schemas.documents import DocType, FieldValue, Metadata

_PLACE_DATE_RE = re.compile(r"(?P<place>[^,:]{2,60}),\s*ngay\s*\S{1,3}\s*thang\b")
#: what introduces the scope of a paper: its purpose ("được sử dụng để", "cấp để") or its area ("Phạm vi sử dụng:")
_PURPOSE_RE = re.compile(
    r"(?:duoc su dung de|duoc cap de|cap de|dung de|su dung vao viec|muc dich su dung giay[^:]*|muc dich su dung\s*:"
    r"|pham vi (?:su dung|co hieu luc|ap dung|hieu luc)\s*:|co gia tri (?:su dung )?(?=trong pham vi|tren toan))"
    r"\s*:?\s*", re.IGNORECASE)


def _so_ky_hieu(lines: Sequence[Line]) -> str | None:
    found = printed_number(lines)
    return found[1] if found else None


_FIRST_REG_RE = re.compile(r"dang ky lan dau|cap lan dau|thay doi lan thu\W*\d*")
_BARE_DATE_RE = re.compile(r"^ngay\s*\S{1,3}\s*thang\s*\S{1,3}\s*nam\s*\S{2,5}$")


def _registration_date(lines: Sequence[Line]) -> str | None:
    """The latest of "Đăng ký lần đầu: …" and "Đăng ký thay đổi lần thứ n: …" (business papers)."""
    found: list[str] = []
    for line in lines:
        key = fold(line.text).strip()
        m = _FIRST_REG_RE.search(key)
        if m:
            value, _ = parse_date(key[m.end():])
            if value and len(value) == 10:
                found.append(value)
    return max(found) if found else None


def _issue_date(lines: Sequence[Line]) -> str | None:
    """The registration date, else the place-date line, else a bare "Ngày … tháng … năm …" line."""
    registered = _registration_date(lines)
    if registered:
        return registered
    for pattern in (_PLACE_DATE_RE, _BARE_DATE_RE):
        for line in lines:
            key = fold(line.text).strip()
            m = pattern.search(key)
            if m:
                value, _ = parse_date(key[m.start():])
                if value and len(value) == 10:
                    return value
    return None


def _serial(spec: DocTypeSpec, lines: Sequence[Line]) -> str | None:
    """The printed serial (land certificates: "AA 583181"), the last one on the first page that has one."""
    if not spec.serial:
        return None
    by_page: dict[int, list[str]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).extend(m.group(0) for m in re.finditer(spec.serial, line.text))
    found = [v for page in sorted(by_page) for v in by_page[page][-1:]]
    return found[0] if found else None


def add_months(iso: str, months: int) -> str | None:
    """``iso`` plus ``months`` calendar months, the day clamped to the month's end."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return None
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1])).isoformat()


def _carried_on(lines: Sequence[Line], i: int, text: str) -> str:
    """``text`` (from line ``i``) with the next lines that carry the sentence on.

    A line carries it on when it starts in lower case, or when it is short and ends the
    sentence ("Sơ vay vốn ngân hàng." after "… bổ sung hồ"); a heading or a label line does not.
    """
    for nxt in lines[i + 1:i + 3]:
        t = nxt.text.strip()
        ends = len(t.split()) <= 6 and t.endswith(".")
        if text.rstrip().endswith((".", ";")) or not (t[:1].islower() or ends) or upper_ratio(t) > 0.5 or ":" in t:
            break
        text += " " + t
    return text


def _purpose(lines: Sequence[Line]) -> str | None:
    """``pham_vi_hieu_luc``: the stated purpose or area of use ("được sử dụng để: làm thủ tục …")."""
    for i, line in enumerate(lines):
        key = fold(line.text)
        m = _PURPOSE_RE.search(key)
        if m and m.end() < len(key) - 2:
            return clean_text(_carried_on(lines, i, line.text[m.end():])) or None
    return None


def build_metadata(spec: DocTypeSpec, lines: Sequence[Line], fields: dict[str, FieldValue]) -> Metadata:
    """The Art. 9 metadata of one document.

    Args:
        spec: the catalog entry of its type.
        lines: its lines.
        fields: the extracted, validated fields.

    Returns:
        The metadata; fields the paper does not show are ``None``.
    """
    title = find_title(spec, lines)

    def val(name: str | None) -> str | None:
        fv = fields.get(name) if name else None
        return fv.value if fv else None

    ngay_cap = (val("ngay_cap") or _issue_date(lines) or val("ngay_dang_ky")) if spec.issued else None
    until: str | None = None
    if spec.validity and spec.validity.field:
        until = val(spec.validity.field)
    elif spec.validity and spec.validity.months and ngay_cap:
        until = add_months(ngay_cap, spec.validity.months)
    number = val(spec.number_field) if spec.number_field else _serial(spec, lines) or _so_ky_hieu(lines)
    return Metadata(
        ma_loai_giay_to=spec.code,
        ma_dinh_danh_chu_so_huu=val(spec.owner_field),
        ten_giay_to=_title_text(spec, lines, title, ngay_cap),
        so_ky_hieu=number if spec.issued else None,
        ngay_cap=ngay_cap,
        co_quan_cap=agency(spec, lines, title, ngay_cap),
        trich_yeu=_subject(lines),
        thoi_han_hieu_luc=until,
        pham_vi_hieu_luc=None if spec.doc_type is DocType.QSDD else _purpose(lines),
    )


def _title_text(spec: DocTypeSpec, lines: Sequence[Line], title: Title | None, issued: str | None) -> str | None:
    if title is not None:
        return title.text
    if spec.doc_type is DocType.CAN_CUOC:
        return "CĂN CƯỚC" if card_2024(None, issued) else "CĂN CƯỚC CÔNG DÂN"
    if spec.titles:
        return spec.titles[0]
    # an official letter prints no type name, only its "V/v" subject (Decree 30/2020, form 1.4)
    return khac_title(lines) or ("CÔNG VĂN" if _subject(lines, letter_only=True) else None)


#: the subject line of an administrative paper: "Về việc …", "V/v …" (OCR: "V/V", "Vív", "V/y") or "Trích yếu: …"
_SUBJECT_RE = re.compile(r"^\s*(?:(?P<ve>ve viec)|(?P<vv>v\s?[/|il]\s?[vy])\b|(?P<label>trich yeu(?: noi dung)?\s*:))",
                         re.IGNORECASE)


def _subject(lines: Sequence[Line], *, letter_only: bool = False) -> str | None:
    """``trich_yeu``: the "Về việc …" / "V/v …" line of an administrative paper, with its wrapped rest."""
    for i, line in enumerate(lines[:25]):
        key = fold(line.text).strip()
        m = _SUBJECT_RE.match(key)
        if not m or (letter_only and not m.group("vv")):
            continue
        text = line.text.strip()
        if m.group("label"):
            text = text[m.end():]
        elif m.group("vv"):
            text = "V/v " + text[m.end():].lstrip(" :.")
        return clean_text(_carried_on(lines, i, text)) or None
    return None


