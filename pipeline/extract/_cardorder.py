"""ID card fronts read by position where OCR destroyed the labels.

The front of a citizen identity card prints its values in a fixed order: the number, the
name in capitals, the date of birth, sex and nationality on one row, then (2016 and 2021
cards) the place of origin, the residence (which may wrap) and, at the bottom left, the
expiry date. The labels are printed small above or before the bold values, and on a phone
photo OCR often reads them as noise while the values stay readable. A field no label gave
is taken from its place in that order when its value has the right shape (a name whose
first word is a family name, a date, ``Nam``/``Nữ``); such fields are flagged
``unlabelled`` and their confidence lowered so an officer checks them.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from rapidfuzz import fuzz

from pipeline.extract._dates import parse_date
from pipeline.extract._layout import Line, Token, distinct_words, tokens_text, union_box
from pipeline.extract._mrz import find_td1
from pipeline.extract._normalize import parse_place, title_case
from pipeline.lexicon import correct_name, default_lexicon, fold, fold_key
from schemas.codes import PROVINCE_CODES
from schemas.documents import FieldValue

FROM_UNLABELLED = "unlabelled"
#: how far (in rows) each value may stand from the one before it
_NAME_ROWS, _BIRTH_ROWS, _SEX_ROWS, _ADDRESS_ROWS = 3, 2, 2, 5
_NAME_ROWS_AFTER_TITLE = 5
_OPENING_ROWS = 2
_CONFIDENCE = 0.7
_MIN_VALUE_CONF = 0.5
_MAX_NAME_WORDS = 6
_DIGITS_RE = re.compile(r"\d")


def _field(tokens: Sequence[Token], value: str, flags: tuple[str, ...] = ()) -> FieldValue:
    words = distinct_words(tokens)
    conf = sum(w.conf for w in words) / len(words) if words else 0.5
    return FieldValue(value=value, confidence=round(conf * _CONFIDENCE, 4), page=tokens[0].page if tokens else None,
                      bbox=union_box(words), flags=(*flags, FROM_UNLABELLED))


def _anchor(lines: Sequence[Line], number: str | None) -> tuple[int, bool] | None:
    """The row holding the card number (outside the MRZ), else the card's title row; and whether it is the number."""
    mrz = set(find_td1([ln.text for ln in lines]) or [])
    for i, line in enumerate(lines):
        if line.text in mrz:
            continue
        digits = "".join(_DIGITS_RE.findall(line.text))
        if (number and number in digits) or any(len(re.sub(r"\D", "", t.text)) == 12 for t in line.tokens):
            return i, True
    for i, line in enumerate(lines):
        if fold_key(line.text).startswith("can cuoc"):
            return i, False
    return None


def _word(tok: Token) -> str:
    return tok.text.strip(".,:;!'\"`")


def _name_word(word: str) -> bool:
    lex = default_lexicon()
    return any(fold(word) in table for table in (lex.family, lex.middle, lex.given))


def _name_run(line: Line) -> list[Token] | None:
    """The capitals of a name on ``line``: from a family name on, upper-case words only (two or more)."""
    lex = default_lexicon()
    toks = list(line.tokens)
    for i, tok in enumerate(toks):
        word = _word(tok)
        if not (word.isalpha() and word.isupper() and fold(word) in lex.family):
            continue
        run = [tok]
        for nxt in toks[i + 1:]:
            w = _word(nxt)
            # a last word OCR read in lower case still counts when it is a known name ("NGUYỄN PHƯỚC Lọc")
            if not (w.isalpha() and (w.isupper() or (w[:1].isupper() and _name_word(w)))):
                break
            if len(run) >= _MAX_NAME_WORDS:
                break
            run.append(nxt)
        if len(run) >= 2:
            return run
    return None


def _name(rows: Sequence[Line], reach: int) -> tuple[int, FieldValue] | None:
    for k, line in enumerate(rows[:reach]):
        run = _name_run(line)
        if run:
            value, flags = correct_name(title_case(" ".join(_word(t) for t in run)))
            return k, _field(run, value, flags)
    return None


def _date_in(line: Line) -> tuple[str, list[Token]] | None:
    dated = [t for t in line.tokens if any(ch.isdigit() for ch in t.text)]
    if not dated:
        return None
    value, flags = parse_date(tokens_text(dated))
    if not value or len(value) != 10 or "invalid_date" in flags:
        return None
    return value, dated


def _sex_nationality(line: Line) -> tuple[FieldValue | None, FieldValue | None]:
    keys = [t.key for t in line.tokens]
    sex = nat = None
    for i, tok in enumerate(line.tokens):
        if tok.key in {"nam", "nu"} and not (i and keys[i - 1] == "viet"):
            sex = _field([tok], "Nam" if tok.key == "nam" else "Nữ")
            break
    viet = [t for t in line.tokens if 3 <= len(t.key) <= 6 and fuzz.ratio(t.key, "viet") >= 75]  # "Vieẹt"
    if viet:
        nat = _field(viet, "Việt Nam")
    return sex, nat


def _strong(tok: Token, ref: float) -> bool:
    height = tok.word.box[3] - tok.word.box[1]
    return bool(tok.key) and tok.word.conf >= _MIN_VALUE_CONF and height >= 0.7 * ref


#: the address labels run together ("Quê quán / Place of origin", "Nơi thường trú / Place of residence")
_LABEL_RUNS = ("quequan", "noithuongtru", "placeoforigin", "placeofresidence", "quequanplaceoforigin",
               "noithuongtruplaceofresidence")
_MAX_LABEL_WORDS = 6


def _label_length(tokens: Sequence[Token]) -> int:
    """How many leading tokens read best as what is left of an address label (0 when none does)."""
    best, length = 75.0, 0
    for n in range(1, min(_MAX_LABEL_WORDS, len(tokens) - 1) + 1):
        joined = "".join(t.key for t in tokens[:n])
        score = max(fuzz.ratio(joined, run) for run in _LABEL_RUNS) if joined else 0.0
        if score >= best:
            best, length = score, n
    return length


def _value_part(line: Line, ref: float, column: int) -> list[Token]:
    """The value tokens of an address row: right of the photo column, after what is left of its label."""
    toks = [t for t in line.tokens if t.word.box[0] >= column - ref and _date_in_token(t) is None]
    first = next((i for i, t in enumerate(toks) if _strong(t, ref)), None)
    if first is None:
        return []
    while first > 0:  # a capitalized word OCR was unsure of still belongs to the value ("Quỳnh Lưu")
        prev = toks[first - 1]
        height = prev.word.box[3] - prev.word.box[1]
        if not (_word(prev)[:1].isupper() and _word(prev).isalpha() and height >= 0.7 * ref):
            break
        first -= 1
    value = toks[first:]
    while n := _label_length(value):  # the Vietnamese label, then the English one
        value = value[n:]
    return value


def _date_in_token(tok: Token) -> str | None:
    if sum(ch.isdigit() for ch in tok.text) < 6:
        return None
    value, _ = parse_date(tok.text)
    return value if value and len(value) == 10 else None


def _addresses(rows: Sequence[Line], ref: float, column: int) -> list[list[Token]]:
    """Address values in order: a row whose value starts at the name's column continues the one above.

    A new field's value stands right of its label; a wrapped value starts at the left edge
    of the text column, where the name starts.
    """
    out: list[list[Token]] = []
    for line in rows[:_ADDRESS_ROWS]:
        if _date_in(line) and not any(_date_in_token(t) for t in line.tokens):
            break  # a date of its own row: the expiry, or the back's issue date
        value = _value_part(line, ref, column)
        if not value:
            break
        if out and value[0].word.box[0] <= column + 1.5 * ref:
            out[-1].extend(value)
        else:
            out.append(value)
    return out


def _expiry(rows: Sequence[Line], birth: str | None) -> FieldValue | None:
    for line in rows:
        found = _date_in(line)
        if found and (birth is None or found[0] > birth):
            return _field(found[1], found[0])
    return None


def _birth(rows: Sequence[Line], k: int, found: dict[str, FieldValue]) -> int:
    """The date of birth just below the name; returns the row after it (``k`` when none)."""
    for j, line in enumerate(rows[k:k + _BIRTH_ROWS]):
        date = _date_in(line)
        if date:
            found["ngay_sinh"] = _field(date[1], date[0])
            return k + j + 1
    return k


def _sex_row(rows: Sequence[Line], k: int, found: dict[str, FieldValue]) -> int | None:
    """Sex and nationality on one row (the nationality may wrap); returns the row after, ``None`` if not found."""
    for j, line in enumerate(rows[k:k + _SEX_ROWS]):
        sex, nat = _sex_nationality(line)
        if sex or nat:
            found.update({n: v for n, v in (("gioi_tinh", sex), ("quoc_tich", nat)) if v})
            k = k + j + 1
            below = fold_key(rows[k].text) if k < len(rows) else ""
            if nat is None and below.startswith("viet"):
                found["quoc_tich"] = _field(list(rows[k].tokens), "Việt Nam")
                k += 1
            elif nat is not None and below == "nam":
                k += 1  # the end of "Việt Nam", wrapped: no address
            return k
    return None


def _front_tail(rows: Sequence[Line], name: FieldValue, birth: FieldValue | None,
                found: dict[str, FieldValue]) -> None:
    """Origin, residence and expiry of a 2016 or 2021 card: the rows below sex and nationality."""
    heights = [t.word.box[3] - t.word.box[1] for ln in rows for t in ln.tokens if t.word.conf >= 0.8 and t.key]
    ref = statistics.median(heights) if heights else 0.0
    column = name.bbox.x0 if name.bbox else 0
    for field, tokens in zip(("que_quan", "noi_thuong_tru"), _addresses(rows, ref, column), strict=False):
        value, flags = parse_place(tokens_text(tokens))
        if value:
            found[field] = _field(tokens, value, flags)
    expiry = _expiry(rows, birth.value if birth else None)
    if expiry:
        found["co_gia_tri_den"] = expiry


def card_by_position(lines: Sequence[Line], fields: dict[str, FieldValue], *, with_addresses: bool
                     ) -> dict[str, FieldValue]:
    """Fields of an ID card's front still missing after the labelled passes, read by their order.

    Args:
        lines: the card's lines (front first).
        fields: what the labelled passes found (never replaced).
        with_addresses: the card prints origin and residence on its front (2016 and 2021 cards).

    Returns:
        Newly found fields, each flagged ``unlabelled``.
    """
    number = fields.get("so_dinh_danh")
    anchor = _anchor(lines, number.value if number else None)
    if anchor is None:
        return {}
    at, by_number = anchor
    rows = [ln for ln in lines[at + 1:] if ln.page == lines[at].page]
    # below the title, the number's row (unread) and label rows come before the name
    name = _name(rows, _NAME_ROWS if by_number else _NAME_ROWS_AFTER_TITLE)
    if name is None and not by_number:
        return {}  # below a title alone, nothing but a name shows where the values begin
    found = {"ho_ten": name[1]} if name else {}
    k = _sex_row(rows, _birth(rows, name[0] + 1 if name else 0, found), found)
    if k is not None and with_addresses and name:
        _front_tail(rows[k:], name[1], fields.get("ngay_sinh") or found.get("ngay_sinh"), found)
    return {n: v for n, v in found.items() if n not in fields}


def _card_number(line: Line) -> str | None:
    """A 12-digit number on ``line`` shaped like a ``so_dinh_danh``: a valid province or century digit."""
    for tok in line.tokens:
        digits = re.sub(r"\D", "", tok.text)
        if len(digits) == 12 and len(tok.text) <= 14 and digits[3] in "0123":
            return digits
    return None


def _year_printed(lines: Sequence[Line], number: str) -> bool:
    year = str(1900 + 100 * (int(number[3]) // 2) + int(number[4:6]))
    return any(re.search(rf"(?<!\d){year}(?!\d)", ln.text) for ln in lines)


def looks_like_card_front(lines: Sequence[Line]) -> bool:
    """An ID card's front however garbled its labels: the number, then a row opening with a name in capitals.

    The number must be shaped like a ``so_dinh_danh`` whose province code exists or whose
    birth year is printed on the page, and the name must open its row (no label before it).
    """
    for i, line in enumerate(lines):
        number = _card_number(line)
        if number is None or (number[:3] not in PROVINCE_CODES and not _year_printed(lines, number)):
            continue
        for below in lines[i + 1:i + 1 + _OPENING_ROWS]:
            run = _name_run(below)
            opening = [t for t in below.tokens if len(_word(t)) >= 2 and _word(t).isalpha()]
            if run and opening and opening[0] is run[0]:
                return True
    return False
