"""What changed between a signed revision and the final document, each change named and placed.

As DSS does, the signed revision is opened on its own and compared with the
final document object by object: only objects written after the signed bytes
can differ, and each one that does is named by the part of the document it
plays (:mod:`._roles`): a page added or removed, a content stream, font or
XObject of a page replaced (the "hide" and "replace" shadow attacks), an
annotation added, changed or removed, a form field filled or only its
appearance redrawn, a signature dictionary rewritten (a changed ``/Reason``),
a new signature, the DSS. Whether each change is allowed is for :mod:`._policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pikepdf

from pipeline.verify._document import PdfFile
from pipeline.verify._guard import Deadline
from pipeline.verify._roles import OG, Roles, roles

#: catalog keys a signer or an archiver may add or replace without touching what the document shows
_CATALOG_OK = {"/DSS", "/AcroForm", "/Extensions", "/Metadata", "/Version", "/Perms"}
#: form keys a signer may change: the field list (new fields), signature flags, default resources
_FORM_OK = {"/Fields", "/SigFlags", "/DR", "/DA"}
#: what filling a field changes: its value, the state of a check box, and the appearance showing them
_FILL_KEYS = {"/V", "/AS", "/AP", "/I"}


@dataclass(frozen=True)
class Change:
    """One change made after a signature.

    Attributes:
        kind: ``lta_update``, ``metadata``, ``signature_added``, ``signature_field_added``,
            ``form_filled``, ``field_locked``, ``annotation_added``, ``annotation_changed``, ``annotation_removed``,
            or one that no rule explains: ``page_added``, ``page_removed``, ``pages_reordered``,
            ``page_content_changed``, ``page_resource_changed``, ``page_changed``,
            ``appearance_redrawn``, ``field_changed``, ``field_added``, ``field_removed``,
            ``signature_dictionary_changed``, ``catalog_changed``, ``form_changed``,
            ``object_changed``, ``object_removed``, ``overlay``.
        what: the change in words (``font /F1 of page 2``).
        pages: 1-based page numbers it touches.
        objects: the objects it touches (``12 0 R``).
        field: the form field it concerns, if any (for field locks).
        rect: where on the page it shows, for an annotation or widget (x0, y0, x1, y1).
        allowed: set by the policy.
    """

    kind: str
    what: str
    pages: tuple[int, ...] = ()
    objects: tuple[str, ...] = ()
    field: str | None = None
    rect: tuple[float, float, float, float] | None = None
    allowed: bool = False


def changes_after(doc: PdfFile, old: pikepdf.Pdf, end: int, final: Roles, *, deadline: Deadline) -> list[Change]:
    """Every change between the revision signed (``old``, the first ``end`` bytes) and the final document.

    Args:
        doc: the whole file.
        old: the signed revision, opened on its own.
        end: where the signed bytes end.
        final: roles of the final document's objects.
        deadline: checked between objects.

    Returns:
        The changes, in object order; none for a signature that covers the whole file.
    """
    old_xref = set(old.get_xref_table())
    ctx = _Context(doc=doc, old=old, old_ogs=old_xref, final=final, filled=set())
    changed: list[tuple[OG, object | None, pikepdf.Object]] = []
    for og in sorted(doc.xref):
        where = doc.written_at(og)
        if where is None or where < end:
            continue
        deadline.check()
        new = _get(doc.pdf, og)
        before = _get(old, og) if og in old_xref else None
        if new is None or (before is not None and _same(before, new)):
            continue
        changed.append((og, before, new))
    ctx.filled = {og for og, before, new in changed if _value_changed(before, new)}
    out = [c for og, before, new in changed if (c := _classify(og, before, new, ctx)) is not None]
    out += _pages_moved(old, final)
    removed = [og for og in old_xref if og not in doc.xref]
    if removed:
        old_roles = roles(old, deadline=deadline)
        out += [_removed(og, old_roles) for og in removed if old_roles.of.get(og)]
    return _merge(out)


@dataclass
class _Context:
    doc: PdfFile
    old: pikepdf.Pdf
    old_ogs: set[OG]
    final: Roles
    filled: set[OG]


@dataclass(frozen=True)
class _Obj:
    """One changed object: its number, both versions, and where it sits."""

    og: OG
    before: object | None
    new: pikepdf.Object
    label: str
    pages: tuple[int, ...]
    ref: tuple[str, ...]


def _classify(og: OG, before: object | None, new: pikepdf.Object, ctx: _Context) -> Change | None:
    role = ctx.final.of.get(og, set())
    if not role or _structural(new):
        return None  # an object nothing in the document uses cannot change what it shows
    pages = tuple(sorted(ctx.final.pages.get(og, ())))
    label = ctx.final.label.get(og, f"object {og[0]}")
    ref = (f"{og[0]} {og[1]} R",)
    o = _Obj(og, before, new, label, pages, ref)
    if "dss" in role:
        return Change("lta_update", "validation data (DSS)", pages, ref)
    if "sig_value" in role:
        return _sig_value(before, new, label, pages, ref)
    if "widget" in role or "field" in role:
        return _field(o, ctx)
    if role & {"appearance", "widget_part", "annotation_part"}:
        return _part(o, ctx, appearance="appearance" in role)
    if "annotation" in role:
        kind = "annotation_added" if before is None else "annotation_changed"
        return Change(kind, label, pages, ref, rect=_rect(new))
    if "annots_list" in role:
        return _annots_list(o, ctx)
    if "page" in role:
        return _page(before, new, label, pages, ref)
    if "page_contents" in role:
        return Change("page_content_changed", label, pages, ref)
    if "resource" in role:
        if _only_added(before, new):
            return None  # new names beside the old ones: nothing on the page uses them yet
        return Change("page_resource_changed", label, pages, ref)
    if "names" in role:
        return _keys_change(before, new, set(), "catalog_changed", "the document's name trees", ref=ref,
                            harmless={"/AP"})
    if "named_appearance" in role:
        return Change("annotation_changed", "named appearances (annotation icons)", pages, ref)
    if "catalog" in role:
        harmless = {"/Names"} if _names_only_ap(before, new) else set()
        return _keys_change(before, new, _CATALOG_OK, "catalog_changed", "the document catalog", ref=ref,
                            harmless=harmless)
    if "acroform" in role or "form_resource" in role:
        return _keys_change(before, new, _FORM_OK, "form_changed", label, ref=ref)
    if "metadata" in role or "info" in role:
        return Change("metadata", "document metadata", pages, ref)
    if "pages_node" in role:
        return None  # judged by comparing the page lists (_pages_moved)
    if "field_value" in role:
        return Change("form_filled", label, pages, ref)
    return Change("object_changed" if "catalog_entry" not in role else "catalog_changed", label, pages, ref)


def _sig_value(before: object | None, new: pikepdf.Object, label: str, pages: tuple[int, ...],
               ref: tuple[str, ...]) -> Change:
    if before is not None:
        keys = _diff_keys(before, new) - {"/Contents"}
        return Change("signature_dictionary_changed", f"{label}: {', '.join(sorted(keys)) or '/Contents'} changed",
                      pages, ref)
    if isinstance(new, pikepdf.Dictionary) and new.get("/Type") == pikepdf.Name.DocTimeStamp:
        return Change("lta_update", "a document timestamp", pages, ref)
    return Change("signature_added", label.replace("signature dictionary of", "a signature in"), pages, ref)


def _field(o: _Obj, ctx: _Context) -> Change:
    og, before, new, label, pages, ref = o.og, o.before, o.new, o.label, o.pages, o.ref
    name = _field_name(new)
    is_sig = _field_type(new) == pikepdf.Name.Sig
    rect = _rect(new)
    if before is None:
        if is_sig:
            visible = rect is not None and (rect[2] - rect[0]) * (rect[3] - rect[1]) > 0 and not _hidden(new)
            return Change("signature_field_added" if visible else "signature_added", f"new signature {label}", pages,
                          ref, field=name, rect=rect)
        return Change("field_added", f"new {label}", pages, ref, field=name, rect=rect)
    keys = _diff_keys(before, new)
    if "/Ff" in keys and _only_made_read_only(before, new):
        keys.discard("/Ff")
        if not keys:  # a locking signature makes the fields it locks read-only (Adobe's "lock after signing")
            return Change("field_locked", f"{label}: made read-only", pages, ref, field=name)
    if keys <= _FILL_KEYS:
        filled = og in ctx.filled or _parent_og(new) in ctx.filled
        if filled:
            return Change("signature_added" if is_sig else "form_filled", label, pages, ref, field=name, rect=rect)
        return Change("appearance_redrawn", f"{label}: appearance redrawn, value unchanged", pages, ref,
                      field=name, rect=rect)
    return Change("field_changed", f"{label}: {', '.join(sorted(keys - _FILL_KEYS))} changed", pages, ref,
                  field=name, rect=rect)


def _only_made_read_only(before: object, new: object) -> bool:
    """The field flags only gained ReadOnly (bit 1)."""
    old = before.get("/Ff", 0) if isinstance(before, pikepdf.Dictionary) else None
    now = new.get("/Ff", 0) if isinstance(new, pikepdf.Dictionary) else None
    if not isinstance(old, int) or not isinstance(now, int):
        return False
    return now & old == old and now & ~old == 1


def _part(o: _Obj, ctx: _Context, *, appearance: bool) -> Change:
    """A part of an annotation or widget (its appearance, its action, its colours): judged with its owner."""
    og, label, pages, ref = o.og, o.label, o.pages, o.ref
    for owner in sorted(ctx.final.owner.get(og, ())):
        holder = _get(ctx.doc.pdf, owner)
        owner_new = owner not in ctx.old_ogs
        filled = owner in ctx.filled or (holder is not None and _parent_og(holder) in ctx.filled)
        if "annotation" in ctx.final.of.get(owner, set()):
            return Change("annotation_added" if owner_new else "annotation_changed", label, pages, ref,
                          rect=_rect(holder))
        if holder is not None and (filled or owner_new):
            is_sig = _field_type(holder) == pikepdf.Name.Sig
            return Change("signature_added" if is_sig else "form_filled", label, pages, ref,
                          field=_field_name(holder), rect=_rect(holder))
    if appearance:
        return Change("appearance_redrawn", f"{label} redrawn", pages, ref)
    return Change("field_changed", f"{label}: a part of it changed", pages, ref)


def _annots_list(o: _Obj, ctx: _Context) -> Change | None:
    gone = _refs(o.before) - _refs(o.new)
    if not gone:
        return None  # additions are judged by the annotations themselves
    return Change("annotation_removed", f"{o.label}: {len(gone)} removed", o.pages, o.ref,
                  rect=_first_rect(ctx.old, gone))


def _page(before: object | None, new: pikepdf.Object, label: str, pages: tuple[int, ...],
          ref: tuple[str, ...]) -> Change | None:
    if before is None:
        return Change("page_added", label, pages, ref)
    keys = _diff_keys(before, new)
    if "/Resources" in keys and _only_added(before.get("/Resources"), new.get("/Resources")):  # type: ignore[attr-defined]
        keys.discard("/Resources")
    if keys - {"/Annots"}:
        kind = "page_content_changed" if "/Contents" in keys else \
            "page_resource_changed" if "/Resources" in keys else "page_changed"
        return Change(kind, f"{label}: {', '.join(sorted(keys))} changed", pages, ref)
    gone = _refs(before.get("/Annots")) - _refs(new.get("/Annots"))  # type: ignore[attr-defined]
    return Change("annotation_removed", f"annotations of {label}: {len(gone)} removed", pages, ref) if gone else None


def _keys_change(before: object | None, new: pikepdf.Object, allowed: set[str], kind: str, label: str, *,
                 ref: tuple[str, ...], harmless: set[str] | None = None) -> Change | None:
    keys = _diff_keys(before, new) if before is not None else set()
    if not keys - allowed:
        return None
    if harmless and not keys - allowed - harmless:
        return Change("annotation_changed", f"{label}: {', '.join(sorted(keys))} changed", (), ref)
    return Change(kind, f"{label}: {', '.join(sorted(keys - allowed))} changed", (), ref)


def _names_only_ap(before: object | None, new: object) -> bool:
    """The catalog's name trees differ only in ``/AP`` (the named icons annotations use)."""
    if not isinstance(before, pikepdf.Dictionary) or not isinstance(new, pikepdf.Dictionary):
        return False
    a, b = before.get("/Names"), new.get("/Names")
    a_keys = set(a.keys()) if isinstance(a, pikepdf.Dictionary) else set()
    if not isinstance(b, pikepdf.Dictionary):
        return False
    changed = {k for k in a_keys | set(b.keys())
               if _shallow(a.get(k) if isinstance(a, pikepdf.Dictionary) else None) != _shallow(b.get(k))}
    return changed <= {"/AP"}


def _pages_moved(old: pikepdf.Pdf, final: Roles) -> list[Change]:
    try:
        before = [p.obj.objgen for p in old.pages]
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return [Change("page_changed", "the signed revision's page tree cannot be read")]
    after = final.page_list
    added = [i for i, og in enumerate(after, 1) if og not in set(before)]
    removed = [i for i, og in enumerate(before, 1) if og not in set(after)]
    out: list[Change] = []
    if added:
        out.append(Change("page_added", f"{len(added)} page(s) added", tuple(added)))
    if removed:
        out.append(Change("page_removed", f"{len(removed)} page(s) removed (numbered as signed)", tuple(removed)))
    if not added and not removed and before != after:
        out.append(Change("pages_reordered", "pages reordered", ()))
    return out


def _removed(og: OG, old_roles: Roles) -> Change:
    label = old_roles.label.get(og, f"object {og[0]}")
    return Change("object_removed", f"{label} deleted", tuple(sorted(old_roles.pages.get(og, ()))),
                  (f"{og[0]} {og[1]} R",))


def _merge(changes: list[Change]) -> list[Change]:
    """One entry per kind and description; objects and pages pooled."""
    merged: dict[tuple[str, str], Change] = {}
    for c in changes:
        key = (c.kind, c.what)
        prev = merged.get(key)
        merged[key] = c if prev is None else Change(
            c.kind, c.what, tuple(sorted({*prev.pages, *c.pages})), (*prev.objects, *c.objects),
            prev.field or c.field, prev.rect or c.rect)
    return list(merged.values())


def _get(pdf: pikepdf.Pdf, og: OG) -> pikepdf.Object | None:
    try:
        obj = pdf.get_object(og)
    except (pikepdf.PdfError, ValueError, KeyError, RuntimeError):
        return None
    return obj  # type: ignore[no-any-return]


def _fingerprint(obj: object) -> bytes:
    try:
        if isinstance(obj, pikepdf.Stream):
            return obj.stream_dict.unparse() + b"\0stream\0" + obj.read_raw_bytes()
        if isinstance(obj, pikepdf.Object):
            return obj.unparse(resolved=True)
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return b"?unreadable"
    return repr(obj).encode()


def _shallow(value: object, depth: int = 0) -> object:
    """A value as written in its holder, comparable: a reference stays a reference (what it points to is
    compared apart), numbers compare by value (``595`` and ``595.0`` are the same width)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return ("ref", value.objgen)
    if depth > 16:
        return "?deep"
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return round(float(value), 4)
    if isinstance(value, pikepdf.Stream):
        return ("stream", _shallow(value.stream_dict, depth + 1))
    if isinstance(value, pikepdf.Dictionary):
        return tuple(sorted((k, _shallow(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, pikepdf.Array):
        return tuple(_shallow(v, depth + 1) for v in value)
    if isinstance(value, pikepdf.Object):
        try:
            return bytes(value.unparse())
        except (pikepdf.PdfError, ValueError, RuntimeError):
            return b"?unreadable"
    return repr(value)


def _only_added(before: object, new: object) -> bool:
    """Whether a resource dictionary (direct or not) only gained names: every old entry is still there, the same."""
    if before is None or new is None:
        return before is None
    old_d, new_d = _dict(before), _dict(new)
    if old_d is None or new_d is None:
        return False
    for category, entries in old_d.items():
        fresh = new_d.get(category)
        old_e, new_e = _dict(entries), _dict(fresh)
        if old_e is None or new_e is None:
            if _shallow(entries) != _shallow(fresh):
                return False
            continue
        if any(_shallow(v) != _shallow(new_e.get(k)) for k, v in old_e.items()):
            return False
    return True


def _dict(value: object) -> pikepdf.Dictionary | None:
    if isinstance(value, pikepdf.Stream):
        return None
    return value if isinstance(value, pikepdf.Dictionary) else None


def _same(a: object, b: object) -> bool:
    return _fingerprint(a) == _fingerprint(b)


def _diff_keys(before: object, new: object) -> set[str]:
    if not isinstance(before, pikepdf.Dictionary | pikepdf.Stream) or \
            not isinstance(new, pikepdf.Dictionary | pikepdf.Stream):
        return {"(the whole object)"}
    a = before.stream_dict if isinstance(before, pikepdf.Stream) else before
    b = new.stream_dict if isinstance(new, pikepdf.Stream) else new
    keys = {k for k in {*a.keys(), *b.keys()} if _shallow(a.get(k)) != _shallow(b.get(k))}
    if isinstance(before, pikepdf.Stream) and isinstance(new, pikepdf.Stream) and \
            before.read_raw_bytes() != new.read_raw_bytes():
        keys.add("(stream data)")
    return keys


def _value_changed(before: object | None, new: pikepdf.Object) -> bool:
    if not isinstance(new, pikepdf.Dictionary) or ("/V" not in new and "/AS" not in new):
        return False
    if before is None:
        return True
    return bool({"/V", "/AS"} & _diff_keys(before, new))


def _structural(obj: object) -> bool:
    return isinstance(obj, pikepdf.Stream) and obj.get("/Type") in (pikepdf.Name.ObjStm, pikepdf.Name.XRef)


def _field_type(obj: object) -> object:
    for node in _lineage(obj):
        if "/FT" in node:
            return node.get("/FT")
    return None


def _field_name(obj: object) -> str | None:
    parts = [str(node.get("/T")) for node in _lineage(obj) if isinstance(node.get("/T"), pikepdf.String)]
    return ".".join(reversed(parts)) or None


def _lineage(obj: object) -> list[pikepdf.Dictionary]:
    out: list[pikepdf.Dictionary] = []
    node = obj
    while isinstance(node, pikepdf.Dictionary) and len(out) < 32:
        out.append(node)
        node = node.get("/Parent")
    return out


def _parent_og(obj: object) -> OG | None:
    parent = obj.get("/Parent") if isinstance(obj, pikepdf.Dictionary) else None
    return parent.objgen if isinstance(parent, pikepdf.Dictionary) and parent.is_indirect else None


def _hidden(obj: pikepdf.Object) -> bool:
    flags = obj.get("/F", 0)
    return isinstance(flags, int) and bool(flags & (2 | 32))


def _rect(obj: object) -> tuple[float, float, float, float] | None:
    rect = obj.get("/Rect") if isinstance(obj, pikepdf.Dictionary) else None
    if not isinstance(rect, pikepdf.Array) or len(rect) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in rect)
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _refs(array: object) -> set[OG]:
    if not isinstance(array, pikepdf.Array):
        return set()
    return {item.objgen for item in array if isinstance(item, pikepdf.Object) and item.is_indirect}


def _first_rect(pdf: pikepdf.Pdf, ogs: set[OG]) -> tuple[float, float, float, float] | None:
    for og in sorted(ogs):
        rect = _rect(_get(pdf, og))
        if rect is not None:
            return rect
    return None
