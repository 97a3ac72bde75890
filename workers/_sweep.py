"""Components whose job was lost: enqueued again, or given up on with ``job_lost`` (``sohoa sweep``, and workers).

A component stays ``pending`` or ``processing`` with no message left to finish
it when its message was dead-lettered (the last attempt could not even record
its failure: the database was down), when enqueueing failed after the upload,
or when RabbitMQ lost it. Such a component is older than anything a live job
can be: the time limit of a job plus the longest backoff between retries. The
sweep enqueues the stale components again (the jobs are idempotent) or, past
the attempt budget, ends them ``failed`` with ``job_lost`` and a reason. Result
jobs left unfinished and callbacks left pending are dispatched again the same way.

A busy queue does not stop the sweep. What a worker had taken (a ``processing``
component, a ``running`` result job) and then lost is swept as soon as it is
stale. What was never taken may be waiting its turn in a backlog, so it is swept
only when the queue has overtaken it: every job goes through one FIFO queue, so
once a worker has taken a job created a stale period after this one was last
touched, this one's message is not in the queue any more
(:func:`store.records.last_taken`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from schemas.settings import WorkerSettings
from store.records import SYSTEM_WORKER, Principal, RecordStore, last_taken, stale_jobs, sweep_stale

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
        skipped: what was left for a quieter time (messages still queued), else ``None``.
        jobs: result jobs dispatched again.
        callbacks: callbacks dispatched again.
    """

    requeued: tuple[str, ...] = ()
    given_up: tuple[str, ...] = ()
    skipped: str | None = None
    jobs: tuple[str, ...] = ()
    callbacks: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The outcome as plain data (``sohoa sweep --json``)."""
        return {"requeued": list(self.requeued), "given_up": list(self.given_up), "skipped": self.skipped,
                "jobs": list(self.jobs), "callbacks": list(self.callbacks)}


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
    skipped = f"{waiting} message(s) still queued: what no worker has taken yet is left unless the queue has " \
        "overtaken it" if waiting else None
    stale = timedelta(seconds=stale_after_s(cfg))
    before = datetime.now(UTC) - stale
    with records.transaction() as session:
        overtaken: datetime | None = None
        if waiting:  # only what the queue has passed by (or nothing, when no worker took anything yet)
            taken = last_taken(session)
            overtaken = taken - stale if taken is not None else datetime(1970, 1, 1, tzinfo=UTC)
        again, lost = sweep_stale(session, by, before=before, max_attempts=max_attempts(cfg), dry_run=dry_run,
                                  pending_before=overtaken)
        jobs, calls = ([], []) if dry_run else stale_jobs(session, by, before=before, waiting_before=overtaken)
    if dry_run:
        return SweepOutcome(tuple(again), tuple(lost), skipped)
    for component_id in again:
        dispatcher.digitize(component_id)
    for job_id in jobs:
        dispatcher.sign_result(job_id)
    for job_id in calls:
        dispatcher.deliver_callback(job_id)
    if again or lost or jobs or calls:
        log.warning("sweep: %d stale component(s) enqueued again, %d given up on (job_lost), %d result job(s) "
                    "and %d callback(s) dispatched again", len(again), len(lost), len(jobs), len(calls))
    return SweepOutcome(tuple(again), tuple(lost), skipped, tuple(jobs), tuple(calls))
