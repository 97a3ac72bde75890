"""Which stored objects the records refer to, and the claim that keeps a sweep from deleting one being referred to.

Files go up before the transaction that records them, so a crash in between
leaves an object nobody refers to (an orphan) and a sweep may delete it. The
same bytes handed in again later find the object already there and skip the
upload; without care, a sweep could delete it between that moment and the
commit. So a transaction that records references takes the *shared* claim and
checks the objects are still there after writing its rows; a sweep takes the
*exclusive* claim while it checks references and deletes. A dossier upload
(:meth:`store.Store.upload_components`) puts every file anew instead, while its
transaction holds the shared claim, and commits once they are all up: a file
just put is younger than any sweep's grace period. On PostgreSQL the
claim is a transaction-level advisory lock; SQLite lets one writer at a time
anyway, so there the sweep only has to become a writer before it looks.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CompoundSelect, select, text, union
from sqlalchemy.orm import Session

from store.records._models import Component, Document, Signature

#: the advisory lock key of object claims ("sohoa" in ASCII)
_CLAIM_KEY = 0x736F686F61


def claim_objects(session: Session, *, exclusive: bool = False) -> None:
    """Take the object claim until the transaction ends.

    Args:
        session: the open transaction.
        exclusive: a sweep (no reference may be written meanwhile); writers take it shared.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        call = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        session.execute(text(f"SELECT {call}(:key)"), {"key": _CLAIM_KEY})
    elif exclusive:
        # a write that changes nothing makes this transaction SQLite's one writer until it ends
        session.execute(text("UPDATE components SET id = id WHERE 1 = 0"))


def referenced_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that some record refers to (a scan, a searchable or signed PDF, a signature's file)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return set()
    query: CompoundSelect[tuple[str | None]] = union(
        select(Component.scan_key.label("key")).where(Component.scan_key.in_(wanted)),
        select(Document.source_scan_key).where(Document.source_scan_key.in_(wanted)),
        select(Document.searchable_pdf_key).where(Document.searchable_pdf_key.in_(wanted)),
        select(Document.signed_pdf_key).where(Document.signed_pdf_key.in_(wanted)),
        select(Signature.pdf_key).where(Signature.pdf_key.in_(wanted)),
    )
    return {str(key) for key in session.scalars(query) if key}
