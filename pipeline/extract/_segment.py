"""From labelled lines to raw field candidates: which text is the value of which field.

A line is cut at every label found in it (labels of every type, so a label of another field
ends a value); a label followed only by punctuation takes its value from the next line; a
bilingual pair (``Ngày sinh / Date of birth``) counts as one label. Section headers
(``Người mẹ``, columns ``Chồng`` / ``Vợ``) decide which of several fields sharing a
label a value belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from pipeline.doctypes import CATALOG, DocTypeSpec, FieldSpec, ValueKind, labels
from pipeline.extract._labels import LabelIndex, Match
from pipeline.extract._layout import NUMBERING_RE, Line, Token, tokens_text
from pipeline.lexicon import fold, fold_key
from schemas.documents import DocType

_PLACE_DATE_RE = re.compile(r",?\s*ngay\s*\S{1,3}\s*thang\s*\S{1,3}\s*nam\s*\S{2,5}\s*$")
_CONTINUED_KINDS = {ValueKind.PLACE, ValueKind.TEXT}
#: kinds whose grammar tells a value from garbage: a failed parse may be retried on the next row
_STRICT_KINDS = {ValueKind.ID_NUMBER, ValueKind.DATE}
#: words an address line may start with when it continues the line above
_UNIT_WORDS = {"phuong", "xa", "quan", "huyen", "tinh", "thanh", "thi", "thon", "ap", "to", "khu", "so", "duong",
               "pho", "ngo", "hem", "ban", "xom", "tp", "khoi", "lang", "tt", "tx", "p", "q", "h", "kp", "cum"}


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


@lru_cache(maxsize=1)
def _global_label_fields() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for spec in CATALOG.values():
        for f in spec.fields:
            for label in f.labels:
                out.setdefault(fold_key(label), set()).add(f.name)
    for label in labels.STOP:
        out.setdefault(fold_key(label), set())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def global_index() -> LabelIndex:
    """Every label the catalog knows, plus the stop labels."""
    return LabelIndex(_global_label_fields())


@lru_cache(maxsize=16)
def _section_index(doc_type: str) -> tuple[LabelIndex, dict[str, str | None]]:
    spec = CATALOG[DocType(doc_type)]
    used = {f.section for f in spec.fields if f.section}
    owner: dict[str, str | None] = {}
    for name, headers in spec.sections.items():
        for header in headers:
            owner[fold_key(header)] = name if name in used else None
    return LabelIndex(owner), owner


def _chains(line: Line, matches: list[Match]) -> list[list[Match]]:
    fields_of = _global_label_fields()
    chains: list[list[Match]] = []
    for m in matches:
        if chains:
            prev = chains[-1][-1]
            between = line.tokens[prev.end:m.start]
            adjacent = not any(t.key for t in between)
            if adjacent and fields_of.get(prev.key, frozenset()) & fields_of.get(m.key, frozenset()):
                chains[-1].append(m)
                continue
            if adjacent and not fields_of.get(m.key) and line.tokens[m.start].text[:1].islower():
                continue  # "Họ và tên người khai:": a lower-case stop label right after a label qualifies it
        chains.append([m])
    return chains


def _skip_parenthetical(tokens: Sequence[Token]) -> Sequence[Token]:
    """Drop what still belongs to the label: "(ghi bằng chữ in hoa)", "người yêu cầu:", "(nếu có):"."""
    if tokens and tokens[0].text.startswith("("):
        for i, tok in enumerate(tokens):
            if tok.text.endswith(")"):
                return _skip_parenthetical(tokens[i + 1:])
    for i, tok in enumerate(tokens[:4]):
        english = tok.after_slash or (i > 0 and tok.text.isascii() and tok.text.isalpha())
        if not (tok.text[:1].islower() or tok.text.startswith("(") or tok.text.endswith(")") or english):
            break
        if tok.colon_after:
            return tokens[i + 1:]
    return tokens


def _continues(value: list[Token], line: Line, *, wrapped: bool) -> bool:
    """Whether ``line`` carries on a value (an address or text wrapped onto it)."""
    first = line.tokens[line.start()] if line.start() < len(line.tokens) else line.tokens[0]
    words = len({t.word.box for t in line.tokens})
    last = value[-1] if value else None
    if line.tokens[0].text in {"-", "–"} or first.text[:1].islower():
        return True  # "- Tháp Chàm, …", "doanh"
    if last is not None and (last.text.endswith((",", "-")) or (last.text.islower() and last.key in _UNIT_WORDS)):
        return True
    if first.key in _UNIT_WORDS and words <= 10:
        return True  # "Thị xã Duy Tiên, Tỉnh Hà Nam"
    if value and _place_tail(value, line):
        return True
    sentence = first.text[:1].isupper() and (("," not in line.text and words >= 4) or words > 8)
    return wrapped and not sentence and words <= 12


def _place_tail(value: list[Token], line: Line) -> bool:
    """"Minh Khai, Tân An," / "Long An": a short capitalized row under an address in progress."""
    names = [t for t in line.tokens if t.key]
    aligned = abs(line.left - value[0].word.box[0]) <= 0.1 * line.width or abs(line.left - min(
        t.word.box[0] for t in value)) <= 0.1 * line.width
    return (any("," in t.text for t in value) and 0 < len(names) <= 3 and aligned
            and all(t.text[:1].isupper() and t.text.strip(",.").isalpha() for t in names))


def _until_gap(value: list[Token]) -> list[Token]:
    """A value ends where a wide gap opens on its row (the next column of a table starts)."""
    for k in range(1, len(value)):
        a, b = value[k - 1].word, value[k].word
        if a is b or b.box[1] > a.box[3] or b.box[3] < a.box[1]:
            continue  # same word, or the value goes on on the next row
        height = max(1, a.box[3] - a.box[1], b.box[3] - b.box[1])
        if b.box[0] - a.box[2] > 3 * height and any(t.key for t in value[:k]):
            return value[:k]
    return value


def _is_structural(line: Line) -> bool:
    """Place-date lines and upper-case headings are never part of a value."""
    text = line.text
    if _PLACE_DATE_RE.search(fold(text)):
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) / len(letters) > 0.9


class _Segmenter:
    def __init__(self, spec: DocTypeSpec, lines: Sequence[Line], skip: frozenset[int]) -> None:
        self.spec = spec
        self.lines = lines
        index = global_index()
        self.matches = [[] if i in skip else index.find(line) for i, line in enumerate(lines)]
        self.sections, self.section_owner = _section_index(spec.doc_type)
        self.by_label: dict[str, list[FieldSpec]] = {}
        for f in spec.fields:
            for label in f.labels:
                self.by_label.setdefault(fold_key(label), []).append(f)
        self.page_right: dict[int, int] = {}
        for line in lines:
            self.page_right[line.page] = max(self.page_right.get(line.page, 0), line.right)
        self.columns: list[tuple[int, str | None]] = [(0, None)]
        self.seen: set[str] = set()
        self._line_cols: dict[int, int] = {}

    def _header(self, i: int) -> bool:
        line = self.lines[i]
        found = self.sections.find(line)
        if not found:
            return False
        labels = self.matches[i]
        if any(m.start < h.end and h.start < m.end for m in labels for h in found):
            return False  # a field label ("Ngày, tháng, năm đăng ký") is no section header
        keyed = [t for t in line.tokens[line.start():] if t.key]
        covered = sum(1 for m in found for t in line.tokens[m.start:m.end] if t.key)
        if not keyed or covered / len(keyed) < 0.6:
            return False
        cols: list[tuple[int, str | None]] = []
        for k in range(len(found) - 1, 0, -1):  # side-by-side headers stand apart; else one header
            a, b = line.tokens[found[k - 1].end - 1].word, line.tokens[found[k].start].word
            between = any(t.key for t in line.tokens[found[k - 1].end:found[k].start])
            if between or b.box[0] - a.box[2] < 1.2 * max(1, a.box[3] - a.box[1]):
                found = [*found[:k], *found[k + 1:]]
        for k, m in enumerate(found):
            left = line.tokens[m.start].word.box[0]
            if k:  # the boundary lies halfway between two headers (values sit under their header)
                prev_right = line.tokens[found[k - 1].end - 1].word.box[2]
                left = (prev_right + left) // 2
            cols.append((left if k else 0, self.section_owner[m.key]))
        self.columns = cols
        return True

    def _section_at(self, x: int, width: int) -> str | None:
        chosen = self.columns[0][1]
        for x0, name in self.columns:
            if x0 <= x + width * 0.05:
                chosen = name
        return chosen

    def _resolve(self, chain: list[Match], line: Line, section: str | bool | None = False) -> FieldSpec | None:
        if section is False:
            section = self._section_at(line.tokens[chain[0].start].word.box[0], line.width)
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

    def _next_line_value(self, i: int, column: int | None = None) -> list[Token]:
        if i + 1 >= len(self.lines):
            return []
        nxt = self.lines[i + 1]
        if nxt.page != self.lines[i].page or self.sections.find(nxt):
            return []
        found = [m for m in self.matches[i + 1] if column is None or self._col(nxt.tokens[m.start]) == column]
        end = found[0].start if found else len(nxt.tokens)
        if end <= nxt.start() and column is None:
            return []
        toks = nxt.tokens[:end]
        return [t for t in toks if column is None or self._col(t) == column]

    def _continuation(self, i: int, value: list[Token]) -> list[Token]:
        out = list(value)
        for j in (i + 1, i + 2):
            if j >= len(self.lines) or self.matches[j]:
                break
            prev = self.lines[j - 1]
            line = self.lines[j]
            if line.page != prev.page or _is_structural(line) or self.sections.find(line):
                break
            if not _continues(out, line, wrapped=prev.right >= 0.85 * self.page_right[prev.page]):
                break
            out.extend(line.tokens)
        return out

    def _col(self, tok: Token) -> int:
        return self._line_cols.get(id(tok), 0)

    def _assign_columns(self, line: Line) -> None:
        """Column of each token: the last column whose boundary lies left of the token's word."""
        for tok in line.tokens:
            k = 0
            for idx, (x0, _) in enumerate(self.columns):
                if tok.word.box[0] >= x0:
                    k = idx
            self._line_cols[id(tok)] = k

    def _emit(self, out: list[Candidate], spec: FieldSpec | None, value: list[Token]) -> None:
        value = _until_gap(value)
        while value and NUMBERING_RE.match(value[-1].text):
            value.pop()  # "… 3." : the number belongs to the next label
        if spec is None or not any(t.key for t in value):
            return
        self.seen.add(spec.name)
        out.append(Candidate(spec.name, tuple(value), len(out)))

    def _names_someone_else(self, skipped: Sequence[Token]) -> bool:
        """"Họ, chữ đệm và tên chủ hộ:" on a paper about someone else than the household head."""
        key = " ".join(t.key for t in skipped if t.key)
        return bool(key) and any(fuzz.ratio(key, fold_key(o)) >= 85 for o in self.spec.others)

    def _qualified_section(self, skipped: Sequence[Token]) -> str | bool | None:
        """The section a label's qualifier names ("Họ tên người mẹ:" → ``me``); ``False`` when none."""
        words = [t.key for t in skipped if t.key]
        for n in range(len(words), 0, -1):
            key = " ".join(words[-n:])
            for header, section in self.section_owner.items():
                if section and (key == section or fuzz.ratio(key, header) >= 85):
                    return section
        return False

    def _plain(self, i: int, line: Line, chains: list[list[Match]], out: list[Candidate]) -> None:
        for c, chain in enumerate(chains):
            end = chains[c + 1][0].start if c + 1 < len(chains) else len(line.tokens)
            raw = line.tokens[chain[-1].end:end]
            value = list(_skip_parenthetical(raw))
            qualifier = raw[:len(raw) - len(value)]
            if self._names_someone_else(qualifier):
                continue
            section = self._qualified_section(qualifier)
            last_on_line = c + 1 == len(chains)
            row = i
            if not any(t.key for t in value) and last_on_line:
                value, row = self._next_line_value(i), i + 1
            spec = self._resolve(chain, line, section=section)
            if spec is not None and spec.kind in _CONTINUED_KINDS and (row > i or last_on_line):
                value = self._continuation(row, value)
            self._emit(out, spec, value)
            if spec is not None and spec.kind in _STRICT_KINDS and row == i and last_on_line:
                self._emit(out, spec, self._next_line_value(i))  # if the row held garbage, the next may not

    def _name_wrap(self, i: int, column: int) -> list[Token]:
        """An upper-case name wrapped to the next row of its column (one or two words)."""
        if i + 1 >= len(self.lines) or any(self._col(self.lines[i + 1].tokens[m.start]) == column
                                           for m in self.matches[i + 1]):
            return []
        toks = [t for t in self.lines[i + 1].tokens if self._col(t) == column]
        if 0 < len(toks) <= 2 and all(t.text.isalpha() and t.text.isupper() for t in toks):
            return toks
        return []

    def _columns(self, i: int, line: Line, chains: list[list[Match]], out: list[Candidate]) -> None:
        """A row of a two-column paper (husband | wife): each column's value goes to its own field."""
        chain_cols = [self._col(line.tokens[ch[0].start]) for ch in chains]
        for k, (_, section) in enumerate(self.columns):
            own = [c for c, col in enumerate(chain_cols) if col == k]
            if own:
                pairs = []
                for c in own:
                    end = chains[c + 1][0].start if c + 1 < len(chains) else len(line.tokens)
                    pairs.append((chains[c], [t for t in line.tokens[chains[c][-1].end:end] if self._col(t) == k]))
            elif chains:
                pairs = [(chains[0], [t for t in line.tokens[chains[0][-1].end:] if self._col(t) == k])]
            else:
                continue
            for chain, toks in pairs:
                spec = self._resolve(chain, line, section=section)
                if spec is not None and spec.anywhere:
                    if k:
                        continue  # a row-wide field (registration date) is read once, from its label
                    c = chains.index(chain)
                    toks = list(line.tokens[chain[-1].end:chains[c + 1][0].start if c + 1 < len(chains) else None])
                value = list(_skip_parenthetical(toks))
                if not any(t.key for t in value):
                    value = self._next_line_value(i, column=k)
                if spec is not None and spec.kind is ValueKind.NAME:
                    value += self._name_wrap(i, k)
                self._emit(out, spec, value)

    def run(self) -> list[Candidate]:
        out: list[Candidate] = []
        for i, line in enumerate(self.lines):
            if self._header(i):
                continue
            chains = _chains(line, self.matches[i])
            if len(self.columns) > 1:
                for near in self.lines[i:i + 3]:
                    self._assign_columns(near)
                self._columns(i, line, chains, out)
            else:
                self._plain(i, line, chains, out)
        return out


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
