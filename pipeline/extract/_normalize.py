"""Value grammars and normalizers: printed text in, the contract's normalized string out.

Each ``parse_*`` function takes the raw text of a value (as OCR read it, possibly with
dotted leaders and OCR slips) and returns the normalized value, or ``None`` when the text
does not follow the grammar, plus flags saying what was assumed.
"""

from __future__ import annotations

import re

from pipeline.extract._cleanup import EDGE_PUNCT, clean_text, drop_junk, fix_units, upper_run
from pipeline.extract._dates import YEAR_RE, Parsed, fix_digits
from pipeline.lexicon import correct_name, correct_place, default_lexicon, fold, fold_key, nfc

INVALID_ID_LENGTH = "invalid_id_length"
_NAME_CHARS_RE = re.compile(r"^[A-Za-zÀ-ỹĐđ'’]+$")

_ETHNIC = {fold(x): x for x in (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Mông", "Dao", "Gia Rai",
    "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông",
    "Thổ", "Stiêng", "Khơ Mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng",
    "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ",
    "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La",
    "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)}


def title_case(text: str) -> str:
    """``NGUYỄN VĂN AN`` → ``Nguyễn Văn An`` (every word, NFC)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in nfc(text).split())


#: how papers address a person before the name ("Cấp cho: Ông Nguyễn Văn An")
_HONORIFICS = {"ong", "ba"}


def _without_honorific(words: list[str]) -> list[str]:
    """``words`` less a leading "Ông"/"Bà" when a family name follows ("Ông" is also a rare family name)."""
    if len(words) >= 3 and fold(words[0]) in _HONORIFICS and fold(words[1]) in default_lexicon().family:
        return words[1:]
    return words


def parse_name(text: str, *, lexicon: bool = True) -> Parsed:
    """A person's name → title case with diacritics, checked against the lexicon.

    The name is the first run of alphabetic words (1–7), so trailing OCR noise, a following
    label remnant or a date is left out.

    Args:
        text: the printed value.
        lexicon: restore diacritics where the name lexicon is unambiguous.

    Returns:
        The name and flags (``lexicon_corrected``, ``invalid_syllable``).
    """
    words: list[str] = []
    raws = clean_text(text).replace(",", " , ").split()
    lead = next((i for i, w in enumerate(raws) if not w.islower()), 0)
    for raw in raws[lead:]:  # "người khai PHAN THUỲ HOA": lower-case words still qualify the label
        word = raw.strip(".:;")
        same_case = not words or not words[0].isupper() or word.isupper()
        if _NAME_CHARS_RE.match(word) and len(words) < 7 and same_case:
            words.append(word)
        elif words:
            break
    words = _without_honorific(words)
    if not words or all(len(w) == 1 for w in words) or not any(w[:1].isupper() for w in words):
        return None, ()  # a speck read as "x" or "lã" is no name: names are printed capitalized
    name = title_case(" ".join(words))
    if lexicon:
        return correct_name(name)
    return name, ()


def parse_sex(text: str) -> Parsed:
    """``Nam``/``Nữ`` from the printed value (``NỮ``, ``Nu``, ``Male``, ``Female`` …)."""
    for word in fold_key(text).split():
        if word in {"nu", "nuu", "female", "f"}:  # "Nưứ": the mark read as a second letter
            return "Nữ", ()
        if word in {"nam", "male", "m", "narn", "nain"}:
            return "Nam", ()
    return None, ()


#: what OCR reads of a form's digit boxes: the box edges as "|", "[", "]", "l", or glued to a digit as a letter
_BOX_EDGE_RE = re.compile(r"[|\[\]\s]+")
#: a box holds one digit: a letter alone in it is a digit misread
_BOX_LOOKALIKE = str.maketrans("OoDQlIiSsBZzG", "0000111558226")


def _boxed_digits(text: str) -> str | None:
    """Twelve digits written one a box (forms CC01, CT01), read cell by cell.

    A box's edge is read as a separator or, glued to the digit inside, as a letter ("o0"): in a
    cell that holds a digit, the letters are the box; a cell with no digit holds one read as a
    letter ("O" for 0). A footnote mark before the boxes ("(2)", "2)") is no cell.
    """
    cells = [c for c in _BOX_EDGE_RE.split(text) if c and "(" not in c and ")" not in c]
    if len(cells) < 8 or sum(len(c) <= 2 for c in cells) < 0.8 * len(cells):
        return None
    digits = "".join(re.sub(r"\D", "", c) or re.sub(r"\D", "", c.translate(_BOX_LOOKALIKE)) for c in cells)
    return digits if len(digits) == 12 else None


def parse_id_number(text: str, *, allow_cmnd: bool = False) -> Parsed:
    """A personal ID number: 12 digits (9 for an old CMND only where allowed).

    Digits split by spaces or boxes are joined; look-alike letters inside digit groups
    (``O``, ``l``, ``B``) are read as digits.

    Args:
        text: the printed value.
        allow_cmnd: accept a 9-digit CMND number (the paper says CMND).

    Returns:
        The number and flags (``cmnd`` for a 9-digit number, ``invalid_id_length``).
    """
    boxed = _boxed_digits(nfc(text))
    if boxed is not None:
        return boxed, ()
    fixed = fix_digits(nfc(text))
    joined = re.sub(r"(?<=\d)[\s.\-|]+(?=\d)", "", fixed)
    runs = re.findall(r"\d+", joined)
    for run in runs:
        if len(run) == 12:
            return run, ()
    for run in runs:
        if len(run) == 9 and allow_cmnd:
            return run, ("cmnd",)
    for run in runs:
        if len(run) == 11 and run[0] != "0":
            return run, (INVALID_ID_LENGTH,)  # the leading zero lost: the repair step may restore it
    if any(len(r) >= 8 for r in runs):
        return None, (INVALID_ID_LENGTH,)
    return None, ()


#: a date and what is left of its label after an address: the next row's field, not the place
_TRAILING_DATE_RE = re.compile(r"(?:\s+[a-z][^\s,]*)?\s+\d{1,2}/\d{1,2}/\d{4}\b.*$", re.DOTALL)


def parse_place(text: str, *, lexicon: bool = True) -> Parsed:
    """An address or place as printed, cleaned, with known place names' diacritics restored."""
    value = clean_text(_TRAILING_DATE_RE.sub("", fix_units(clean_text(drop_junk(clean_text(text))))))
    if not value:
        return None, ()
    return correct_place(value) if lexicon else (value, ())


_COMMA_AS_DOT_RE = re.compile(r"\.\s+(?=[a-zà-ỹđ])")


def parse_text(text: str) -> Parsed:
    """Free text as printed, cleaned, OCR garbage at its end cut off ("tóc. làm" → "tóc, làm")."""
    value = _COMMA_AS_DOT_RE.sub(", ", clean_text(drop_junk(upper_run(clean_text(text)))))
    return (value or None), ()


def parse_nationality(text: str) -> Parsed:
    """``Việt Nam`` (however OCR spelled it) or the printed nationality."""
    value = clean_text(text)
    key = fold_key(value)
    if not key:
        return None, ()
    if key.replace(" ", "") in {"vietnam", "vietnamese", "vn", "viet"} or key.startswith("viet n"):
        return "Việt Nam", ()
    if re.search(r"\bviet ?nam\b", key) and len(key.split()) <= 4:
        return "Việt Nam", ()  # "Nauonaity. Việt Nam": the English label's remains before the value
    return title_case(value), ()


def parse_ethnicity(text: str) -> Parsed:
    """An ethnic group, spelled as the official list spells it where known."""
    value = clean_text(text)
    if not value:
        return None, ()
    first = fold(value)
    for key in sorted(_ETHNIC, key=len, reverse=True):
        if first == key or first.startswith(key + " "):
            return _ETHNIC[key], ()
    return title_case(value.split()[0]), ()


def parse_money(text: str) -> Parsed:
    """An amount in đồng → integer string (``1.500.000.000 đồng`` → ``1500000000``)."""
    s = fix_digits(fold(nfc(text)))
    m = re.search(r"\d[\d.,\s]*", s)
    if not m:
        return None, ()
    raw = re.sub(r"\s+", "", m.group(0)).rstrip(".,")
    tail = s[m.end():]
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+|\d+", raw):
        amount = int(re.sub(r"[.,]", "", raw))
    else:
        return None, ("invalid_number",)
    if re.match(r"\s*ty\b", tail):
        amount *= 1_000_000_000
    elif re.match(r"\s*trieu\b", tail):
        amount *= 1_000_000
    return str(amount), ()


def parse_number(text: str) -> Parsed:
    """A decimal as printed in Vietnam (``1.234,5``) → ``1234.5``."""
    s = fix_digits(nfc(text))
    m = re.search(r"\d[\d.,]*", re.sub(r"(?<=\d)\s+(?=[\d.,])|(?<=[.,])\s+(?=\d)", "", s))
    if not m:
        return None, ()
    raw = m.group(0).rstrip(".,")
    if "," in raw:
        whole, _, frac = raw.rpartition(",")
        whole = whole.replace(".", "").replace(",", "")
        value = f"{whole}.{frac}" if frac else whole
    elif raw.count(".") == 1 and len(raw.split(".")[1]) != 3:
        value = raw
    else:
        value = raw.replace(".", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value, ()


def parse_integer(text: str) -> Parsed:
    """The first whole number in the value."""
    m = re.search(r"\d+", re.sub(r"(?<=\d)\s+(?=\d)", "", fix_digits(nfc(text))))
    return (str(int(m.group(0))) if m else None), ()


def parse_code(text: str) -> Parsed:
    """A registration code or serial (``01A8001234``, ``QH 0012345``): first token with a digit."""
    value = clean_text(text).replace("§", "8")
    tokens = value.split()
    for i, tok in enumerate(tokens):
        if any(ch.isdigit() for ch in tok):
            prefix = tokens[i - 1] if i and re.fullmatch(r"[A-ZĐ]{1,4}", tokens[i - 1]) else ""
            code = (prefix + " " + tok).strip() if prefix else tok
            return code.strip(EDGE_PUNCT), ()
    return None, ()


def parse_phone(text: str) -> Parsed:
    """A phone number as digits only (``+84`` becomes ``0``)."""
    s = fix_digits(nfc(text)).replace("+84", "0")
    digits = re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", s)
    m = re.search(r"\d{9,11}", digits)
    return (m.group(0) if m else None), ()


def parse_year(text: str) -> Parsed:
    """A four-digit year."""
    m = YEAR_RE.search(re.sub(r"(?<=\d)\s+(?=\d)", "", fix_digits(nfc(text))))
    return (m[1] if m else None), ()
