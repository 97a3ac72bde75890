"""``generate_corpus``: many files of every kind, each with its truth, and ``manifest.jsonl``.

File ``i`` gets kind ``kinds[i % len(kinds)]`` and a document type drawn in
turn from the allowed types, so a small corpus already covers every kind and
type; everything else follows from ``(seed, i)``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import _files, _marks
from corpus._degrade import degrade
from corpus._layout import A4
from corpus._pdf import ScannedPage
from corpus._render import CATALOG, render_document
from corpus._types import ComponentTruth, Degraded, PageSpec, PageTruth, RenderedDocument, SampleTruth
from schemas.documents import DocType
from schemas.errors import ErrorCode, InputError

KINDS: tuple[str, ...] = ("scan", "scan_rotated", "scan_200dpi", "bad_scan", "photo", "pdf_image",
                          "pdf_born_digital", "pdf_mixed", "tiff_multi", "id_card_bed", "stack")
_SINGLE_IMAGE = {"scan": "scan", "scan_rotated": "scan_rotated", "scan_200dpi": "scan_200dpi",
                 "bad_scan": "bad_scan", "photo": "photo"}
#: what is issued on paper only (never born digital)
_PAPER_ONLY = {DocType.CAN_CUOC, DocType.QSDD, DocType.BANG_TOT_NGHIEP}


@dataclass
class _Job:
    out_dir: Path
    stem: str
    kind: str
    seed: int
    rng: random.Random
    types: tuple[DocType, ...]
    first_type: DocType
    style: str = "in"

    def pick(self, *, avoid: set[DocType] | frozenset[DocType] = frozenset()) -> DocType:
        allowed = [t for t in self.types if t not in avoid] or list(self.types)
        return self.first_type if self.first_type in allowed else self.rng.choice(allowed)

    def render(self, doc_type: DocType, n: int = 0, layout: str | None = None) -> RenderedDocument:
        return render_document(doc_type, seed=self.seed * 8 + n, layout=layout, style=self.style)


def _truth(job: _Job, file: str, docs: Sequence[RenderedDocument], *, damage: list[str],
           pages: list[PageTruth], components: list[ComponentTruth]) -> SampleTruth:
    unique = tuple(dict.fromkeys(damage))
    return SampleTruth(file=file, kind=job.kind, seed=job.seed, font="+".join(d.font for d in docs),
                       layout="+".join(d.layout for d in docs), damage=unique, pages=pages,
                       components=components)


def _component(doc: RenderedDocument, first: int, n_pages: int) -> ComponentTruth:
    fields, meta = doc.shown_on(n_pages)
    return ComponentTruth(doc.doc_type, (first, first + n_pages - 1), fields, meta)


def _whole(doc: RenderedDocument) -> ComponentTruth:
    return _component(doc, 1, len(doc.pages))


def _single(job: _Job) -> SampleTruth:
    doc = job.render(job.pick())
    d = degrade(doc.pages[0], profile=_SINGLE_IMAGE[job.kind], seed=job.seed)
    fmt = "JPEG" if job.kind in ("photo", "bad_scan") or job.rng.random() < 0.6 else "PNG"
    name = f"{job.stem}.{'jpg' if fmt == 'JPEG' else 'png'}"
    quality = int(d.damage[-1].split("=")[1]) if d.damage and d.damage[-1].startswith("jpeg=") else 85
    (job.out_dir / name).write_bytes(_files.encode_image(d, fmt, quality=max(quality, 60)))
    pages = [PageTruth(doc.page_texts[0], d.rotation, d.dpi)]
    return _truth(job, name, [doc], damage=list(d.damage), pages=pages, components=[_component(doc, 1, 1)])


def _scan_pages(job: _Job, doc: RenderedDocument, profile: str, n: int) -> list[Degraded]:
    return [degrade(p, profile=profile, seed=job.seed * 16 + n * 4 + i) for i, p in enumerate(doc.pages)]


def _pdf_image(job: _Job) -> SampleTruth:
    doc = job.render(job.pick())
    profile = job.rng.choice(["scan", "scan", "scan_200dpi"])
    scans = _scan_pages(job, doc, profile, 0)
    flate = job.rng.random() < 0.25
    _files.write_image_pdf(job.out_dir / f"{job.stem}.pdf", [_files.scanned_page(s, flate=flate) for s in scans])
    pages = [PageTruth(t, s.rotation, s.dpi) for t, s in zip(doc.page_texts, scans, strict=True)]
    damage = [x for s in scans for x in s.damage]
    return _truth(job, f"{job.stem}.pdf", [doc], damage=damage, pages=pages, components=[_whole(doc)])


def _born_digital(job: _Job) -> SampleTruth:
    doc = job.render(job.pick(avoid=_PAPER_ONLY))
    _files.write_image_pdf(job.out_dir / f"{job.stem}.pdf", list(doc.specs))
    pages = [PageTruth(t, 0, 300) for t in doc.page_texts]
    return _truth(job, f"{job.stem}.pdf", [doc], damage=[], pages=pages, components=[_whole(doc)])


def _mixed(job: _Job) -> SampleTruth:
    digital = job.render(job.pick(avoid=_PAPER_ONLY), 0)
    scanned = job.render(job.rng.choice(job.types), 1)
    scans = _scan_pages(job, scanned, "scan", 1)
    parts = [(digital, None), (scanned, scans)]
    if job.rng.random() < 0.5:
        parts.reverse()
    out: list[ScannedPage | PageSpec] = []
    pages: list[PageTruth] = []
    comps: list[ComponentTruth] = []
    for doc, degraded in parts:
        comps.append(_component(doc, len(pages) + 1, len(doc.pages)))
        if degraded is None:
            out += list(doc.specs)
            pages += [PageTruth(t, 0, 300) for t in doc.page_texts]
        else:
            out += [_files.scanned_page(s) for s in degraded]
            pages += [PageTruth(t, s.rotation, s.dpi) for t, s in zip(doc.page_texts, degraded, strict=True)]
    _files.write_image_pdf(job.out_dir / f"{job.stem}.pdf", out)
    return _truth(job, f"{job.stem}.pdf", [p[0] for p in parts], damage=[x for s in scans for x in s.damage],
                  pages=pages, components=comps)


def _tiff(job: _Job) -> SampleTruth:
    docs = [job.render(job.pick(), 0)]
    if len(docs[0].pages) < 2:
        docs.append(job.render(job.rng.choice(job.types), 1))
    frames: list[tuple[Degraded, str]] = []
    pages: list[PageTruth] = []
    comps: list[ComponentTruth] = []
    for n, doc in enumerate(docs):
        comps.append(_component(doc, len(pages) + 1, len(doc.pages)))
        for i, page in enumerate(doc.pages):
            fax = job.rng.random() < 0.4
            d = degrade(page, profile="fax" if fax else "scan", seed=job.seed * 16 + n * 4 + i)
            frames.append((d, "group4" if fax else job.rng.choice(["jpeg", "jpeg", "tiff_adobe_deflate"])))
            pages.append(PageTruth(doc.page_texts[i], d.rotation, d.dpi))
    _files.write_tiff(job.out_dir / f"{job.stem}.tif", frames)
    damage = [x for d, _ in frames for x in d.damage]
    return _truth(job, f"{job.stem}.tif", docs, damage=damage, pages=pages, components=comps)


def _id_card(job: _Job) -> SampleTruth:
    doc = job.render(DocType.CAN_CUOC)
    profile = job.rng.choice(["scan", "scan", "scan_200dpi", "scan_rotated"])
    scans = _scan_pages(job, doc, profile, 0)
    pages = [PageTruth(t, s.rotation, s.dpi) for t, s in zip(doc.page_texts, scans, strict=True)]
    damage = [x for s in scans for x in s.damage]
    if len(scans) == 1:
        fmt = job.rng.choice(["JPEG", "PNG"])
        name = f"{job.stem}.{'jpg' if fmt == 'JPEG' else 'png'}"
        (job.out_dir / name).write_bytes(_files.encode_image(scans[0], fmt))
    else:
        name = f"{job.stem}.pdf"
        _files.write_image_pdf(job.out_dir / name, [_files.scanned_page(s) for s in scans])
    return _truth(job, name, [doc], damage=damage, pages=pages, components=[_whole(doc)])


def _filler(job: _Job, n: int) -> tuple[Degraded, str]:
    """A blank sheet or a separator sheet (patch-code bars), scanned."""
    from PIL import Image

    from corpus._raster import rasterize
    from corpus._types import ImageOp, PageSpec

    separator = job.rng.random() < 0.45
    ops = (ImageOp(60, 300, 475, 90, _marks.barcode(job.rng, width_px=1980, height_px=375)),) if separator else ()
    clean: Image.Image = rasterize(PageSpec(A4[0], A4[1], ops))
    return degrade(clean, profile="scan", seed=job.seed * 16 + 15 - n), "separator" if separator else "blank"


def _stack(job: _Job) -> SampleTruth:
    count = job.rng.randint(2, 4)
    docs = [job.render(job.pick() if n == 0 else job.rng.choice(job.types), n) for n in range(count)]
    scans: list[Degraded] = []
    pages: list[PageTruth] = []
    comps: list[ComponentTruth] = []
    damage: list[str] = []
    for n, doc in enumerate(docs):
        if n and job.rng.random() < 0.35:
            filler, what = _filler(job, n)
            scans.append(filler)
            pages.append(PageTruth("", 0, filler.dpi, blank=True))
            damage.append(what)
        comps.append(_component(doc, len(pages) + 1, len(doc.pages)))
        profile = "scan_rotated" if job.rng.random() < 0.1 else "scan"
        for s, text in zip(_scan_pages(job, doc, profile, n), doc.page_texts, strict=True):
            scans.append(s)
            pages.append(PageTruth(text, s.rotation, s.dpi))
            damage += list(s.damage)
    if job.rng.random() < 0.7:
        name = f"{job.stem}.pdf"
        _files.write_image_pdf(job.out_dir / name, [_files.scanned_page(s) for s in scans])
    else:
        name = f"{job.stem}.tif"
        _files.write_tiff(job.out_dir / name, [(s, "jpeg") for s in scans])
    return _truth(job, name, docs, damage=damage, pages=pages, components=comps)


_WRITERS: dict[str, Callable[[_Job], SampleTruth]] = {
    **{k: _single for k in _SINGLE_IMAGE},
    "pdf_image": _pdf_image, "pdf_born_digital": _born_digital, "pdf_mixed": _mixed, "tiff_multi": _tiff,
    "id_card_bed": _id_card, "stack": _stack,
}


def write_sample(out_dir: Path, *, index: int, kind: str, seed: int, doc_types: Sequence[DocType],
                 style: str = "in") -> SampleTruth:
    """Write file number ``index`` of a corpus (in ``style``: ``in`` or ``held_out``) and return its truth."""
    rng = random.Random(f"corpus:{seed}:{index}")
    types = tuple(DocType(t) for t in doc_types)
    file_seed = rng.randrange(2**31)
    job = _Job(out_dir, f"{index:05d}_{kind}", kind, file_seed, rng, types, types[index % len(types)], style)
    return _WRITERS[kind](job)


def check_request(kinds: Sequence[str], doc_types: Sequence[DocType] | None) -> tuple[list[str], list[DocType]]:
    """Validate kinds and types; drop ``id_card_bed`` when ID cards are not among the types.

    Raises:
        InputError: ``invalid_value`` for an unknown kind or type, or nothing left to write.
    """
    unknown = [k for k in kinds if k not in _WRITERS]
    if unknown or not kinds:
        raise InputError(f"unknown file kinds: {unknown}", code=ErrorCode.INVALID_VALUE,
                         detail={"kinds": list(KINDS)})
    try:
        types = [DocType(t) for t in (doc_types or list(CATALOG))]
    except ValueError as e:
        raise InputError(str(e), code=ErrorCode.INVALID_VALUE, detail={"types": [t.value for t in DocType]}) from e
    usable = [k for k in kinds if k != "id_card_bed" or DocType.CAN_CUOC in types]
    if not usable or not types:
        raise InputError("no file kind can be written for these document types", code=ErrorCode.INVALID_VALUE)
    return usable, types
