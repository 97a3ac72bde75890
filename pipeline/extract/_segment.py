"""From labelled lines to raw field candidates: which text is the value of which field.

A line is cut at every label found in it (labels of every type, so a label of another field
ends a value); a label with nothing after it takes its value from the rows below it, in its
own column (a card prints "Có giá trị đến:" above "Date of expiry" above the date, left of
the other fields); values of addresses and free text wrap onto the next rows. Section headers
(``Người mẹ``, columns ``Chồng`` / ``Vợ``) decide which of several fields sharing a label a
value belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeSpec, FieldSpec, ValueKind
from pipeline.extract._labels import Match, is_short
from pipeline.extract._labelset import chains, global_index, label_fields
from pipeline.extract._layout import GARBLED_RE, NUMBERING_RE, Line, Token, tokens_text
from pipeline.extract._sections import Sections
from pipeline.extract._values import (
    continues,
    height_of,
    in_span,
    is_structural,
    skip_parenthetical,
    text_right,
    until_gap,
)
from pipeline.lexicon import fold_key

_YEAR_RE = re.compile(r"\d{4}")
_ID_DIGITS_RE = re.compile(r"\d{8}")  # enough digits to be (most of) an ID number
_CONTINUED_KINDS = {ValueKind.PLACE, ValueKind.TEXT}
#: kinds whose grammar tells a value from garbage: a failed parse may be retried on the rows below
_STRICT_KINDS = {ValueKind.ID_NUMBER, ValueKind.DATE, ValueKind.NAME}
#: how far left of its label a wrapped value or a value below may start, in text heights
_LEFT_SLACK = 1.5


@dataclass(frozen=True)
class Candidate:
    """Raw text found for a field, before parsing.

    Attributes:
        field: the field name.
        tokens: the value's tokens (may span two or three lines).
        order: position in the document, for "first one wins".
    """

    field: str
    tokens: tuple[Token, ...]
    order: int

    @property
    def text(self) -> str:
        return tokens_text(self.tokens)


def _keyed(tokens: Sequence[Token]) -> bool:
    return any(t.key for t in tokens)


class _Segmenter:
    """One pass over a paper's lines, top to bottom, collecting candidates in :attr:`out`."""

    def __init__(self, spec: DocTypeSpec, lines: Sequence[Line], skip: frozenset[int]) -> None:
        self.spec = spec
        self.lines = lines
        index = global_index()
        self.by_label: dict[str, list[FieldSpec]] = {}
        for f in spec.fields:
            for label in f.labels:
                self.by_label.setdefault(fold_key(label), []).append(f)
        # a short label of another type ("Số" of an ID card) is a word of this paper ("Số 281 Đường …")
        self.matches = [[] if i in skip else [m for m in index.find(line) if self._counts(m.key)]
                        for i, line in enumerate(lines)]
        self.sections = Sections(spec)
        self.page_right = text_right(lines)
        self.seen: set[str] = set()
        self.out: list[Candidate] = []

    def _counts(self, key: str) -> bool:
        return not is_short(key) or key in self.by_label or not label_fields().get(key)

    def _resolve(self, chain: list[Match], line: Line, section: str | bool | None = False) -> FieldSpec | None:
        if section is False:
            section = self.sections.at(line.tokens[chain[0].start].word.box[0], line.width)
        for m in chain:
            cands = self.by_label.get(m.key, [])
            if not cands:
                continue
            same = [f for f in cands if f.section == section]
            if same:
                return same[0]
            if section is not None:
                anywhere = [f for f in cands if f.anywhere]
                if anywhere:
                    return anywhere[0]
            if len(cands) == 1 and cands[0].section is not None:
                return cands[0]
            if section is None and all(f.section for f in cands):
                fresh = [f for f in cands if f.name not in self.seen]
                return fresh[0] if fresh else None
        return None

    # -- where a value lies ------------------------------------------------------------------

    def _left(self, line: Line, row_chains: list[list[Match]], c: int) -> int:
        """The left edge of chain ``c``'s column: its label, or the first label of a row of fields.

        A label right after another label's value ("Giới tính: Nam Quốc tịch: …") shares the
        row's column; one after a label with no value on the row (the card's "Có giá trị đến:"
        beside "Quê quán: …") starts a column of its own.
        """
        k = c
        while k > 0 and _keyed(line.tokens[row_chains[k - 1][-1].end:row_chains[k][0].start]):
            k -= 1
        start = row_chains[k][0].start
        while start > 0 and (NUMBERING_RE.match(line.tokens[start - 1].text) or GARBLED_RE.match(
                line.tokens[start - 1].text)):
            start -= 1  # "2. Địa điểm …", "C9 giá trị đến": a wrapped value starts under the number
        return line.tokens[start].word.box[0] - int(_LEFT_SLACK * height_of(line.tokens))

    def _same_field(self, key: str, spec: FieldSpec | None) -> bool:
        return spec is not None and any(f.name == spec.name for f in self.by_label.get(key, []))

    def _below(self, i: int, spec: FieldSpec | None, left: int, right: int | None) -> tuple[list[Token], int]:
        """The value printed under a label (rows ``i+1``, ``i+2``), in the span ``[left, right)``.

        The other half of a bilingual label ("Date of expiry" under "Có giá trị đến") is stepped
        over; a label of another field ends the search.

        Returns:
            The value's tokens and the index of the row they are on (``i`` when none).
        """
        for j in (i + 1, i + 2):
            if j >= len(self.lines) or self.lines[j].page != self.lines[i].page:
                break
            row = self.lines[j]
            if self.sections.opens(row):
                break
            idx = [k for k, t in enumerate(row.tokens)
                   if t.word.box[0] >= left and (right is None or t.word.box[0] < right)]
            found = self.matches[j]
            own = [m for m in found if m.start in idx]
            if own and self._same_field(own[0].key, spec):
                # the other half of the label ("Date of expiry") is stepped over; a labelled row speaks for itself
                if _keyed([row.tokens[k] for k in idx if k >= own[0].end]):
                    break
                continue
            first_label = found[0].start if found else len(row.tokens)
            toks = [row.tokens[k] for k in idx if k < first_label]  # what follows a label is that label's
            if _keyed(toks):
                return toks, j
            break
        return [], i

    def _continuation(self, i: int, value: list[Token], left: int) -> list[Token]:
        """``value`` with the rows below that carry it on (their part right of ``left``).

        A row right below that holds only a label of the column beside (a card's "Có giá trị
        đến" under the photo) is stepped over: the value may wrap past it.
        """
        out = list(value)
        prev = self.lines[i]
        taken = 0
        for j in range(i + 1, min(i + 4, len(self.lines))):
            line = self.lines[j]
            if line.page != prev.page or self.sections.opens(line) or taken == 2:
                break
            if any(line.tokens[m.start].word.box[0] >= left for m in self.matches[j]):
                break  # a label in the value's column: the next field
            row = in_span(line.tokens, left)
            if not row and self.matches[j] and j == i + 1:
                continue  # only the column beside on this row (a card's "Có giá trị đến" under the photo)
            wrapped = prev.right >= 0.85 * self.page_right.get(prev.page, prev.right)
            if is_structural(line) or not continues(out, row, line, wrapped=wrapped):
                break
            out.extend(row)
            prev, taken = line, taken + 1
        return out

    def _emit(self, spec: FieldSpec | None, value: list[Token]) -> None:
        value = until_gap(value)
        while value and NUMBERING_RE.match(value[-1].text):
            value.pop()  # "… 3." : the number belongs to the next label
        if spec is None or not _keyed(value):
            return
        self.seen.add(spec.name)
        self.out.append(Candidate(spec.name, tuple(value), len(self.out)))

    def _names_someone_else(self, skipped: Sequence[Token]) -> bool:
        """"Họ, chữ đệm và tên chủ hộ:" on a paper about someone else than the household head."""
        key = " ".join(t.key for t in skipped if t.key)
        return bool(key) and any(fuzz.ratio(key, fold_key(o)) >= 85 for o in self.spec.others)

    # -- one row ------------------------------------------------------------------------------

    def _plain(self, i: int, line: Line, row_chains: list[list[Match]]) -> None:
        for c, chain in enumerate(row_chains):
            last = c + 1 == len(row_chains)
            end = len(line.tokens) if last else row_chains[c + 1][0].start
            raw = line.tokens[chain[-1].end:end]
            value = list(skip_parenthetical(raw))
            qualifier = raw[:len(raw) - len(value)]
            if self._names_someone_else(qualifier):
                continue
            spec = self._resolve(chain, line, section=self.sections.qualified(qualifier))
            left = self._left(line, row_chains, c)
            right = None if last else line.tokens[row_chains[c + 1][0].start].word.box[0]
            row = i
            if not _keyed(value):
                value, row = self._below(i, spec, left, right)
            if spec is not None and spec.kind in _CONTINUED_KINDS and (row > i or last):
                value = self._continuation(row, value, left)
            self._emit(spec, value)
            if spec is not None and spec.kind in _STRICT_KINDS and row == i and last:
                # if the row held garbage the rows below may not: under the label first, then the whole row
                start = next((t.word.box[0] for t in value if t.key), None)
                wide, _ = self._below(i, spec, left, None)
                self._emit(spec, wide or self._below(i, spec, left, start)[0])

    def _next_in_column(self, i: int, column: int) -> list[Token]:
        if i + 1 >= len(self.lines):
            return []
        nxt = self.lines[i + 1]
        if nxt.page != self.lines[i].page or self.sections.opens(nxt):
            return []
        found = [m for m in self.matches[i + 1] if self.sections.col(nxt.tokens[m.start]) == column]
        end = found[0].start if found else len(nxt.tokens)
        return [t for t in nxt.tokens[:end] if self.sections.col(t) == column]

    def _name_wrap(self, i: int, column: int) -> list[Token]:
        """An upper-case name wrapped to the next row of its column (one or two words)."""
        if i + 1 >= len(self.lines) or any(self.sections.col(self.lines[i + 1].tokens[m.start]) == column
                                           for m in self.matches[i + 1]):
            return []
        nxt = self.lines[i + 1]
        toks = [t for t in nxt.tokens if self.sections.col(t) == column]
        alone = not self.matches[i + 1] and len(toks) == len(nxt.tokens)  # nothing else on that row
        if 0 < len(toks) <= 2 and all(t.text.isalpha() and (t.text.isupper() or (alone and t.text.istitle()))
                                      for t in toks):
            return toks
        return []

    def _columns(self, i: int, line: Line, row_chains: list[list[Match]]) -> None:
        """A row of a two-column paper (husband | wife): each column's value goes to its own field."""
        col = self.sections.col
        chain_cols = [col(line.tokens[ch[0].start]) for ch in row_chains]
        for k, (_, section) in enumerate(self.sections.columns):
            own = [c for c, cc in enumerate(chain_cols) if cc == k]
            if own:
                pairs = []
                for c in own:
                    end = row_chains[c + 1][0].start if c + 1 < len(row_chains) else len(line.tokens)
                    pairs.append((row_chains[c], [t for t in line.tokens[row_chains[c][-1].end:end] if col(t) == k]))
            elif row_chains:
                pairs = [(row_chains[0], [t for t in line.tokens[row_chains[0][-1].end:] if col(t) == k])]
            else:
                continue
            for chain, toks in pairs:
                spec = self._resolve(chain, line, section=section)
                if spec is not None and spec.anywhere:
                    if k:
                        continue  # a row-wide field (registration date) is read once, from its label
                    c = row_chains.index(chain)
                    stop = row_chains[c + 1][0].start if c + 1 < len(row_chains) else None
                    toks = list(line.tokens[chain[-1].end:stop])
                value = list(skip_parenthetical(toks))
                if not _keyed(value):
                    value = self._next_in_column(i, k)
                if spec is not None and spec.kind is ValueKind.NAME:
                    value += self._name_wrap(i, k)
                if spec is not None and spec.kind is ValueKind.DATE and not _YEAR_RE.search(tokens_text(value)):
                    value += self._next_in_column(i, k)  # "ngày 20 tháng 02 năm" / "1974"
                if spec is not None and spec.kind is ValueKind.ID_NUMBER and not _ID_DIGITS_RE.search(
                        tokens_text(value)):
                    value += self._next_in_column(i, k)  # "Thẻ căn cước số" / "0220…": the number wrapped
                self._emit(spec, value)

    def run(self) -> list[Candidate]:
        for i, line in enumerate(self.lines):
            if self.sections.header(line, self.matches[i]):
                continue
            row_chains = chains(line, self.matches[i])
            if self.sections.split:
                for near in self.lines[i:i + 3]:
                    self.sections.assign(near)
                self._columns(i, line, row_chains)
            else:
                self._plain(i, line, row_chains)
        return self.out


def find_candidates(spec: DocTypeSpec, lines: Sequence[Line], *, skip: frozenset[int] = frozenset()) -> list[Candidate]:
    """Every labelled value of ``spec``'s fields in ``lines``, in document order.

    Args:
        spec: the catalog entry of the classified type.
        lines: the document's tokenized lines.
        skip: indices of lines that hold no label (the title: "… TÌNH TRẠNG HÔN NHÂN").

    Returns:
        Candidates, possibly several per field (the extractor picks one).
    """
    return _Segmenter(spec, lines, skip).run()
