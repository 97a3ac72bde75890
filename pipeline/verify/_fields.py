"""Every signature field of a document, signed or not, as a viewer lists them.

The walk follows the AcroForm field tree (names joined with ``.``, the field
type inherited down the tree) and survives what hostile files do to it: loops
between fields, kids that are not dictionaries, partial names with periods,
thousands of fields. A field is a signature field when its (inherited) type is
``/Sig``; it is signed when its value is a dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf

from pipeline.verify._guard import Deadline

#: deeper field trees are not followed (the PDF spec sets no limit; real forms stay under ten)
_MAX_DEPTH = 32


@dataclass(frozen=True)
class SigField:
    """One signature field.

    Attributes:
        name: its fully qualified name.
        field: the field dictionary (the terminal node).
        value: the signature dictionary in ``/V``, ``None`` for an empty field.
        widgets: the widget annotations that show it.
    """

    field: pikepdf.Dictionary
    name: str
    value: pikepdf.Dictionary | None
    widgets: tuple[pikepdf.Dictionary, ...]

    @property
    def value_og(self) -> tuple[int, int] | None:
        """Object number of the signature dictionary (``None``: empty, or written inline)."""
        if self.value is None or not self.value.is_indirect:
            return None
        return self.value.objgen  # type: ignore[no-any-return]


def signature_fields(pdf: pikepdf.Pdf, *, deadline: Deadline, limit: int) -> list[SigField]:
    """The signature fields of ``pdf`` in field-tree order.

    Args:
        pdf: the document.
        deadline: checked while walking.
        limit: at most this many fields are returned.

    Returns:
        The fields found.
    """
    form = pdf.Root.get("/AcroForm")
    fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
    out: list[SigField] = []
    if isinstance(fields, pikepdf.Array):
        _walk(fields, "", None, 0, _Walk(seen=set(), out=out, deadline=deadline, limit=limit))
    return out


@dataclass
class _Walk:
    seen: set[tuple[int, int]]
    out: list[SigField]
    deadline: Deadline
    limit: int


def _walk(kids: pikepdf.Array, parent: str, inherited: object, depth: int, state: _Walk) -> None:
    if depth > _MAX_DEPTH:
        return
    for kid in kids:
        if len(state.out) >= state.limit:
            return
        state.deadline.check()
        if not isinstance(kid, pikepdf.Dictionary):
            continue
        if kid.is_indirect:
            if kid.objgen in state.seen:
                continue  # a loop, or a field listed twice
            state.seen.add(kid.objgen)
        _visit(kid, parent, inherited, depth, state)


def _visit(node: pikepdf.Dictionary, parent: str, inherited: object, depth: int, state: _Walk) -> None:
    partial = pdf_text(node.get("/T"))
    name = f"{parent}.{partial}" if parent and partial else (partial or parent)
    ftype = node.get("/FT", inherited)
    kids = node.get("/Kids")
    children = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/T" in k] \
        if isinstance(kids, pikepdf.Array) else []
    if children:
        _walk(kids, name, ftype, depth + 1, state)  # type: ignore[arg-type]
        return
    if ftype != pikepdf.Name.Sig:
        return
    value = node.get("/V")
    widgets = [k for k in kids if isinstance(k, pikepdf.Dictionary)] if isinstance(kids, pikepdf.Array) else []
    if not widgets and node.get("/Subtype") == pikepdf.Name.Widget:
        widgets = [node]
    state.out.append(SigField(field=node, name=name, value=value if isinstance(value, pikepdf.Dictionary) else None,
                              widgets=tuple(widgets)))


def pdf_text(value: object) -> str:
    """A PDF string as text (PDFDocEncoding or UTF-16 by pikepdf, else Latin-1); ``""`` for anything else."""
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except (UnicodeDecodeError, ValueError):
            return bytes(value).decode("latin-1")
    return ""
