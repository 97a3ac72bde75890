"""Which changes after a signature are allowed: DocMDP, FieldMDP locks and the PAdES rules, nothing else.

- Always: validation data (DSS, VRI, document timestamps) and document metadata.
- A certification with no changes permitted (P=1): nothing more.
- P=2: signing (an existing field, or a new invisible one), filling fields, and making fields
  read-only (what a locking signature does).
- P=3, or an approval signature with no DocMDP: that, plus new visible
  signature fields and annotations added, changed or removed.
- A field locked by the signature's FieldMDP (or its field's /Lock) may not
  be filled or signed afterwards.
- Never: a change no rule explains (a page added or removed, page content,
  fonts or XObjects replaced, an appearance redrawn without its value, a
  signature dictionary rewritten) and an annotation or filled field that
  covers or uncovers the signed text (the "overlay" shadow attack).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pikepdf

from pipeline.verify._changes import Change

_ALWAYS = {"lta_update", "metadata"}
_SIGNING = {"signature_added"}
_FILLING = {"form_filled", "field_locked"}
_ANNOTATING = {"signature_field_added", "annotation_added", "annotation_changed", "annotation_removed"}
#: the summary level of each kind, as pyHanko names modification levels
LEVELS = {
    "lta_update": "lta_updates", "metadata": "lta_updates",
    "signature_added": "form_filling", "form_filled": "form_filling", "field_locked": "form_filling",
    "signature_field_added": "annotations", "annotation_added": "annotations", "annotation_changed": "annotations",
    "annotation_removed": "annotations",
}
_ORDER = ["none", "lta_updates", "form_filling", "annotations", "other"]


@dataclass(frozen=True)
class Permissions:
    """What a signature lets later revisions do.

    Attributes:
        docmdp: the DocMDP level (1, 2 or 3), ``None`` for an approval signature without one.
        locked: fields locked by FieldMDP (``None``: every field; empty: none).
        locked_except: with ``locked`` ``None``, the fields left free (``/Exclude``).
    """

    docmdp: int | None
    locked: frozenset[str] | None
    locked_except: frozenset[str] = frozenset()

    def is_locked(self, name: str | None) -> bool:
        """Whether the field ``name`` may no longer change."""
        if name is None:
            return False
        if self.locked is None:
            return name not in self.locked_except
        return name in self.locked


def permissions(sig_value: pikepdf.Dictionary, sig_field: pikepdf.Dictionary) -> Permissions:
    """The DocMDP level and field locks a signature sets (in its ``/Reference`` or its field's ``/Lock``)."""
    docmdp: int | None = None
    lock: pikepdf.Dictionary | None = None
    references = sig_value.get("/Reference")
    for ref in references if isinstance(references, pikepdf.Array) else []:
        if not isinstance(ref, pikepdf.Dictionary):
            continue
        params = ref.get("/TransformParams")
        method = ref.get("/TransformMethod")
        if method == pikepdf.Name.DocMDP and isinstance(params, pikepdf.Dictionary):
            docmdp = _level(params.get("/P", 2))
        elif method == pikepdf.Name.FieldMDP and isinstance(params, pikepdf.Dictionary):
            lock = params
    field_lock = sig_field.get("/Lock")
    if isinstance(field_lock, pikepdf.Dictionary):
        lock = lock or field_lock
        if docmdp is None and "/P" in field_lock:
            docmdp = _level(field_lock.get("/P"))
    return _locks(docmdp, lock)


def _level(value: object) -> int:
    return value if isinstance(value, int) and value in (1, 2, 3) else 2


def _locks(docmdp: int | None, lock: pikepdf.Dictionary | None) -> Permissions:
    if lock is None:
        return Permissions(docmdp, frozenset())
    action = lock.get("/Action")
    names = frozenset(str(n) for n in lock.get("/Fields", []) if isinstance(n, pikepdf.String))
    if action == pikepdf.Name.All:
        return Permissions(docmdp, None)
    if action == pikepdf.Name.Exclude:
        return Permissions(docmdp, None, names)
    return Permissions(docmdp, names)


#: more changes than this of one kind and verdict are reported as one entry (a file with thousands of new
#: fields gets a readable report, not thousands of lines per signature)
_MAX_PER_KIND = 12


def judge(changes: list[Change], perms: Permissions) -> list[Change]:
    """The changes with ``allowed`` set by the signature's permissions, many of one kind pooled in one entry."""
    judged = [dataclasses.replace(c, allowed=_allowed(c, perms)) for c in changes]
    groups: dict[tuple[str, bool], list[Change]] = {}
    for c in judged:
        groups.setdefault((c.kind, c.allowed), []).append(c)
    out: list[Change] = []
    for (kind, allowed), group in groups.items():
        if len(group) <= _MAX_PER_KIND:
            out += group
            continue
        pages = tuple(sorted({p for c in group for p in c.pages}))
        objects = tuple(o for c in group[:_MAX_PER_KIND] for o in c.objects)
        out.append(Change(kind, f"{len(group)} changes like: {group[0].what}", pages, objects, allowed=allowed))
    return out


def _allowed(change: Change, perms: Permissions) -> bool:
    kind, p = change.kind, perms.docmdp
    if kind in _ALWAYS:
        return True
    if kind in _SIGNING:
        return p != 1 and not perms.is_locked(change.field)
    if kind in _FILLING:
        return p != 1 and not perms.is_locked(change.field)
    if kind in _ANNOTATING:
        return p in (None, 3) and not (kind == "signature_field_added" and perms.is_locked(change.field))
    return False


def summary_level(changes: list[Change]) -> str:
    """The highest modification level among ``changes``: ``none`` … ``other``."""
    level = "none"
    for c in changes:
        lv = LEVELS.get(c.kind, "other")
        if _ORDER.index(lv) > _ORDER.index(level):
            level = lv
    return level
