"""Components whose job was lost: enqueued again, or given up on with ``job_lost`` (``sohoa sweep``, and workers).

A component stays ``pending`` or ``processing`` with no message left to finish
it when its message was dead-lettered (the last attempt could not even record
its failure: the database was down), when enqueueing failed after the upload,
or when RabbitMQ lost it. Such a component is older than anything a live job
can be: the time limit of a job plus the longest backoff between retries. The
sweep only runs when the queue and its delay queue are empty, because a backlog
may hold old messages that are still on their way; it then enqueues the stale
components again (the jobs are idempotent) or, past the attempt budget, ends
them ``failed`` with ``job_lost`` and a reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from schemas.settings import WorkerSettings
from store.records import SYSTEM_WORKER, Principal, RecordStore, sweep_stale

if TYPE_CHECKING:  # _dispatch imports the jobs, which import this module
    from workers._dispatch import Dispatcher

log = logging.getLogger(__name__)


def max_attempts(cfg: WorkerSettings) -> int:
    """Attempts a component gets: the first, ``max_retries`` retries, and two deliveries lost to dead workers."""
    return cfg.max_retries + 3


def stale_after_s(cfg: WorkerSettings) -> float:
    """How long a component may stay unfinished before its job counts as lost.

    ``worker.stale_after_s`` when set, else the job's time limit plus the longest
    backoff plus five minutes.
    """
    if cfg.stale_after_s is not None:
        return cfg.stale_after_s
    return cfg.digitize_time_limit_s + cfg.max_backoff_ms / 1000 + 300


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep did.

    Attributes:
        requeued: components enqueued again.
        given_up: components now ``failed`` with ``job_lost``.
        skipped: why nothing was looked at (messages still queued), else ``None``.
    """

    requeued: tuple[str, ...] = ()
    given_up: tuple[str, ...] = ()
    skipped: str | None = None

    def to_json(self) -> dict[str, object]:
        """The outcome as plain data (``sohoa sweep --json``)."""
        return {"requeued": list(self.requeued), "given_up": list(self.given_up), "skipped": self.skipped}


def sweep_stuck(records: RecordStore, dispatcher: Dispatcher, cfg: WorkerSettings, *,
                by: Principal = SYSTEM_WORKER, dry_run: bool = False) -> SweepOutcome:
    """Enqueue again, or give up on, the components whose job was lost.

    Args:
        records: the records store.
        dispatcher: where the jobs go again (the queue, or inline without a broker).
        cfg: the ``worker`` section (retries, backoff, time limit, ``stale_after_s``).
        by: who sweeps, for the audit log.
        dry_run: say what would be done; change and enqueue nothing.

    Raises:
        TransientError: the database or the broker is unreachable.
    """
    waiting = dispatcher.queued()
    if waiting:
        return SweepOutcome(skipped=f"{waiting} message(s) still queued: old components may be on their way")
    before = datetime.now(UTC) - timedelta(seconds=stale_after_s(cfg))
    with records.transaction() as session:
        again, lost = sweep_stale(session, by, before=before, max_attempts=max_attempts(cfg), dry_run=dry_run)
    if dry_run:
        return SweepOutcome(tuple(again), tuple(lost))
    for component_id in again:
        dispatcher.digitize(component_id)
    if again or lost:
        log.warning("sweep: %d stale component(s) enqueued again, %d given up on (job_lost)", len(again), len(lost))
    return SweepOutcome(tuple(again), tuple(lost))
