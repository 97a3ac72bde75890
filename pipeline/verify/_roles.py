"""What each object of a document is for: a page, its content, a font it uses, an annotation, a form field, the DSS.

A change after signing is judged by the part of the document the changed
object plays: a new OCSP answer in the DSS is expected, a new font program for
page 2 is not. :func:`roles` walks the document once from its catalog and
records, for every object it reaches, its roles and the pages that reach it.
Loops and shared objects are visited once per role; the walk is bounded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pikepdf

from pipeline.verify._fields import pdf_text
from pipeline.verify._guard import Deadline

OG = tuple[int, int]
#: objects walked in one document at most (a hostile graph cannot make the walk endless)
_MAX_NODES = 400_000
#: keys that point back up the tree, never followed
_BACK = {"/Parent", "/P", "/Prev", "/Last", "/First", "/Next", "/Popup", "/IRT", "/Data"}
#: dictionaries a subtree walk stops at: they have roles of their own
_STOP = {"/Catalog", "/Pages", "/Page"}


@dataclass
class Roles:
    """Roles of the objects of one document.

    Attributes:
        of: object -> role names (``page``, ``page_contents``, ``resource``, ``annotation``, ``widget``,
            ``appearance``, ``field``, ``sig_value``, ``acroform``, ``catalog``, ``pages_node``, ``dss``,
            ``metadata``, ``info``, ``catalog_entry``).
        pages: object -> 1-based numbers of the pages that reach it.
        label: object -> a short description (``font /F1``, ``field 'ho_ten'`` …).
        owner: part of an annotation or widget (its appearance, its action …) -> the annotations holding it.
        page_list: the page objects in order.
    """

    of: dict[OG, set[str]] = field(default_factory=lambda: defaultdict(set))
    pages: dict[OG, set[int]] = field(default_factory=lambda: defaultdict(set))
    label: dict[OG, str] = field(default_factory=dict)
    owner: dict[OG, set[OG]] = field(default_factory=lambda: defaultdict(set))
    page_list: list[OG] = field(default_factory=list)


class _Walker:
    def __init__(self, deadline: Deadline) -> None:
        self.roles = Roles()
        self.deadline = deadline
        self.count = 0

    def mark(self, obj: object, role: str, *, page: int | None = None, label: str | None = None) -> bool:
        """Record ``role`` on ``obj``; ``True`` when it is new for the object (then walk its children)."""
        if not isinstance(obj, pikepdf.Object) or not obj.is_indirect:
            return True  # direct objects are part of their holder: walk them, nothing to record
        self.count += 1
        if self.count % 2000 == 0:
            self.deadline.check()
        if self.count > _MAX_NODES:
            return False
        og = obj.objgen
        if page is not None:
            self.roles.pages[og].add(page)
        if label and og not in self.roles.label:
            self.roles.label[og] = label
        known = role in self.roles.of[og]
        self.roles.of[og].add(role)
        return not known

    def subtree(self, obj: object, role: str, *, page: int | None = None, label: str | None = None,
                depth: int = 0) -> None:
        """Mark ``obj`` and everything under it (not following back links) with ``role``."""
        if depth > 64 or (depth and isinstance(obj, pikepdf.Dictionary) and str(obj.get("/Type")) in _STOP):
            return
        if not self.mark(obj, role, page=page, label=label):
            return
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            items = obj.stream_dict.items() if isinstance(obj, pikepdf.Stream) else obj.items()
            for key, value in items:
                if key not in _BACK:
                    self.subtree(value, role, page=page, label=label, depth=depth + 1)
        elif isinstance(obj, pikepdf.Array):
            for value in obj:
                self.subtree(value, role, page=page, label=label, depth=depth + 1)


def roles(pdf: pikepdf.Pdf, *, deadline: Deadline) -> Roles:
    """Walk ``pdf`` from its catalog and trailer and give every object reached its roles."""
    w = _Walker(deadline)
    root = pdf.Root
    w.mark(root, "catalog")
    _pages(w, pdf)
    _form(w, root.get("/AcroForm"))
    w.subtree(root.get("/DSS"), "dss")
    w.subtree(root.get("/Metadata"), "metadata")
    w.subtree(pdf.trailer.get("/Info"), "info")
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        w.mark(names, "names", label="the document's name trees")
        w.subtree(names.get("/AP"), "named_appearance", label="named appearances (annotation icons)")
    for key, value in root.items():
        if key not in ("/Pages", "/AcroForm", "/DSS", "/Metadata"):
            w.subtree(value, "catalog_entry", label=f"catalog entry {key}")
    return w.roles


def _pages(w: _Walker, pdf: pikepdf.Pdf) -> None:
    _page_nodes(w, pdf.Root.get("/Pages"), 0)
    for number, page in enumerate(pdf.pages, 1):
        w.deadline.check()
        obj = page.obj
        w.mark(obj, "page", page=number, label=f"page {number}")
        if obj.is_indirect:
            w.roles.page_list.append(obj.objgen)
        w.subtree(obj.get("/Contents"), "page_contents", page=number, label=f"content stream of page {number}")
        _resources(w, obj.get("/Resources"), number, "")
        annots = obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            w.mark(annots, "annots_list", page=number, label=f"annotation list of page {number}")
            for annot in annots:
                _annotation(w, annot, number)


def _page_nodes(w: _Walker, node: object, depth: int) -> None:
    if depth > 64 or not isinstance(node, pikepdf.Dictionary) or node.get("/Type") != pikepdf.Name.Pages:
        return
    if not w.mark(node, "pages_node", label="page tree"):
        return
    kids = node.get("/Kids")
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            _page_nodes(w, kid, depth + 1)


def _resources(w: _Walker, resources: object, page: int, path: str, depth: int = 0) -> None:
    if not isinstance(resources, pikepdf.Dictionary) or depth > 16:
        return
    w.mark(resources, "resource", page=page, label=f"resources of page {page}")
    for category, entries in resources.items():
        if not isinstance(entries, pikepdf.Dictionary):
            continue
        kind = {"/Font": "font", "/XObject": "XObject"}.get(category, category.lstrip("/"))
        for name, value in entries.items():
            label = f"{kind} {path}{name} of page {page}"
            w.subtree(value, "resource", page=page, label=label)
            if isinstance(value, pikepdf.Stream) and value.get("/Subtype") == pikepdf.Name.Form:
                _resources(w, value.get("/Resources"), page, f"{path}{name}/", depth + 1)


def _annotation(w: _Walker, annot: object, page: int) -> None:
    if not isinstance(annot, pikepdf.Dictionary):
        return
    widget = annot.get("/Subtype") == pikepdf.Name.Widget
    role = "widget" if widget else "annotation"
    parent = annot.get("/Parent")
    name = pdf_text(annot.get("/T")) or (pdf_text(parent.get("/T")) if widget and isinstance(parent, pikepdf.Dictionary)
                                      else "")
    label = f"field '{name}' on page {page}" if widget else f"{str(annot.get('/Subtype', '/?'))[1:]} annotation " \
        f"on page {page}"
    if not w.mark(annot, role, page=page, label=label):
        return
    for key, value in annot.items():
        if key in _BACK:
            continue
        # the appearance, and the rest (actions, borders, colours): parts of the annotation, judged with it
        part = "appearance" if key == "/AP" else f"{role}_part"
        w.subtree(value, part, page=page, label=f"appearance of the {label}" if key == "/AP" else label)
        if annot.is_indirect:
            _owner(w, value, annot.objgen, 0)


def _owner(w: _Walker, obj: object, owner: OG, depth: int) -> None:
    if depth > 40:
        return
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        if owner in w.roles.owner[obj.objgen]:
            return
        w.roles.owner[obj.objgen].add(owner)
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        if str(obj.get("/Type")) in _STOP:
            return
        items = obj.stream_dict.items() if isinstance(obj, pikepdf.Stream) else obj.items()
        for key, value in items:
            if key not in _BACK:
                _owner(w, value, owner, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            _owner(w, value, owner, depth + 1)


def _form(w: _Walker, form: object) -> None:
    if not isinstance(form, pikepdf.Dictionary):
        return
    w.mark(form, "acroform", label="the form (AcroForm)")
    w.subtree(form.get("/DR"), "form_resource", label="the form's default resources")
    fields = form.get("/Fields")
    if isinstance(fields, pikepdf.Array):
        w.mark(fields, "acroform", label="the form's field list")
        _fields(w, fields, "", 0)


def _fields(w: _Walker, kids: pikepdf.Array, parent: str, depth: int) -> None:
    if depth > 32:
        return
    for kid in kids:
        if not isinstance(kid, pikepdf.Dictionary):
            continue
        partial = pdf_text(kid.get("/T"))
        name = f"{parent}.{partial}" if parent and partial else (partial or parent)
        if not w.mark(kid, "field", label=f"field '{name}'"):
            continue
        value = kid.get("/V")
        if isinstance(value, pikepdf.Dictionary) and ("/ByteRange" in value or "/Contents" in value):
            w.subtree(value, "sig_value", label=f"signature dictionary of '{name}'")
        else:
            w.subtree(value, "field_value", label=f"value of field '{name}'")
        sub = kid.get("/Kids")
        if isinstance(sub, pikepdf.Array):
            w.mark(sub, "field", label=f"field '{name}'")
            _fields(w, sub, name, depth + 1)

