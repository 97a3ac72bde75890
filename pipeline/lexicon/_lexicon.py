"""Name and place lexicons, and the correction that restores diacritics OCR lost or swapped.

Tesseract's ``vie`` model confuses stacked diacritics (``NGUYỄN`` → ``NGUYÊN``). A word is
corrected only where the lexicon leaves one choice: the family-name position looks in the
family-name list, the middle positions in the middle-name list and so on, and a word that
is already a known entry (in any placement of its tone mark: ``Thuỳ`` = ``Thùy``) is never
touched. Of several entries of the same folded form, only those OCR could have damaged into
the printed word count (it loses or swaps marks, it does not invent a circumflex, though it
takes a breve for a circumflex and back: ``VẤN`` for ``VĂN``), and of
those the closest spelling wins when it is the only closest one. Every change is flagged
``lexicon_corrected``; a word that cannot be a Vietnamese syllable is flagged
``invalid_syllable`` and left alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.lexicon._fold import fold, nfc, same_spelling
from pipeline.lexicon._syllable import is_valid_syllable

LEXICON_CORRECTED = "lexicon_corrected"
INVALID_SYLLABLE = "invalid_syllable"
#: the place lists: provinces (old and 2025), districts before 2025, wards and communes, streets
PLACE_FILES = ("places_provinces.txt", "places_districts.txt", "places_wards.txt", "places_streets.txt")


def _read_list(name: str) -> tuple[str, ...]:
    """Entries of a data file; a trailing ``*`` marks a preferred spelling (it stays in the entry)."""
    text = resources.files("pipeline.lexicon").joinpath("data", name).read_text(encoding="utf-8")
    lines = (nfc(line.strip()) for line in text.splitlines())
    return tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


def _entry(line: str) -> str:
    return line.rstrip(" *")


@lru_cache(maxsize=1)
def _preferred() -> frozenset[str]:
    """Spellings that win a tie among equally close ones ("Văn" over "Vân" in the middle of a name).

    Marked ``*`` in the data: only where one spelling is far more common than the others of
    its folded form, so a name printed without any diacritics still reads as it almost always is.
    """
    files = ("family_names.txt", "middle_names.txt", "given_names.txt")
    return frozenset(_entry(x) for f in files for x in _read_list(f) if x.endswith("*"))


def _index(words: Iterable[str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in words:
        word = _entry(line)
        out.setdefault(fold(word), set()).add(word)
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True)
class Lexicon:
    """Word lists indexed by their diacritic-folded form.

    Attributes:
        family: family name → spellings (``nguyen`` → {``Nguyễn``}).
        middle: middle name → spellings.
        given: given name → spellings.
        places: place name (any number of syllables) → spellings.
    """

    family: dict[str, frozenset[str]]
    middle: dict[str, frozenset[str]]
    given: dict[str, frozenset[str]]
    places: dict[str, frozenset[str]]

    def known_name_word(self, word: str) -> bool:
        """Whether ``word`` (title case) is an entry of any name list."""
        key = fold(word)
        return any(_known(word, table.get(key, frozenset())) for table in (self.family, self.middle, self.given))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped in ``pipeline/lexicon/data`` (read once)."""
    return Lexicon(
        family=_index(_read_list("family_names.txt")),
        middle=_index(_read_list("middle_names.txt")),
        given=_index(_read_list("given_names.txt")),
        places=_index(w for name in PLACE_FILES for w in _read_list(name)),
    )


def _known(printed: str, choices: Iterable[str]) -> bool:
    return any(same_spelling(printed, c) for c in choices)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
#: OCR mistakes the breve of ă for the circumflex of â and back ("VẤN" for "VĂN"): one hat to it
_HATS = {"\u0306": "\u0302"}


def _quality_marks(ch: str) -> set[str]:
    """Vowel-quality marks of a letter (circumflex or breve, horn, đ's stroke), tone ignored."""
    marks = {_HATS.get(c, c) for c in unicodedata.normalize("NFD", ch.lower())
             if unicodedata.combining(c) and c not in _TONES}
    if ch.lower() == "đ":
        marks.add("stroke")
    return marks


def _lost_marks_only(printed: str, entry: str) -> bool:
    """OCR lost quality marks or mistook the tone, never invented a quality mark (``Dân`` is not ``Đan``)."""
    if len(nfc(printed)) != len(nfc(entry)):
        return False
    return all(_quality_marks(p) <= _quality_marks(c) for p, c in zip(nfc(printed), nfc(entry), strict=True))


def _distance(printed: str, entry: str) -> int:
    return sum(p != c for p, c in zip(nfc(printed).lower(), nfc(entry).lower(), strict=True))


def choose(printed: str, choices: Iterable[str]) -> str | None:
    """The one entry among ``choices`` (same folded form) that OCR could have read as ``printed``.

    Args:
        printed: the word(s) as read.
        choices: lexicon entries with the same folded form.

    Returns:
        The entry, or ``None`` when none fits or several fit equally well.
    """
    fits = [c for c in choices if _lost_marks_only(printed, c)]
    if len(fits) <= 1:
        return fits[0] if fits else None
    best = min(_distance(printed, c) for c in fits)
    closest = [c for c in fits if _distance(printed, c) == best]
    if len(closest) > 1:
        closest = [c for c in closest if c in _preferred()]
    return closest[0] if len(closest) == 1 else None


def _tables_for(position: int, count: int, lex: Lexicon) -> list[dict[str, frozenset[str]]]:
    if position == 0:
        return [lex.family]
    if position == count - 1:
        return [lex.given, lex.middle]
    return [lex.middle, lex.given]


def _correct_word(word: str, position: int, count: int, lex: Lexicon) -> tuple[str, str | None]:
    key = fold(word)
    for table in _tables_for(position, count, lex):  # the list of the position decides first
        choices = table.get(key, frozenset())
        if choices:
            if _known(word, choices):
                return word, None
            picked = choose(word, choices)
            if picked is not None:
                return picked, LEXICON_CORRECTED
            break  # ambiguous in its own position: leave it to the officer
    if not is_valid_syllable(word):
        return word, INVALID_SYLLABLE
    return word, None


def correct_name(name: str, lexicon: Lexicon | None = None) -> tuple[str, tuple[str, ...]]:
    """Restore diacritics of a title-cased full name where the lexicon is unambiguous.

    Args:
        name: a full name in title case (``Nguyên Văn An``).
        lexicon: the word lists; ``None`` uses the shipped one.

    Returns:
        The name, possibly corrected, and its flags (``lexicon_corrected``,
        ``invalid_syllable``), each at most once.
    """
    lex = lexicon or default_lexicon()
    words = name.split()
    flags: list[str] = []
    out: list[str] = []
    for i, word in enumerate(words):
        fixed, flag = _correct_word(word, i, len(words), lex)
        out.append(fixed)
        if flag and flag not in flags:
            flags.append(flag)
    return " ".join(out), tuple(flags)


#: words that name an administrative unit before a place name; a place is not looked up from them
_UNIT_WORDS = frozenset(("tỉnh", "huyện", "quận", "phường", "xã", "thôn", "xóm", "ấp", "bản", "tổ", "số", "đường",
                         "phố", "ngõ", "ngách", "hẻm", "khu", "buôn", "làng", "khóm", "khối"))
_UNIT_PAIRS = frozenset(("thành phố", "thị xã", "thị trấn", "tổ dân phố", "khu phố"))


def _unit_word(word: str, nxt: str) -> bool:
    pair = f"{word} {nxt}".lower()
    return any(same_spelling(word, u) for u in _UNIT_WORDS) or any(same_spelling(pair, u) for u in _UNIT_PAIRS)


def _split_trail(word: str) -> tuple[str, str]:
    trail = ""
    while word and not word[-1].isalnum():
        trail, word = word[-1] + trail, word[:-1]
    return word, trail


def correct_place(text: str, lexicon: Lexicon | None = None) -> tuple[str, tuple[str, ...]]:
    """Restore diacritics of known place names inside an address.

    Windows of four down to two syllables are looked up by their folded form; a window is
    replaced only when one place of that form fits what OCR read (see :func:`choose`), the
    printed words are not already that place, and OCR only lost marks (``Câu Giây`` →
    ``Cầu Giấy``, never ``Dân Phường`` → ``Đan Phượng``). Single syllables are never
    replaced (too ambiguous).

    Args:
        text: an address or place as read.
        lexicon: the word lists; ``None`` uses the shipped one.

    Returns:
        The text, possibly corrected, and ``("lexicon_corrected",)`` when something changed.
    """
    lex = lexicon or default_lexicon()
    tokens = text.split()
    changed = False
    i = 0
    while i < len(tokens):
        step = 1
        for size in (4, 3, 2):
            window = tokens[i:i + size]
            if len(window) < size:
                continue
            last, trail = _split_trail(window[-1])
            words = [*window[:-1], last]
            if any(not w.isalpha() or not w[0].isupper() for w in words):
                continue  # place names are capitalized: "thị trấn Phú" is no "Trần Phú"
            printed = " ".join(words)
            if _unit_word(words[0], words[1]):
                break  # "Tỉnh Gia Lai" is the province Gia Lai, not "Tĩnh Gia …"
            choices = lex.places.get(fold(printed), frozenset())
            if not choices:
                continue
            step = size
            if _known(printed, choices):
                break
            place = choose(printed, choices)
            if place is not None and len(place.split()) == size:
                repl = place.split()
                if printed.isupper():
                    repl = [w.upper() for w in repl]
                repl[-1] += trail
                tokens[i:i + size] = repl
                changed = True
            break
        i += step
    return " ".join(tokens), ((LEXICON_CORRECTED,) if changed else ())
