"""Orphaned objects: files that went up but whose records never committed (a crash, a database outage).

Uploads come before the transaction that records them, so such files are
expected now and then; they are harmless but take space. :func:`sweep_orphans`
lists each bucket, keeps what is younger than the grace period (an upload may
be just about to commit) and what any record refers to, and deletes the rest,
every version of it, under the exclusive object claim (see
:mod:`store.records._claims`), in batches. Run it with ``sohoa sweep``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from store.objects import Bucket, ListedObject
from store.records import Principal, audit, claim_objects, referenced_keys
from store.records._access import require_role

if TYPE_CHECKING:
    from store._kho import Store

_BATCH = 200


@dataclass
class OrphanSweep:
    """What a sweep for orphaned objects found and did.

    Attributes:
        looked_at: objects listed.
        orphans: (bucket, key, size) of every object old enough that no record refers to.
        deleted: whether they were deleted (``False`` on a dry run).
    """

    looked_at: int = 0
    orphans: list[tuple[str, str, int]] = field(default_factory=list)
    deleted: bool = False

    @property
    def bytes(self) -> int:
        """Bytes the orphans take."""
        return sum(size for _, _, size in self.orphans)

    def to_json(self) -> dict[str, object]:
        """The outcome as plain data (``sohoa sweep --json``)."""
        return {"looked_at": self.looked_at, "deleted": self.deleted, "bytes": self.bytes,
                "orphans": [{"bucket": b, "key": k, "size": s} for b, k, s in self.orphans]}


def _batches(items: Iterator[ListedObject], size: int) -> Iterator[list[ListedObject]]:
    while batch := list(islice(items, size)):
        yield batch


def sweep_orphans(store: Store, *, older_than_s: float, by: Principal, dry_run: bool = False,
                  buckets: Sequence[Bucket] = tuple(Bucket)) -> OrphanSweep:
    """Delete (or with ``dry_run`` only list) the objects no record refers to.

    Args:
        store: files and records.
        older_than_s: the grace period: younger objects are kept whatever refers to them.
        by: who sweeps, for the audit log (one entry per batch deleted).
        dry_run: list, delete nothing.
        buckets: which buckets to sweep.

    Raises:
        TransientError: S3 or the database is unreachable (what was deleted so far stays deleted).
        AccessDenied: ``by`` is not the system.
    """
    require_role(by)
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_s)
    outcome = OrphanSweep(deleted=not dry_run)
    for bucket in buckets:
        for batch in _batches(store.objects.list_objects(bucket), _BATCH):
            outcome.looked_at += len(batch)
            old = [o for o in batch if o.modified < cutoff]
            if not old:
                continue
            with store.records.transaction() as session:
                claim_objects(session, exclusive=True)
                kept = referenced_keys(session, [o.key for o in old])
                orphans = [o for o in old if o.key not in kept]
                if orphans and not dry_run:
                    for o in orphans:
                        store.objects.delete(bucket, o.key)
                    audit(session, by, "sweep", "object", bucket.value, count=len(orphans),
                          bytes=sum(o.size for o in orphans), keys=[o.key for o in orphans][:50])
            outcome.orphans.extend((bucket.value, o.key, o.size) for o in orphans)
    return outcome
