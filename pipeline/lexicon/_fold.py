"""Diacritic folding and light normalization of Vietnamese text, for matching, never for output."""

from __future__ import annotations

import re
import unicodedata

_COMBINING_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_PUNCT_RE = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """The NFC form of ``text`` (tesseract and PDFs may emit decomposed marks)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ``text`` and drop every diacritic (``Nguyễn Văn Đức`` → ``nguyen van duc``).

    Args:
        text: any Unicode text.

    Returns:
        ASCII-only lower-case text of the same word structure (length may differ slightly).
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "d")


def strip_tone(text: str) -> str:
    """Drop the five tone marks but keep vowel quality (``Nguyễn`` → ``Nguyên``, ``Đức`` → ``Đưc``).

    Args:
        text: any Unicode text.

    Returns:
        NFC text without tone marks.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return nfc("".join(ch for ch in decomposed if ch not in _COMBINING_TONES))


def tone_of(syllable: str) -> str:
    """The tone mark of a syllable as its combining character, or ``""`` for the level tone."""
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _COMBINING_TONES:
            return ch
    return ""


def same_spelling(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same words, ignoring case and where the tone mark sits.

    ``Hoà`` and ``Hòa``, ``Thuỳ`` and ``Thùy`` are two placements of one spelling (old and new
    style); ``Hòa`` and ``Hóa`` are not.
    """
    wa, wb = nfc(a).lower().split(), nfc(b).lower().split()
    return len(wa) == len(wb) and all(
        strip_tone(x) == strip_tone(y) and tone_of(x) == tone_of(y) for x, y in zip(wa, wb, strict=True))


def fold_key(text: str) -> str:
    """Folded text with punctuation removed and spaces collapsed: a key for fuzzy lookups."""
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", fold(text)).replace("_", " ")).strip()


def squash_spaces(text: str) -> str:
    """Collapse runs of white space into one space and trim the ends."""
    return _SPACE_RE.sub(" ", text).strip()
