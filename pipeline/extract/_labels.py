"""Finding printed labels in OCR lines, fuzzily, on diacritic-folded text.

OCR drops and swaps diacritics, splits and merges words: labels are compared folded
(``Ngày sinh`` → ``ngay sinh``) with rapidfuzz's ratio over windows of tokens. Exact
matches win over fuzzy ones and longer labels over the shorter labels they contain
(``Họ tên mẹ`` over ``Họ tên``). Short labels (``Số``, ``Tên``, ``Cho``) count only at the
start of a line or right after a ``/``, where a value cannot be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.extract._layout import NUMBERING_RE, Line

_MAX_WINDOW = 9


@dataclass(frozen=True)
class Match:
    """A label found in a line.

    Attributes:
        key: the folded label.
        start: index of its first token in the line.
        end: index after its last token.
        score: rapidfuzz ratio, 0–100.
    """

    key: str
    start: int
    end: int
    score: float


def is_short(key: str) -> bool:
    """A label too short to be told from a word of a value (``Số``, ``Tên``, ``Cho``)."""
    return len(key) <= 4 or (" " not in key and len(key) <= 6)


def _threshold(key: str) -> float:
    if is_short(key):
        return 100.0
    if len(key) <= 9:
        return 87.0
    return 82.0


def _same_edges(text: str, key: str) -> bool:
    """A fuzzy match must begin and end like the label (no label hidden inside a value)."""
    got, want = text.split(), key.split()
    # OCR glues label words ("Nơithường trú"): a glued edge word starts (or ends) with the label's
    first = fuzz.ratio(got[0], want[0]) >= 60 or (len(want[0]) >= 3 and got[0].startswith(want[0]))
    last = fuzz.ratio(got[-1], want[-1]) >= 60 or (len(want[-1]) >= 3 and got[-1].endswith(want[-1]))
    return first and last


class LabelIndex:
    """A set of folded labels that can be searched for in lines.

    Args:
        keys: the labels, folded (``pipeline.lexicon.fold_key``).
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys: tuple[str, ...] = tuple(sorted({k for k in keys if k}))
        self._ntok = np.array([len(k.split()) for k in self.keys])
        self._thresholds = np.array([_threshold(k) for k in self.keys])
        self._glued_keys = {k.replace(" ", ""): k for k in self.keys if k.count(" ") >= 1 and len(k) >= 9}

    def _windows(self, line: Line) -> list[tuple[int, int, str]]:
        toks = line.tokens
        out: list[tuple[int, int, str]] = []
        for i, tok in enumerate(toks):
            if not tok.key or any(ch.isdigit() for ch in tok.key):
                continue
            parts: list[str] = []
            for j in range(i, min(len(toks), i + _MAX_WINDOW)):
                key = toks[j].key
                if any(ch.isdigit() for ch in key):
                    break
                if key:
                    parts.append(key)
                out.append((i, j + 1, " ".join(parts)))
        return out

    def _anchored(self, line: Line, start: int) -> bool:
        # after a "/" only the English half of a bilingual label ("Giới tính/Sex"), not "vợ/chồng"
        tok = line.tokens[start]
        return start <= line.start() or (tok.after_slash and tok.text.isascii())

    def _strongly_opens(self, line: Line, start: int, end: int) -> bool:
        """A short label mid-line: a colon after it and a list number or a gap before it."""
        toks = line.tokens
        colon = toks[end - 1].colon_after or (end < len(toks) and toks[end].text.startswith(":"))
        return colon and self._opens_field(line, start, end, need_colon=False)

    def _opens_field(self, line: Line, start: int, end: int, *, need_colon: bool = True) -> bool:
        """Mid-line, a label needs a sign it starts a field: a colon, a number before it, or a gap."""
        if self._anchored(line, start):
            return True
        toks = line.tokens
        if need_colon and (toks[end - 1].colon_after or (end < len(toks) and toks[end].text.startswith(":"))):
            return True
        prev = toks[start - 1]
        if NUMBERING_RE.match(prev.text):
            return True
        here = toks[start].word
        if prev.word is here:
            return False
        height = max(1, here.box[3] - here.box[1])
        return here.box[0] - prev.word.box[2] >= 1.2 * height

    def _glued(self, line: Line) -> list[Match]:
        """Labels OCR printed as one word ("Nơithườngtú" for "Nơi thường trú"), matched without spaces."""
        out: list[Match] = []
        for i, tok in enumerate(line.tokens):
            if len(tok.key) < 8 or " " in tok.key or any(ch.isdigit() for ch in tok.key):
                continue
            found = process.extractOne(tok.key, list(self._glued_keys), scorer=fuzz.ratio, score_cutoff=88)
            if found is not None and self._opens_field(line, i, i + 1):
                out.append(Match(self._glued_keys[found[0]], i, i + 1, float(found[1]) - 1))
        return out

    def find(self, line: Line) -> list[Match]:
        """The labels in ``line``, non-overlapping, ordered by position.

        Args:
            line: a tokenized OCR line.

        Returns:
            The matches; empty when no label is there.
        """
        windows = self._windows(line)
        if not windows or not self.keys:
            return []
        scores = process.cdist(
            [w[2] for w in windows], self.keys, scorer=fuzz.ratio, score_cutoff=80, workers=1
        )
        candidates: list[Match] = []
        for wi, li in zip(*np.nonzero(scores >= self._thresholds[None, :]), strict=True):
            start, end, text = windows[wi]
            key = self.keys[li]
            if abs(len(text.split()) - int(self._ntok[li])) > 1:
                continue
            if any(t.colon_after for t in line.tokens[start:end - 1]):
                continue  # the label ends at its colon: "Họ và tên: VÕ VĂN …" is not "Họ và tên vợ"
            if is_short(key) and not (self._anchored(line, start) or self._strongly_opens(line, start, end)):
                continue
            if scores[wi, li] < 99 and not _same_edges(text, key):
                continue
            if not self._opens_field(line, start, end):
                continue
            candidates.append(Match(key, start, end, float(scores[wi, li])))
        candidates.extend(self._glued(line))
        candidates.sort(key=lambda m: (m.score < 99, -len(m.key) if m.score >= 99 else -m.score, -len(m.key)))
        taken: list[Match] = []
        for m in candidates:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)
