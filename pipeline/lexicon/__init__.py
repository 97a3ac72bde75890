"""Vietnamese language knowledge: diacritic folding, syllable structure, name and place lexicons."""

from pipeline.lexicon._fold import fold, fold_key, nfc, same_spelling, squash_spaces, strip_tone
from pipeline.lexicon._lexicon import (
    INVALID_SYLLABLE,
    LEXICON_CORRECTED,
    Lexicon,
    correct_name,
    correct_place,
    default_lexicon,
)
from pipeline.lexicon._syllable import is_valid_syllable

__all__ = [
    "INVALID_SYLLABLE",
    "LEXICON_CORRECTED",
    "Lexicon",
    "correct_name",
    "correct_place",
    "default_lexicon",
    "fold",
    "fold_key",
    "is_valid_syllable",
    "nfc",
    "same_spelling",
    "squash_spaces",
    "strip_tone",
]
