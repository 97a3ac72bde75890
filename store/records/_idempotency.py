"""``Idempotency-Key`` of POST requests, kept in the database so every API replica sees the same keys.

The first request under a key claims it (a unique row per principal and key);
its answer is kept when it ends, and a retry gets that answer again instead of
doing the work twice. A retry that arrives while the first is still running is
told to wait (``conflict``, retryable); a different request under a used key is
refused (``idempotency_conflict``). A claim whose request died without an answer
may be taken over after ``stale_after_s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.errors import ConflictError, ErrorCode, InputError, TransientError
from store.records._models import utcnow
from store.records._tables import IdempotencyKey
from store.records._types import Principal

#: the longest key accepted (the header is the client's; refuse what cannot be a key)
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Replay:
    """The answer kept for a key: what the first request returned."""

    status_code: int
    body: dict[str, Any]


def claim_key(session: Session, by: Principal, key: str, fingerprint: str, *,
              stale_after_s: float = 120.0) -> Replay | None:
    """Claim ``key`` for this request, or get the answer kept for it.

    Call it in a transaction of its own, committed before the work starts.

    Returns:
        ``None`` when this request now holds the key (do the work, then :func:`complete_key`);
        the kept answer when the key was used before by the same request.

    Raises:
        InputError: an empty or overlong key.
        ConflictError: ``idempotency_conflict`` (the key was used for another request), or
            ``conflict`` (retryable) while the first request is still running.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InputError(f"an Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable characters",
                         detail={"length": len(key)})
    principal = str(by)
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.principal == principal,
                                                      IdempotencyKey.key == key).with_for_update())
    if row is None:
        session.add(IdempotencyKey(principal=principal, key=key, fingerprint=fingerprint, state="pending",
                                   created_at=utcnow()))
        try:
            session.flush()
        except IntegrityError as e:  # another replica claimed it a moment ago (the transaction is over)
            raise _in_progress(key) from e
        return None
    if row.fingerprint != fingerprint:
        raise ConflictError("this Idempotency-Key was used for another request", code=ErrorCode.IDEMPOTENCY_CONFLICT,
                            detail={"key": key})
    if row.state == "done" and row.status_code is not None:
        return Replay(row.status_code, dict(row.response or {}))
    if row.created_at < utcnow() - timedelta(seconds=stale_after_s):
        row.created_at = utcnow()  # the first request died without an answer: this one takes over
        return None
    raise _in_progress(key)


def _in_progress(key: str) -> TransientError:
    return TransientError("a request with this Idempotency-Key is still running: retry in a moment",
                          code=ErrorCode.CONFLICT, detail={"key": key})


def complete_key(session: Session, by: Principal, key: str, *, status_code: int, body: dict[str, Any]) -> None:
    """Keep the answer of the request holding ``key`` (replayed to its retries)."""
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.principal == str(by),
                                                      IdempotencyKey.key == key).with_for_update())
    if row is not None:
        row.state, row.status_code, row.response, row.completed_at = "done", status_code, body, utcnow()


def release_key(session: Session, by: Principal, key: str) -> None:
    """Forget a claim whose request failed in a way worth retrying (the retry does the work)."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.principal == str(by), IdempotencyKey.key == key,
                                                 IdempotencyKey.state == "pending"))


def purge_keys(session: Session, *, older_than_s: float) -> int:
    """Delete the keys older than ``older_than_s`` (a sweep); returns how many."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
