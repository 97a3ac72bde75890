"""Sections of a paper: the header rows that open a part ("Người mẹ", "Bên chồng" | "Bên vợ").

A header decides which of several fields sharing a label a value belongs to (the mother's
"Họ và tên" is ``ho_ten_me``). Side-by-side headers split the page into columns, each with
its own section, until the next header row.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from pipeline.doctypes import OTHER_PERSON, DocTypeSpec
from pipeline.extract._labels import Match
from pipeline.extract._labelset import section_index
from pipeline.extract._layout import Line, Token
from pipeline.lexicon import fold_key


class Sections:
    """The section state while reading a paper top to bottom.

    Args:
        spec: the catalog entry of the paper's type.
    """

    def __init__(self, spec: DocTypeSpec) -> None:
        self.index, self.owner = section_index(spec.doc_type)
        #: (left edge, section) of each column; one column of the main part to begin with
        self.columns: list[tuple[int, str | None]] = [(0, None)]
        self._token_cols: dict[int, int] = {}
        #: the last word of a header that wrapped onto the next row ("Thông tin người" / "chồng")
        self._tail: str | None = None
        self._found_tail: str | None = None
        #: sentences that open the part of a form about someone else ("Đề nghị … cho người dưới đây:"),
        #: longer than a label is looked for, so found as they are
        self._other = tuple(h for h, name in self.owner.items() if name == OTHER_PERSON)

    @property
    def split(self) -> bool:
        """The page is split into side-by-side columns."""
        return len(self.columns) > 1

    def _find(self, line: Line) -> list[Match]:
        """The headers of ``line``; one printed right after another ("… chồng Thông tin người vợ") counts too."""
        found = self.index.find(line) or self._short_row(line)
        self._found_tail = None
        if found:
            found = self._wrapped_first(line, found)
        while found and found[-1].end < len(line.tokens):
            rest = line.tokens[found[-1].end:]
            more = self.index.find(Line(line.page, line.index, rest, line.width, line.height))
            if not more or more[0].start:
                break
            m = more[0]
            found.append(Match(m.key, m.start + found[-1].end, m.end + found[-1].end, m.score))
        return found

    def _wrapped_first(self, line: Line, found: list[Match]) -> list[Match]:
        """``found`` with a header before it whose last word wrapped ("Thông tin người | Thông tin người vợ")."""
        keyed = [k for k in range(line.start(), found[0].start) if line.tokens[k].key]
        if not keyed:
            return found
        text = " ".join(line.tokens[k].key for k in keyed)
        for header, section in self.owner.items():
            words = header.split()
            if section and section != self.owner[found[0].key] and len(words) >= 3 and \
                    fuzz.ratio(text, " ".join(words[:-1])) >= 85:
                self._found_tail = words[-1]
                return [Match(header, keyed[0], found[0].start, 85.0), *found]
        return found

    def _short_row(self, line: Line) -> list[Match]:
        """A row of one to three words that reads like a header, more loosely ("Bên vự" is "Bên vợ")."""
        keyed = [k for k, t in enumerate(line.tokens) if t.key]
        if not 0 < len(keyed) <= 3 or not self.owner:
            return []
        text = " ".join(line.tokens[k].key for k in keyed)
        best = process.extractOne(text, list(self.owner), scorer=fuzz.ratio)
        if best is None or best[1] < 75 or len(best[0]) < 5:
            return []
        return [Match(best[0], keyed[0], keyed[-1] + 1, float(best[1]))]

    def opens(self, line: Line) -> bool:
        """Whether ``line`` holds a section header (it belongs to no value)."""
        return bool(self.index.find(line))

    def header(self, line: Line, labels: Sequence[Match]) -> bool:
        """Take ``line`` as a header row if it is one (then the columns change); else ``False``.

        Args:
            line: the line.
            labels: the field labels found in it (a field label is no header).
        """
        tail, self._tail = self._tail, None
        if self._other and not labels and any(h in fold_key(line.text) for h in self._other):
            self.columns = [(0, OTHER_PERSON)]
            return True
        keyed_all = [t.key for t in line.tokens if t.key]
        if tail and len(keyed_all) == 1 and fuzz.ratio(keyed_all[0], tail) >= 80:
            return True  # the wrapped end of the header row above: no change of columns
        found = self._find(line)
        if not found:
            return False
        if any(m.start < h.end and h.start < m.end for m in labels for h in found):
            return False  # a field label ("Ngày, tháng, năm đăng ký") is no section header
        keyed = [t for t in line.tokens[line.start():] if t.key]
        covered = sum(1 for m in found for t in line.tokens[m.start:m.end] if t.key)
        if not keyed or covered / len(keyed) < 0.6:
            return False
        for k in range(len(found) - 1, 0, -1):  # side-by-side headers of two parts stand apart; else one
            a, b = line.tokens[found[k - 1].end - 1].word, line.tokens[found[k].start].word
            between = any(t.key for t in line.tokens[found[k - 1].end:found[k].start])
            same = self.owner[found[k - 1].key] == self.owner[found[k].key]
            if between or (same and b.box[0] - a.box[2] < 1.2 * max(1, a.box[3] - a.box[1])):
                found = [*found[:k], *found[k + 1:]]
        cols: list[tuple[int, str | None]] = []
        for k, m in enumerate(found):
            left = line.tokens[m.start].word.box[0]
            if k:  # the boundary lies halfway between two headers (values sit under their header)
                prev_right = line.tokens[found[k - 1].end - 1].word.box[2]
                left = (prev_right + left) // 2
            cols.append((left if k else 0, self.owner[m.key]))
        self.columns = cols
        self._tail = self._found_tail if len(cols) > 1 else None
        return True

    def at(self, x: int, width: int) -> str | None:
        """The section of the column at ``x``."""
        chosen = self.columns[0][1]
        for x0, name in self.columns:
            if x0 <= x + width * 0.05:
                chosen = name
        return chosen

    def assign(self, line: Line) -> None:
        """Remember the column of each token of ``line``: the last one whose boundary lies left of it."""
        for tok in line.tokens:
            k = 0
            for idx, (x0, _) in enumerate(self.columns):
                if tok.word.box[0] >= x0:
                    k = idx
            self._token_cols[id(tok)] = k

    def col(self, tok: Token) -> int:
        """The column of ``tok`` (assigned by :meth:`assign`)."""
        return self._token_cols.get(id(tok), 0)

    def qualified(self, qualifier: Sequence[Token]) -> str | bool | None:
        """The section a label's qualifier names ("Họ tên người mẹ:" → ``me``); ``False`` when none."""
        words = [t.key for t in qualifier if t.key]
        for n in range(len(words), 0, -1):
            key = " ".join(words[-n:])
            for header, section in self.owner.items():
                if section and (key == section or fuzz.ratio(key, header) >= 85):
                    return section
        return False
