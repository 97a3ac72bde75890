"""The issuing agency (``co_quan_cap``): the header's lower body, a signature block, or an ID card's issuer.

Decree 30/2020 puts the parent body above the issuing body in the header; the issuing body
may wrap onto a second row ("ỦY BAN NHÂN DÂN" / "XÃ NÀ NHẠN"). Rows are grouped into
agencies by their head words and the last group is the issuer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeSpec
from pipeline.extract._cleanup import clean_text, fix_agency
from pipeline.extract._layout import Line
from pipeline.extract._title import NATIONAL_MOTTO, SO_RE, Title, khac_title_index, starts_agency, upper_ratio
from pipeline.lexicon import correct_place, fold, fold_key
from schemas.documents import DocType

_PERSON_TITLES = ("hieu truong", "cuc truong", "giam doc", "chu tich", "truong phong", "vien truong",
                  "tm", "kt", "q", "tl", "tuq")
_SIGNER_WORDS = ("kt", "tm", "q", "tl", "tuq", "giam doc", "chu tich", "pho", "truong", "hieu truong",
                 "cuc truong", "nguoi", "can bo", "cong chuc")
_INCOMPLETE = {"uy ban nhan dan", "ubnd", "cong an", "hoi dong nhan dan"}


def _strip_person_title(text: str) -> str:
    """``HIỆU TRƯỞNG TRƯỜNG …`` → ``TRƯỜNG …`` (a signer's title before the agency's name)."""
    words = text.split()
    for n in (2, 1):
        head = fold_key(" ".join(words[:n]))
        if head in _PERSON_TITLES and len(words) > n and starts_agency(fold_key(" ".join(words[n:]))):
            return " ".join(words[n:])
    return text


def _left_of_motto(line: Line) -> str:
    words: list[str] = []
    for tok in line.tokens:
        if tok.key in {"cong", "doc", "socialist"} and words:
            rest = fold_key(line.text[line.text.find(tok.word.text):])
            if any(rest.startswith(m) for m in NATIONAL_MOTTO):
                break
        if not words or words[-1] != tok.word.text:
            words.append(tok.word.text)
    text = " ".join(words)
    return "" if any(fold_key(text).startswith(m) for m in NATIONAL_MOTTO) else text


def _group_agencies(rows: Sequence[str]) -> list[str]:
    groups: list[str] = []
    for row in rows:
        text = _strip_person_title(clean_text(row))
        key = fold_key(text)
        if groups and (not starts_agency(key) or fold_key(groups[-1]) in _INCOMPLETE):
            groups[-1] = f"{groups[-1]} {text}"
        elif starts_agency(key):
            groups.append(text)
    return groups


def _header_agency(lines: Sequence[Line], title: Title | None) -> str | None:
    stop = title.first if title else khac_title_index(lines)
    rows: list[str] = []
    for line in lines[:stop]:
        text = _left_of_motto(line)
        if text and upper_ratio(text) > 0.55 and not SO_RE.search(fold(text)) and len(fold_key(text)) > 2:
            rows.append(text)
    groups = _group_agencies(rows)
    return groups[-1] if groups else None


def _signature_agency(lines: Sequence[Line], title: Title | None) -> str | None:
    start = title.last + 1 if title else 0
    for i in range(start, len(lines)):
        text = clean_text(lines[i].text)
        if upper_ratio(text) > 0.9 and starts_agency(fold_key(_strip_person_title(text))):
            rows = [text]
            for nxt in lines[i + 1:i + 3]:
                more = clean_text(nxt.text)
                mkey = fold_key(more)
                signer = any(mkey == t or mkey.startswith(t + " ") for t in _SIGNER_WORDS)
                if upper_ratio(more) > 0.9 and not starts_agency(mkey) and not signer and len(more) > 2:
                    rows.append(more)
                else:
                    break
            groups = _group_agencies(rows)
            if groups:
                return groups[0]
    return None


def _card_agency(lines: Sequence[Line]) -> str | None:
    for i, line in enumerate(lines):
        key = fold_key(line.text)
        if key.startswith("cuc truong") or key.startswith("director general"):
            rows = [line.text]
            for nxt in lines[i + 1:i + 3]:
                if upper_ratio(nxt.text) > 0.9 and not fold_key(nxt.text).startswith("director"):
                    rows.append(nxt.text)
                else:
                    break
            groups = _group_agencies(rows)
            return groups[0] if groups else None
        if key in {"bo cong an", "bo cong an ministry of public security"}:
            return "BỘ CÔNG AN"
    return None


#: the 2024 "CĂN CƯỚC" card replaced the chip CCCD from this day (Luật Căn cước 2023)
CARD_2024_FROM = "2024-07-01"


def card_2024(title: Title | None, issued: str | None) -> bool:
    """Whether an ID card is the 2024 "CĂN CƯỚC": by its printed title, else by its issue date."""
    if title is not None:
        return fold_key(title.text) == "can cuoc"
    return bool(issued) and str(issued) >= CARD_2024_FROM


#: the issuers printed on ID cards: 2016 barcode CCCD, 2021 chip CCCD, 2024 CĂN CƯỚC
CARD_AGENCIES = ("CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ",
                 "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", "BỘ CÔNG AN")
_CHIP_CARDS_FROM = "2021-01-01"


def _card_issuer(found: str | None, title: Title | None, issued: str | None) -> str:
    """The card's issuer: the printed one snapped to the known wording, else the one of its generation."""
    if found:
        best = max(CARD_AGENCIES, key=lambda a: fuzz.partial_ratio(fold_key(a), fold_key(found)))
        if fuzz.partial_ratio(fold_key(best), fold_key(found)) >= 85:
            return best
    if card_2024(title, issued):
        return CARD_AGENCIES[2]
    return CARD_AGENCIES[0] if issued and issued < _CHIP_CARDS_FROM else CARD_AGENCIES[1]


def agency(spec: DocTypeSpec, lines: Sequence[Line], title: Title | None, issued: str | None) -> str | None:
    """``co_quan_cap`` of a paper of type ``spec``, or ``None`` for a citizen's own form."""
    if not spec.issued:
        return None
    if spec.doc_type is DocType.CAN_CUOC:
        return _card_issuer(_card_agency(lines), title, issued)
    found = _header_agency(lines, title) or _signature_agency(lines, title)
    registered = _registration_agency(lines)
    if registered and (not found or fold_key(registered).startswith(fold_key(found))):
        found = registered  # the header lost its last row: "Nơi đăng ký: ỦY BAN NHÂN DÂN XÃ KIM LIÊN"
    return correct_place(fix_agency(found))[0] if found else None


def _registration_agency(lines: Sequence[Line]) -> str | None:
    """The agency a civil-status paper names as its place of registration ("Nơi đăng ký kết hôn: …")."""
    for line in lines:
        key = fold(line.text)
        m = re.search(r"noi dang ky(?: ket hon| khai sinh| khai tu)?\s*:", key)
        if m:
            text = clean_text(line.text[m.end():])
            if upper_ratio(text) > 0.8 and starts_agency(fold_key(text)):
                return text
    return None
