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

import pikepdf

from pipeline.verify._document import PdfFile
from pipeline.verify._guard import Deadline
from pipeline.verify._objects import (
    OG,
    diff_keys,
    field_name,
    field_type,
    first_rect,
    get_object,
    hidden,
    names_only_ap,
    only_added,
    only_made_read_only,
    parent_og,
    rect_of,
    refs_in,
    same,
    structural,
    value_changed,
)
from pipeline.verify._roles import Roles, roles

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
        new = get_object(doc.pdf, og)
        before = get_object(old, og) if og in old_xref else None
        if new is None or (before is not None and same(before, new)):
            continue
        changed.append((og, before, new))
    ctx.filled = {og for og, before, new in changed if value_changed(before, new)}
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
    if not role or structural(new):
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
        return Change(kind, label, pages, ref, rect=rect_of(new))
    if "annots_list" in role:
        return _annots_list(o, ctx)
    if "page" in role:
        return _page(before, new, label, pages, ref)
    if "page_contents" in role:
        return Change("page_content_changed", label, pages, ref)
    if "resource" in role:
        if only_added(before, new):
            return None  # new names beside the old ones: nothing on the page uses them yet
        return Change("page_resource_changed", label, pages, ref)
    if "names" in role:
        return _keys_change(before, new, set(), "catalog_changed", "the document's name trees", ref=ref,
                            harmless={"/AP"})
    if "named_appearance" in role:
        return Change("annotation_changed", "named appearances (annotation icons)", pages, ref)
    if "catalog" in role:
        harmless = {"/Names"} if names_only_ap(before, new) else set()
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
        keys = diff_keys(before, new) - {"/Contents"}
        return Change("signature_dictionary_changed", f"{label}: {', '.join(sorted(keys)) or '/Contents'} changed",
                      pages, ref)
    if isinstance(new, pikepdf.Dictionary) and new.get("/Type") == pikepdf.Name.DocTimeStamp:
        return Change("lta_update", "a document timestamp", pages, ref)
    return Change("signature_added", label.replace("signature dictionary of", "a signature in"), pages, ref)


def _field(o: _Obj, ctx: _Context) -> Change:
    og, before, new, label, pages, ref = o.og, o.before, o.new, o.label, o.pages, o.ref
    name = field_name(new)
    is_sig = field_type(new) == pikepdf.Name.Sig
    rect = rect_of(new)
    if before is None:
        if is_sig:
            visible = rect is not None and (rect[2] - rect[0]) * (rect[3] - rect[1]) > 0 and not hidden(new)
            return Change("signature_field_added" if visible else "signature_added", f"new signature {label}", pages,
                          ref, field=name, rect=rect)
        return Change("field_added", f"new {label}", pages, ref, field=name, rect=rect)
    keys = diff_keys(before, new)
    if "/Ff" in keys and only_made_read_only(before, new):
        keys.discard("/Ff")
        if not keys:  # a locking signature makes the fields it locks read-only (Adobe's "lock after signing")
            return Change("field_locked", f"{label}: made read-only", pages, ref, field=name)
    if keys <= _FILL_KEYS:
        filled = og in ctx.filled or parent_og(new) in ctx.filled
        if filled:
            return Change("signature_added" if is_sig else "form_filled", label, pages, ref, field=name, rect=rect)
        return Change("appearance_redrawn", f"{label}: appearance redrawn, value unchanged", pages, ref,
                      field=name, rect=rect)
    return Change("field_changed", f"{label}: {', '.join(sorted(keys - _FILL_KEYS))} changed", pages, ref,
                  field=name, rect=rect)


def _part(o: _Obj, ctx: _Context, *, appearance: bool) -> Change:
    """A part of an annotation or widget (its appearance, its action, its colours): judged with its owner."""
    og, label, pages, ref = o.og, o.label, o.pages, o.ref
    for owner in sorted(ctx.final.owner.get(og, ())):
        holder = get_object(ctx.doc.pdf, owner)
        owner_new = owner not in ctx.old_ogs
        filled = owner in ctx.filled or (holder is not None and parent_og(holder) in ctx.filled)
        if "annotation" in ctx.final.of.get(owner, set()):
            return Change("annotation_added" if owner_new else "annotation_changed", label, pages, ref,
                          rect=rect_of(holder))
        if holder is not None and (filled or owner_new):
            is_sig = field_type(holder) == pikepdf.Name.Sig
            return Change("signature_added" if is_sig else "form_filled", label, pages, ref,
                          field=field_name(holder), rect=rect_of(holder))
    if appearance:
        return Change("appearance_redrawn", f"{label} redrawn", pages, ref)
    return Change("field_changed", f"{label}: a part of it changed", pages, ref)


def _annots_list(o: _Obj, ctx: _Context) -> Change | None:
    gone = refs_in(o.before) - refs_in(o.new)
    if not gone:
        return None  # additions are judged by the annotations themselves
    return Change("annotation_removed", f"{o.label}: {len(gone)} removed", o.pages, o.ref,
                  rect=first_rect(ctx.old, gone))


def _page(before: object | None, new: pikepdf.Object, label: str, pages: tuple[int, ...],
          ref: tuple[str, ...]) -> Change | None:
    if before is None:
        return Change("page_added", label, pages, ref)
    keys = diff_keys(before, new)
    if "/Resources" in keys and only_added(before.get("/Resources"), new.get("/Resources")):  # type: ignore[attr-defined]
        keys.discard("/Resources")
    if keys - {"/Annots"}:
        kind = "page_content_changed" if "/Contents" in keys else \
            "page_resource_changed" if "/Resources" in keys else "page_changed"
        return Change(kind, f"{label}: {', '.join(sorted(keys))} changed", pages, ref)
    gone = refs_in(before.get("/Annots")) - refs_in(new.get("/Annots"))  # type: ignore[attr-defined]
    return Change("annotation_removed", f"annotations of {label}: {len(gone)} removed", pages, ref) if gone else None


def _keys_change(before: object | None, new: pikepdf.Object, allowed: set[str], kind: str, label: str, *,
                 ref: tuple[str, ...], harmless: set[str] | None = None) -> Change | None:
    keys = diff_keys(before, new) if before is not None else set()
    if not keys - allowed:
        return None
    if harmless and not keys - allowed - harmless:
        return Change("annotation_changed", f"{label}: {', '.join(sorted(keys))} changed", (), ref)
    return Change(kind, f"{label}: {', '.join(sorted(keys - allowed))} changed", (), ref)


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
