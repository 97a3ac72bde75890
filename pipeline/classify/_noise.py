"""Simulated OCR damage on clean text, so the classifier learns text as tesseract reads it.

What tesseract's ``vie`` model does to scans: drops or swaps diacritics (stacked ones
first), reads l/1/I and O/0 for each other, splits and merges words, loses short lines,
and adds specks of garbage where stamps and signatures are.
"""

from __future__ import annotations

import random
import unicodedata

from pipeline.lexicon import fold, strip_tone

_LOOKALIKE = {"l": "1", "1": "l", "I": "l", "O": "0", "0": "O", "o": "0", "rn": "m", "m": "rn", "e": "c",
              "c": "e", "u": "ii", "h": "b", "5": "S", "8": "B", "đ": "d", "Đ": "D"}
_GARBAGE = ("|", "—", "~", "’", "..", "_", "ï", "%", ";", "«", "Ÿ", "ừ", "=")


def _damage_word(word: str, rng: random.Random, level: float) -> str:
    r = rng.random()
    if r < 0.12 * level:
        return fold(word) if word.islower() else fold(word).upper() if word.isupper() else fold(word).title()
    if r < 0.24 * level:
        return strip_tone(word)
    if r < 0.30 * level and len(word) > 1:
        i = rng.randrange(len(word))
        ch = word[i]
        base = unicodedata.normalize("NFD", ch)[0]
        return word[:i] + _LOOKALIKE.get(ch, _LOOKALIKE.get(base, ch)) + word[i + 1:]
    if r < 0.33 * level and len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + " " + word[i:]
    if r < 0.35 * level and len(word) > 2:
        i = rng.randrange(len(word))
        return word[:i] + word[i + 1:]
    return word


def ocr_noise(text: str, rng: random.Random, *, level: float = 1.0) -> str:
    """``text`` as a poor scan might read.

    Args:
        text: clean text, lines separated by newlines.
        rng: the random source (seeded by the caller for reproducibility).
        level: 0 (clean) to about 3 (a bad phone photo).

    Returns:
        The damaged text.
    """
    out_lines: list[str] = []
    for line in text.splitlines():
        if rng.random() < 0.05 * level:
            continue
        words = [_damage_word(w, rng, level) for w in line.split()]
        merged: list[str] = []
        for w in words:
            if merged and rng.random() < 0.03 * level:
                merged[-1] += w
            else:
                merged.append(w)
        if rng.random() < 0.08 * level:
            merged.insert(rng.randrange(len(merged) + 1), rng.choice(_GARBAGE))
        out_lines.append(" ".join(merged))
    return "\n".join(out_lines)
