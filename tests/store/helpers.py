"""Builders for records tests: results as the pipeline returns them, scans as the object store returns them."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from schemas.documents import ComponentResult, DigitizeResult, DocType, FieldValue, Metadata, PageInfo
from store.objects import Bucket, StoredObject, content_key
from store.records import (
    SYSTEM_WORKER,
    Principal,
    add_component,
    begin_processing,
    complete_component,
    ensure_citizen,
    ensure_dossier,
)

OFFICER = Principal("officer", "cb01", frozenset({"000.00.15.H55"}))
#: an operator's command in development: acts for every agency (files outside dossiers)
OPERATOR = Principal("officer", "cli", None)
CITIZEN = "001090000001"
OTHER = "079190000002"
DOSSIER = "000.00.15.H55-230612-0001"
PROCEDURE = "1.001193"


def scan(seed: str, owner: str = CITIZEN) -> StoredObject:
    """A stored scan as the object store would describe it (no bytes needed for records tests)."""
    sha = hashlib.sha256(seed.encode()).hexdigest()
    return StoredObject(Bucket.SCANS, content_key(sha), sha, 1000, "image/png", owner)


def result(doc_type: str = "can_cuoc", *, fields: dict[str, str] | None = None, metadata: dict[str, Any] | None = None,
           text: str = "", pages: int = 1, parts: int = 1) -> DigitizeResult:
    """A DigitizeResult of ``parts`` documents of ``pages`` pages each."""
    comps = tuple(
        ComponentResult(
            doc_type=DocType(doc_type), confidence=0.93, page_range=(i * pages + 1, (i + 1) * pages),
            fields={k: FieldValue(value=v, confidence=0.9, page=1) for k, v in (fields or {}).items()},
            metadata=Metadata(**(metadata or {})), text=text,
        )
        for i in range(parts)
    )
    info = tuple(PageInfo(number=n, source="ocr", width=2480, height=3508, dpi=300, color=True)
                 for n in range(1, pages * parts + 1))
    return DigitizeResult(file="scan.png", doc_type=DocType(doc_type), confidence=0.93, pages=pages * parts,
                          page_info=info, components=comps, sha256="0" * 64)


def digitized(session: Session, res: DigitizeResult, *, seed: str, citizen: str = CITIZEN,
              dossier: str | None = DOSSIER) -> list[str]:
    """Take a scan in and store ``res`` for it, as ingest + a worker would; returns the document ids."""
    by = OFFICER if dossier else OPERATOR
    owner = ensure_citizen(session, by, citizen)
    folder = ensure_dossier(session, by, owner, dossier, PROCEDURE) if dossier else None
    comp, _ = add_component(session, by, citizen=owner, dossier=folder, file_name=f"{seed}.png",
                            scan=scan(seed, citizen))
    begin_processing(session, SYSTEM_WORKER, comp.id)
    return complete_component(session, SYSTEM_WORKER, comp.id, res, searchable_pdf_key=None, signature=None)
