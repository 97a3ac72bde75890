"""A second, looser look for fields no label was found for: damaged labels confirmed by their value.

On phone photos OCR mangles labels beyond the fuzzy match ("Gn tình. Nữ", "Que cuánc Tiên
Phong"): the row still starts with something close to a label, and the value after it still
follows its field's grammar. A field still missing after the first pass is taken from a row
whose first words read like one of its labels (more loosely), clearly better than like any
other missing field's, when what follows parses cleanly. Such values are flagged
``weak_label`` and their confidence lowered, so an officer checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeSpec, FieldSpec, ValueKind
from pipeline.extract._labelset import global_index
from pipeline.extract._layout import Line, Token, distinct_words, tokens_text, union_box
from pipeline.extract._values import continues, height_of, in_span, is_structural, text_right
from pipeline.lexicon import fold_key
from schemas.documents import FieldValue

#: a field's grammar: (field, printed text) → (normalized value or None, flags)
Parser = Callable[[FieldSpec, str], tuple[str | None, tuple[str, ...]]]

WEAK_LABEL = "weak_label"
#: kinds whose value is checked by its grammar; a place needs a closer label instead
_CHECKED = {ValueKind.DATE, ValueKind.SEX, ValueKind.ID_NUMBER, ValueKind.PHONE, ValueKind.NATIONALITY}
_MIN_SCORE = {True: 70.0, False: 78.0}  # by whether the kind is checked by its grammar
_MARGIN = 6.0
_MAX_WORDS = 4
_CONFIDENCE = 0.6


def _label_keys(spec: FieldSpec) -> list[list[str]]:
    return [fold_key(label).split() for label in spec.labels if len(fold_key(label)) >= 5]


def _score(words: list[str], labels: list[list[str]]) -> float:
    """How much the first words of a row read like one of ``labels`` (a word more or less allowed)."""
    text = " ".join(words)
    return max((fuzz.ratio(text, " ".join(label)) for label in labels if abs(len(label) - len(words)) <= 1),
               default=0.0)


def _opening(line: Line) -> list[Token]:
    return [t for t in line.tokens[line.start():] if t.key][:_MAX_WORDS]


def _best_field(words: list[str], missing: Sequence[FieldSpec]) -> tuple[FieldSpec, float] | None:
    scored = sorted(((_score(words, _label_keys(f)), f) for f in missing), key=lambda x: -x[0])
    if not scored:
        return None
    (top, field), rest = scored[0], scored[1:]
    if top < _MIN_SCORE[field.kind in _CHECKED] or (rest and top - rest[0][0] < _MARGIN):
        return None
    return field, top


def weak_fields(spec: DocTypeSpec, lines: Sequence[Line], found: dict[str, FieldValue], *,
                parse: Parser, skip: frozenset[int] = frozenset()) -> dict[str, FieldValue]:
    """Fields of the paper's main part still missing, read from rows whose label OCR damaged.

    Args:
        spec: the catalog entry.
        lines: the document's lines.
        found: the fields the first pass found (not looked for again).
        parse: ``(FieldSpec, text) -> (value, flags)``, the grammar of each field.
        skip: lines that hold no label (the title).

    Returns:
        Newly found fields, each flagged ``weak_label``.
    """
    missing = [f for f in spec.fields if f.name not in found and f.section is None and f.kind is not ValueKind.NAME]
    out: dict[str, FieldValue] = {}
    index = global_index()
    right = text_right(lines)
    for i, line in enumerate(lines):
        if i in skip or not missing or is_structural(line) or index.find(line):
            continue
        opening = _opening(line)
        tried = [(p, n) for n in range(1, len(opening) + 1)
                 if (p := _best_field([t.key for t in opening[:n]], missing))]
        if not tried:
            continue
        (field, _), n = max(tried, key=lambda x: x[0][1])  # the label's extent: where it reads best
        start = next(k for k, t in enumerate(line.tokens) if t is opening[n - 1]) + 1
        value = list(line.tokens[start:])
        if field.kind is ValueKind.PLACE:
            value = _wrapped(lines, i, value, opening[0], right=right, fields=spec.fields)
        fv = _value(field, value, parse)
        if fv is not None:
            out[field.name] = fv
            missing = [f for f in missing if f.name != field.name]
    return out


def _wrapped(lines: Sequence[Line], i: int, value: list[Token], first: Token, *, right: dict[int, int],
             fields: Sequence[FieldSpec]) -> list[Token]:
    if i + 1 >= len(lines) or lines[i + 1].page != lines[i].page or not value:
        return value
    line, below = lines[i], lines[i + 1]
    row = in_span(below.tokens, first.word.box[0] - int(1.5 * height_of(line.tokens)))
    wrapped = line.right >= 0.85 * right.get(line.page, line.right)
    if global_index().find(below) or not continues(value, row, below, wrapped=wrapped):
        return value
    if any(_best_field([t.key for t in _opening(below)[:n]], fields) for n in range(1, _MAX_WORDS + 1)):
        return value  # the row below opens another field, however damaged its label
    return value + row


def _value(field: FieldSpec, tokens: list[Token], parse: Parser) -> FieldValue | None:
    if not any(t.key for t in tokens):
        return None
    value, flags = parse(field, tokens_text(tokens))
    if value is None or {"invalid_date", "invalid_id_length", "year_only"} & set(flags):
        return None
    words = distinct_words(tokens)
    conf = sum(w.conf for w in words) / len(words) * _CONFIDENCE
    return FieldValue(value=value, confidence=round(conf, 4), page=tokens[0].page, bbox=union_box(words),
                      flags=(*flags, WEAK_LABEL))
