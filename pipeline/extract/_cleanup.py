"""Cleaning OCR'd values: leaders, specks and garbage cut off, address and agency words repaired.

These helpers change only what OCR is known to do to printed text (dotted leaders read as
letters, a comma read as a period, "Huyện" read as "Huyên"); they never invent a word.
"""

from __future__ import annotations

import re

from pipeline.lexicon import default_lexicon, fold, is_valid_syllable, nfc, same_spelling, squash_spaces

_LEADERS_RE = re.compile(r"[.…_·]{2,}|…")
#: a dot between two letters of one OCR word ("Trực.Ninh,.huyện"): what is left of a dotted leader a value was
#: written over, when there are several in the word ("TP.HCM" has one and stays)
_INNER_DOT_RE = re.compile(r"(?<=[^\W\d_])(,?)\.(?=[^\W\d_])")
EDGE_PUNCT = " \t:;,.-–—_|/\\*•·…\"'“”()[]"


def _unglue(word: str) -> str:
    return _INNER_DOT_RE.sub(lambda m: m.group(1) + " ", word) if len(_INNER_DOT_RE.findall(word)) >= 2 else word


def clean_text(text: str) -> str:
    """Text without dotted leaders, edge punctuation or doubled spaces (NFC)."""
    text = _LEADERS_RE.sub(" ", " ".join(_unglue(w) for w in nfc(text).split(" ")))
    return squash_spaces(text).strip(EDGE_PUNCT).strip()


def _is_junk(word: str) -> bool:
    core = word.strip(",.;:()-/")
    if not core:
        return len(word) >= 2  # "--", "-:-": leaders and rules read as text
    if any(ch.isdigit() for ch in core):
        return not re.fullmatch(r"[0-9A-Za-z]{0,3}\d+[0-9/\-A-Za-z]{0,8}", core)
    if not core.replace("'", "").isalpha():
        return True
    if len(core) > 1 and not (core.islower() or core.istitle() or core.isupper()):
        return True
    if core.istitle() and len(core) > 1:
        return False  # minority place names are no Vietnamese syllables: "Buôn Ea Kmăt", "Cư Jút"
    return not is_valid_syllable(core)


def _speck_between(words: list[str], i: int) -> bool:
    """A cluster of symbols, or one lower-case letter, standing between two capitalized words."""
    w = words[i]
    if not 0 < i < len(words) - 1 or w in {"-", "–"}:
        return False
    letter = len(w) == 1 and w.islower() and w.isalpha()
    if not letter and (any(ch.isalnum() for ch in w) or len(w) > 4):
        return False
    before, after = words[i - 1].rstrip(",."), words[i + 1].rstrip(",.")
    if letter:
        return before[:1].isupper() and after[:1].isupper() and before.isalpha() and after.isalpha()
    return before.isalpha() and after.isalpha()


def drop_junk(text: str) -> str:
    """Cut the value where OCR garbage starts: a junk word with another among the next three.

    Lone specks (``+``, ``|``) are dropped wherever they stand, a short cluster of symbols
    between two words ("Thái -“* Bình": a stamp's edge) too, and so is a run of one repeated
    digit at the end (``22222``: a dotted leader read as digits).
    """
    words = [w for w in text.split() if not (len(w) == 1 and not w.isalnum() and w not in "-–")]
    words = [w for i, w in enumerate(words) if not _speck_between(words, i)]
    while words and re.fullmatch(r"(\d)\1{3,}", words[-1]):
        words.pop()
    junk = [_is_junk(w) for w in words]
    for i in range(len(words)):
        if junk[i] and sum(junk[i:i + 4]) >= 2:
            return " ".join(words[:i])
    if len(words) > 2 and junk[-1]:
        words = words[:-1]
    return " ".join(words)


#: address words whose folded form is unambiguous in an address: OCR's diacritic slips are undone
_ADDRESS_WORDS = {fold(w): w for w in (
    "tỉnh", "huyện", "phường", "quận", "xã", "thị xã", "thị trấn", "thành phố", "thôn", "xóm", "ấp", "bản",
    "tổ", "tổ dân phố", "khu phố", "khu vực", "số nhà", "ngõ", "ngách", "hẻm", "đường", "phố", "bệnh viện",
    "đa khoa", "trạm Y tế", "trung tâm Y tế", "nhà hộ sinh", "tại nhà", "khu đô thị", "chung cư",
)}
_UNIT_AFTER_DOT_RE = re.compile(
    r"\.\s+(?=(xã|huyện|tỉnh|phường|quận|thành phố|thị xã|thị trấn|ấp|thôn|xóm|đường|phố|ngõ|hẻm|tổ|khu)\b)",
    re.IGNORECASE)
#: "Sóc Trăng., Tỉnh": a speck read as a dot before the comma
_DOT_COMMA_RE = re.compile(r"[.,]+,")
#: "Tỉnh, Phú Thọ": a unit word is never followed by a comma before its name
_COMMA_AFTER_UNIT_RE = re.compile(
    r"\b((?:[Tt]ỉnh|[Hh]uyện|[Qq]uận|[Pp]hường|[Xx]ã|[Tt]hị xã|[Tt]hị trấn|[Tt]hành phố)),\s+(?=[A-ZĐÀ-Ỹ0-9])")
_STRAY_DOT_RE = re.compile(r"(?<=[a-zà-ỹ])\.\s+(?=[A-ZĐÀ-Ỹ][a-zà-ỹ])")
_MISSING_COMMA_RE = re.compile(
    r"(?<=[a-zà-ỹ0-9])\s+(?=(Phường|Xã|Quận|Huyện|Tỉnh|Thành phố|Thị xã|Thị trấn)\s+[A-ZĐÀ-Ỹ0-9])")
#: a capitalized street or village unit after a house number opens a new part: "Số nhà 98, Phố …"
_COMMA_AFTER_NUMBER_RE = re.compile(r"(?<=\d)\s+(?=(Phố|Đường|Ngõ|Ngách|Hẻm|Thôn|Xóm|Ấp|Tổ|Khu phố)\s+[A-ZĐÀ-Ỹ0-9])")
#: institutions named after their unit ("Trạm Y tế Phường 7"): no comma between the two
_INSTITUTION_RE = re.compile(r"(trạm y tế|bệnh viện|nhà hộ sinh|ủy ban nhân dân|ubnd|công an|trung tâm y tế)$",
                             re.IGNORECASE)


def _add_commas(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return m.group(0) if _INSTITUTION_RE.search(text[:m.start()]) else ", "

    return _COMMA_AFTER_NUMBER_RE.sub(", ", _MISSING_COMMA_RE.sub(repl, text))

def _styled(fixed: str, like: str) -> str:
    if like.isupper() and (len(like) > 1 or len(like.split()) > 1):
        return fixed.upper()
    return fixed[0].upper() + fixed[1:] if like[:1].isupper() else fixed


#: words of agency names (headers, signatures) OCR tends to damage
_AGENCY_WORDS = {fold(w): w for w in (
    "ủy ban nhân dân", "hội đồng nhân dân", "công an", "phòng tư pháp", "tư pháp", "sở tư pháp",
    "giáo dục và đào tạo", "tài nguyên và môi trường", "tài chính - kế hoạch", "tài chính kế hoạch",
    "trung tâm", "lý lịch tư pháp", "quốc gia", "phường", "xã", "thị trấn", "quận", "huyện", "tỉnh",
    "thành phố", "thị xã", "trường đại học", "trường cao đẳng", "đại học", "cao đẳng", "văn phòng đăng ký đất đai",
    "cục cảnh sát", "quản lý hành chính về trật tự xã hội", "bộ công an", "nông nghiệp và môi trường",
    "sở", "bộ", "cục", "chi cục", "phòng", "kinh tế", "hạ tầng", "đô thị", "y tế",
)}


def fix_agency(text: str) -> str:
    """An agency name with OCR's slips in its standard words undone ("ỦY BẠN NHÂN DẪN" → "ỦY BAN NHÂN DÂN")."""
    fixed = _fix_address_words(text, _AGENCY_WORDS, anywhere=True)
    letters = [ch for ch in fixed if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) / len(letters) > 0.5:
        fixed = fixed.upper()  # headers are printed in capitals: a lower-case letter is an OCR slip
    return fixed


def fix_words(text: str, vocabulary: dict[str, str] | None = None) -> str:
    """Replace words whose folded form is in ``vocabulary`` by its spelling, keeping the printed case.

    Multi-word phrases are replaced anywhere; a single word only where a new part begins
    (first, after a comma or a number), so "Bình Dương" never becomes "Bình Đường".
    """
    return _fix_address_words(text, vocabulary)


def _fix_address_words(text: str, vocabulary: dict[str, str] | None = None, *, anywhere: bool = False) -> str:
    """"Huyên Mai Sơn" → "Huyện Mai Sơn", "Thánh phổ" → "Thành phố": unambiguous address words only."""
    vocab = _ADDRESS_WORDS if vocabulary is None else vocabulary
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (7, 6, 5, 4, 3, 2, 1):
            window = words[i:i + n]
            if len(window) < n or any(not w.strip(",.;:").isalpha() for w in window[:-1]):
                continue
            tail = window[-1][len(window[-1].rstrip(",.;:")):]
            key = fold(" ".join([*window[:-1], window[-1].rstrip(",.;:")]))
            # a single word only where a unit word stands: first, after a comma or a number
            starts_part = i == 0 or words[i - 1].endswith(",") or any(ch.isdigit() for ch in words[i - 1])
            # or a lower-case unit word before a capitalized name: "tính Lạng Sơn"
            nxt = words[i + n] if i + n < len(words) else ""
            starts_part = anywhere or starts_part or (window[0].islower() and nxt[:1].isupper())
            if (key in vocab and all(w.rstrip(",.;:").isalpha() for w in window) and (n > 1 or starts_part)
                    and (n > 1 or anywhere or (i == 0 and key in _VILLAGE_UNITS)
                         or _is_unit_word(window[0].rstrip(",.;:"), vocab[key], words[i + 1:]))):
                out.append(_styled(vocab[key], " ".join(window).rstrip(",.;:")) + tail)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


#: units an address starts with ("Thỏn Thượng" is "Thôn Thượng"): first in a value, they are units
_VILLAGE_UNITS = {"thon", "xom", "ap", "to", "khu", "so", "so nha", "duong", "pho", "ngo", "hem"}


def _known_place(words: list[str]) -> bool:
    """Whether the capitalized words up to the next comma (one to four) are a place the lexicon knows."""
    name: list[str] = []
    for w in words[:4]:
        core = w.rstrip(",.;:")
        if not core.isalpha() or not core[:1].isupper():
            break
        name.append(core)
        if w.endswith(","):
            break
    places = default_lexicon().places
    return any(fold(" ".join(name[:k])) in places for k in range(len(name), 0, -1) if k > 1 or len(name) == 1)


def _is_unit_word(printed: str, unit: str, after: list[str]) -> bool:
    """Whether a single word that reads like a unit word ("Tính", "Huyên") is one, not part of a name.

    "Tịnh Khê" is a commune, not "Tỉnh Khê": a word that starts a known place stays; one
    before a known place is the unit; otherwise only a word without diacritics or one that
    is no syllable at all ("Phuờng") is taken for the unit.
    """
    if same_spelling(printed, unit) or not after or after[0][:1].isdigit():
        return True
    if _known_place([printed, *after]):
        return False
    if _known_place(after):
        return True
    return printed.isascii() or not is_valid_syllable(printed)


#: "Xóm II," "Số nhà II,": eleven read as two capital i's after a numbered unit
_ELEVEN_RE = re.compile(r"\b(xóm|thôn|tổ|số nhà|số|ngõ|ngách|hẻm|phường|quận|khu phố|ấp) [Il|]{2}(?=[,\s/]|$)",
                        re.IGNORECASE)


#: "Phường I2": a one read as a capital i before a digit
#: "I09, Ngõ 213": a house number whose one was read as a capital i (the token is otherwise digits)
_LONE_NUMBER_RE = re.compile(r"(?<!\S)[Il|](\d[\d/.\-]*,?)(?!\S)")
_ONE_DIGIT_RE = re.compile(r"\b(xóm|thôn|tổ|số nhà|số|ngõ|ngách|hẻm|phường|quận|khu phố|ấp) [Il|](\d)", re.IGNORECASE)


def fix_units(text: str) -> str:
    """Address words and separators OCR damaged ("Tinh Sóc Trăng", "Thôn 5. xã", "Hợp Thành Huyện")."""
    text = _ELEVEN_RE.sub(r"\1 11", _STRAY_DOT_RE.sub(" ", _UNIT_AFTER_DOT_RE.sub(", ", text)))
    text = _ONE_DIGIT_RE.sub(r"\1 1\2", text)
    text = _LONE_NUMBER_RE.sub(r"1\1", text)
    text = _add_commas(_fix_address_words(text))
    text = _COMMA_AFTER_UNIT_RE.sub(r"\1 ", _DOT_COMMA_RE.sub(",", text))
    return _comma_before_lower_units(text)


_COMPOUND_UNITS = {"thanh pho", "thi xa", "thi tran"}
_SIMPLE_UNITS = {"phuong", "xa", "quan", "huyen", "tinh"}


def _comma_before_lower_units(text: str) -> str:
    """"Phường Hòa Khánh thị xã Trảng Bàng" → "Phường Hòa Khánh, thị xã Trảng Bàng"."""
    words = text.split()
    out: list[str] = []
    for i, w in enumerate(words):
        prev = out[-1] if out else ""
        compound = fold(" ".join(words[i:i + 2])) in _COMPOUND_UNITS
        span = 2 if compound else 1
        unit = compound or fold(w) in _SIMPLE_UNITS
        nxt = words[i + span] if i + span < len(words) else ""
        after_name = bool(prev) and (prev[:1].isupper() or prev[:1].isdigit()) and not prev.endswith((",", "-"))
        if unit and w.islower() and after_name and nxt[:1].isupper() and fold(prev) != "thi":
            out[-1] = prev + ","
        out.append(w)
    return " ".join(out)


def upper_run(text: str) -> str:
    """An upper-case value (a business name) ends where lower-case words begin."""
    words = text.split()
    if len(words) >= 2 and all(w.isupper() for w in words[:2]):
        for i, w in enumerate(words):
            if any(ch.islower() for ch in w):
                return " ".join(words[:i])
    return text
