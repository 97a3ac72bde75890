"""Name and place lexicons, and the correction that restores diacritics OCR lost or swapped.

Tesseract's ``vie`` model confuses stacked diacritics (``NGUYỄN`` → ``NGUYÊN``). A word is
corrected only where the lexicon leaves one choice: the family-name position looks in the
family-name list, the middle positions in the middle-name list and so on, and a word that
is already a known entry is never touched. Every change is flagged ``lexicon_corrected``;
a word that cannot be a Vietnamese syllable is flagged ``invalid_syllable`` and left alone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.lexicon._fold import fold, nfc
from pipeline.lexicon._syllable import is_valid_syllable

LEXICON_CORRECTED = "lexicon_corrected"
INVALID_SYLLABLE = "invalid_syllable"


def _read_list(name: str) -> tuple[str, ...]:
    text = resources.files("pipeline.lexicon").joinpath("data", name).read_text(encoding="utf-8")
    lines = (nfc(line.strip()) for line in text.splitlines())
    return tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


def _index(words: tuple[str, ...]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for word in words:
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
        return any(word in table.get(key, ()) for table in (self.family, self.middle, self.given))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped in ``pipeline/lexicon/data`` (read once)."""
    return Lexicon(
        family=_index(_read_list("family_names.txt")),
        middle=_index(_read_list("middle_names.txt")),
        given=_index(_read_list("given_names.txt")),
        places=_index(_read_list("places.txt")),
    )


def _tables_for(position: int, count: int, lex: Lexicon) -> list[dict[str, frozenset[str]]]:
    if position == 0:
        return [lex.family]
    if position == count - 1:
        return [lex.given, lex.middle]
    return [lex.middle, lex.given]


def _correct_word(word: str, position: int, count: int, lex: Lexicon) -> tuple[str, str | None]:
    key = fold(word)
    tables = _tables_for(position, count, lex)
    if any(word in table.get(key, ()) for table in tables):
        return word, None
    for table in tables:
        choices = table.get(key, frozenset())
        if len(choices) > 1:  # OCR mistakes tones but seldom invents a circumflex, breve or horn
            choices = frozenset(c for c in choices if _lost_marks_only(word, c))
        if len(choices) == 1:
            return next(iter(choices)), LEXICON_CORRECTED
        if choices:
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


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _quality_marks(ch: str) -> set[str]:
    """Vowel-quality marks of a letter (circumflex, breve, horn, đ's stroke), tone ignored."""
    marks = {c for c in unicodedata.normalize("NFD", ch.lower()) if unicodedata.combining(c) and c not in _TONES}
    if ch.lower() == "đ":
        marks.add("stroke")
    return marks


def _lost_marks_only(printed: str, place: str) -> bool:
    """OCR lost quality marks or mistook the tone, never invented a quality mark (``Dân`` is not ``Đan``)."""
    if len(nfc(printed)) != len(nfc(place)):
        return False
    return all(_quality_marks(p) <= _quality_marks(c) for p, c in zip(nfc(printed), nfc(place), strict=True))


def correct_place(text: str, lexicon: Lexicon | None = None) -> tuple[str, tuple[str, ...]]:
    """Restore diacritics of known place names inside an address.

    Windows of four down to two syllables are looked up by their folded form; a window is
    replaced only when exactly one place has that form, the printed words are not already
    that place, and OCR only lost marks (``Câu Giây`` → ``Cầu Giấy``, never ``Dân Phường`` →
    ``Đan Phượng``). Single syllables are never replaced (too ambiguous).

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
            trail = ""
            last = window[-1]
            while last and not last[-1].isalnum():
                trail, last = last[-1] + trail, last[:-1]
            words = [*window[:-1], last]
            if any(not w.isalpha() or not w[0].isupper() for w in words):
                continue  # place names are capitalized: "thị trấn Phú" is no "Trần Phú"
            printed = " ".join(words)
            choices = lex.places.get(fold(printed), frozenset())
            if len(choices) != 1:
                continue
            place = next(iter(choices))
            if place.lower() != printed.lower() and len(place.split()) == size and _lost_marks_only(printed, place):
                repl = place.split()
                if printed.isupper():
                    repl = [w.upper() for w in repl]
                repl[-1] += trail
                tokens[i:i + size] = repl
                changed = True
            step = size
            break
        i += step
    return " ".join(tokens), ((LEXICON_CORRECTED,) if changed else ())
