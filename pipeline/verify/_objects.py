"""How two versions of a PDF object compare, and what a form field or annotation object says about itself.

Comparisons are shallow: a reference stays a reference (what it points to is
compared on its own), numbers compare by value (``595`` and ``595.0`` are the
same width), stream data compares raw (never decoded: a decompression bomb
changed after signing costs nothing to notice).
"""

from __future__ import annotations

from decimal import Decimal

import pikepdf

OG = tuple[int, int]


def get_object(pdf: pikepdf.Pdf, og: OG) -> pikepdf.Object | None:
    try:
        obj = pdf.get_object(og)
    except (pikepdf.PdfError, ValueError, KeyError, RuntimeError):
        return None
    return obj  # type: ignore[no-any-return]


def fingerprint(obj: object) -> bytes:
    try:
        if isinstance(obj, pikepdf.Stream):
            return obj.stream_dict.unparse() + b"\0stream\0" + obj.read_raw_bytes()
        if isinstance(obj, pikepdf.Object):
            return obj.unparse(resolved=True)
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return b"?unreadable"
    return repr(obj).encode()


def shallow(value: object, depth: int = 0) -> object:
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
        return ("stream", shallow(value.stream_dict, depth + 1))
    if isinstance(value, pikepdf.Dictionary):
        return tuple(sorted((k, shallow(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, pikepdf.Array):
        return tuple(shallow(v, depth + 1) for v in value)
    if isinstance(value, pikepdf.Object):
        try:
            return bytes(value.unparse())
        except (pikepdf.PdfError, ValueError, RuntimeError):
            return b"?unreadable"
    return repr(value)


def only_added(before: object, new: object) -> bool:
    """Whether a resource dictionary (direct or not) only gained names: every old entry is still there, the same."""
    if before is None or new is None:
        return before is None
    old_d, new_d = as_dict(before), as_dict(new)
    if old_d is None or new_d is None:
        return False
    for category, entries in old_d.items():
        fresh = new_d.get(category)
        old_e, new_e = as_dict(entries), as_dict(fresh)
        if old_e is None or new_e is None:
            if shallow(entries) != shallow(fresh):
                return False
            continue
        if any(shallow(v) != shallow(new_e.get(k)) for k, v in old_e.items()):
            return False
    return True


def as_dict(value: object) -> pikepdf.Dictionary | None:
    if isinstance(value, pikepdf.Stream):
        return None
    return value if isinstance(value, pikepdf.Dictionary) else None


def same(a: object, b: object) -> bool:
    return fingerprint(a) == fingerprint(b)


def diff_keys(before: object, new: object) -> set[str]:
    if not isinstance(before, pikepdf.Dictionary | pikepdf.Stream) or \
            not isinstance(new, pikepdf.Dictionary | pikepdf.Stream):
        return {"(the whole object)"}
    a = before.stream_dict if isinstance(before, pikepdf.Stream) else before
    b = new.stream_dict if isinstance(new, pikepdf.Stream) else new
    keys = {k for k in {*a.keys(), *b.keys()} if shallow(a.get(k)) != shallow(b.get(k))}
    if isinstance(before, pikepdf.Stream) and isinstance(new, pikepdf.Stream) and \
            before.read_raw_bytes() != new.read_raw_bytes():
        keys.add("(stream data)")
    return keys


def value_changed(before: object | None, new: pikepdf.Object) -> bool:
    if not isinstance(new, pikepdf.Dictionary) or ("/V" not in new and "/AS" not in new):
        return False
    if before is None:
        return True
    return bool({"/V", "/AS"} & diff_keys(before, new))


def structural(obj: object) -> bool:
    return isinstance(obj, pikepdf.Stream) and obj.get("/Type") in (pikepdf.Name.ObjStm, pikepdf.Name.XRef)


def field_type(obj: object) -> object:
    for node in lineage(obj):
        if "/FT" in node:
            return node.get("/FT")
    return None


def field_name(obj: object) -> str | None:
    parts = [str(node.get("/T")) for node in lineage(obj) if isinstance(node.get("/T"), pikepdf.String)]
    return ".".join(reversed(parts)) or None


def lineage(obj: object) -> list[pikepdf.Dictionary]:
    out: list[pikepdf.Dictionary] = []
    node = obj
    while isinstance(node, pikepdf.Dictionary) and len(out) < 32:
        out.append(node)
        node = node.get("/Parent")
    return out


def parent_og(obj: object) -> OG | None:
    parent = obj.get("/Parent") if isinstance(obj, pikepdf.Dictionary) else None
    return parent.objgen if isinstance(parent, pikepdf.Dictionary) and parent.is_indirect else None


def hidden(obj: pikepdf.Object) -> bool:
    flags = obj.get("/F", 0)
    return isinstance(flags, int) and bool(flags & (2 | 32))


def rect_of(obj: object) -> tuple[float, float, float, float] | None:
    rect = obj.get("/Rect") if isinstance(obj, pikepdf.Dictionary) else None
    if not isinstance(rect, pikepdf.Array) or len(rect) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in rect)
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def refs_in(array: object) -> set[OG]:
    if not isinstance(array, pikepdf.Array):
        return set()
    return {item.objgen for item in array if isinstance(item, pikepdf.Object) and item.is_indirect}


def first_rect(pdf: pikepdf.Pdf, ogs: set[OG]) -> tuple[float, float, float, float] | None:
    for og in sorted(ogs):
        rect = rect_of(get_object(pdf, og))
        if rect is not None:
            return rect
    return None


def only_made_read_only(before: object, new: object) -> bool:
    """The field flags only gained ReadOnly (bit 1)."""
    old = before.get("/Ff", 0) if isinstance(before, pikepdf.Dictionary) else None
    now = new.get("/Ff", 0) if isinstance(new, pikepdf.Dictionary) else None
    if not isinstance(old, int) or not isinstance(now, int):
        return False
    return now & old == old and now & ~old == 1


def names_only_ap(before: object | None, new: object) -> bool:
    """The catalog's name trees differ only in ``/AP`` (the named icons annotations use)."""
    if not isinstance(before, pikepdf.Dictionary) or not isinstance(new, pikepdf.Dictionary):
        return False
    a, b = before.get("/Names"), new.get("/Names")
    a_keys = set(a.keys()) if isinstance(a, pikepdf.Dictionary) else set()
    if not isinstance(b, pikepdf.Dictionary):
        return False
    changed = {k for k in a_keys | set(b.keys())
               if shallow(a.get(k) if isinstance(a, pikepdf.Dictionary) else None) != shallow(b.get(k))}
    return changed <= {"/AP"}
