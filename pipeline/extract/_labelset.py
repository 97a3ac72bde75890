"""The labels the extractor looks for: every catalog label and stop label, grouped per line into chains.

Labels of every type are searched on every paper, so that a label of another field (or a
label no field of ours uses, like "Nơi tạm trú") ends the value before it. A bilingual
pair ("Ngày sinh / Date of birth") or a label and its qualifier ("Họ và tên người khai")
form one chain and open one value.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.doctypes import CATALOG, OTHER_PERSON, labels
from pipeline.extract._labels import LabelIndex, Match
from pipeline.extract._layout import Line
from pipeline.lexicon import fold_key
from schemas.documents import DocType


@lru_cache(maxsize=1)
def label_fields() -> dict[str, frozenset[str]]:
    """Folded label → the names of the fields it may announce (empty for stop labels)."""
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
    return LabelIndex(label_fields())


@lru_cache(maxsize=16)
def section_index(doc_type: str) -> tuple[LabelIndex, dict[str, str | None]]:
    """The section headers of a type, and header → section name.

    A section no field lives in is the main part again (``None``), except :data:`OTHER_PERSON`: the
    part of a form about someone else than its declarant, whose values belong to no field.
    """
    spec = CATALOG[DocType(doc_type)]
    used = {f.section for f in spec.fields if f.section}
    owner: dict[str, str | None] = {}
    for name, headers in spec.sections.items():
        for header in headers:
            owner[fold_key(header)] = name if name in used or name == OTHER_PERSON else None
    return LabelIndex(owner), owner


def chains(line: Line, matches: list[Match]) -> list[list[Match]]:
    """Group a line's labels: adjacent labels of one field join, a lower-case stop label qualifies.

    Args:
        line: the line.
        matches: its labels in order.

    Returns:
        The chains in order; each opens one value.
    """
    fields_of = label_fields()
    out: list[list[Match]] = []
    for m in matches:
        if out:
            prev = out[-1][-1]
            between = line.tokens[prev.end:m.start]
            # nothing between but a separator, or one speck OCR made of it ("Họ và tên lã Full name")
            adjacent = not any(t.key for t in between) or (len(between) == 1 and len(between[0].text) <= 2)
            if adjacent and fields_of.get(prev.key, frozenset()) & fields_of.get(m.key, frozenset()):
                out[-1].append(m)
                continue
            if adjacent and not fields_of.get(m.key) and line.tokens[m.start].text[:1].islower():
                continue  # "Họ và tên người khai:": a lower-case stop label right after a label qualifies it
        out.append([m])
    return out
