"""psycopg's asyncio connections, for the reads and audit lines that run on the event loop (PostgreSQL).

One :class:`LoopPools` per event loop (asyncio connections belong to the loop that
opened them): a pool for reads, autocommit with ``synchronous_commit`` off like the
read engine's (:func:`store.records._db.make_engine`), and one connection whose
commits wait for the disk, for the audit lines of those reads, written by group
commit: the lines of every read that arrived while the last batch was being written
go in one INSERT and one commit, and each read answers only once its line is in.
The reads themselves may be grouped the same way (:meth:`LoopPools.grouped`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy.engine import make_url

from schemas.errors import ErrorCode, TransientError
from schemas.settings import Settings
from store._group import GroupRunner
from store.records._db import database_url
from store.records._models import AuditEntry

_AUDIT_COLUMNS = ("at timestamptz, actor text, action text, record_type text, record_id text, citizen text, "
                  "ma_ho_so text, request_id text, detail jsonb")
#: the audit lines of a batch, from one JSON array: the statement never changes whatever the batch's size
_AUDIT_BATCH = (f"INSERT INTO {AuditEntry.__tablename__} (at, actor, action, record_type, record_id, citizen, "
                f"ma_ho_so, request_id, detail) SELECT at, actor, action, record_type, record_id, citizen, ma_ho_so, "
                f"request_id, detail FROM jsonb_to_recordset(%s::jsonb) AS x({_AUDIT_COLUMNS})")


def conninfo_of(settings: Settings, *, url: str | None = None) -> str | None:
    """psycopg's connection string for the configured database; ``None`` when it is not PostgreSQL."""
    target = make_url(url or database_url(settings))
    if target.get_backend_name() != "postgresql":
        return None
    return target.set(drivername="postgresql").render_as_string(hide_password=False)


class LoopPools:
    """The asyncio connections of one event loop (open them with :meth:`open`, close with :meth:`close`).

    Args:
        conninfo: :func:`conninfo_of`.
        settings: the ``store`` section's pool size and timeouts.
    """

    def __init__(self, conninfo: str, settings: Settings) -> None:
        cfg = settings.store
        connect = {"autocommit": True, "connect_timeout": max(1, int(cfg.db_connect_timeout_s))}
        self.reads = AsyncConnectionPool(conninfo, min_size=1, max_size=cfg.db_pool_size, open=False,
                                         timeout=cfg.db_connect_timeout_s * 2, name="sohoa-reads",
                                         kwargs={**connect, "options": "-c synchronous_commit=off"})
        self.durable = AsyncConnectionPool(conninfo, min_size=1, max_size=1, open=False,
                                           timeout=cfg.db_connect_timeout_s * 2, name="sohoa-audit", kwargs=connect)
        self.audits: GroupRunner[dict[str, Any], None] = GroupRunner(self._insert)
        self._grouped: dict[Hashable, GroupRunner[Any, Any]] = {}

    async def open(self) -> None:
        """Start the pools (their connections are made in the background)."""
        await self.reads.open()
        await self.durable.open()

    async def close(self) -> None:
        """Close every connection."""
        await self.reads.close()
        await self.durable.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A pooled read connection.

        Raises:
            TransientError: the database is unreachable (``database_unavailable``), as the
                session-based reads say it.
        """
        async with _unreachable(), self.reads.connection() as conn:
            yield conn

    def grouped(self, key: Hashable, flush: Callable[[list[Any]], Awaitable[Sequence[Any]]]) -> GroupRunner[Any, Any]:
        """The group runner ``key`` on these connections (made with ``flush`` on first use): one statement
        answers the same read of every request that arrived while the last one ran."""
        runner = self._grouped.get(key)
        if runner is None:
            runner = self._grouped[key] = GroupRunner(flush)
        return runner

    async def _insert(self, lines: list[dict[str, Any]]) -> list[None]:
        payload = json.dumps([{**line, "at": line["at"].isoformat()} for line in lines], ensure_ascii=False)
        async with _unreachable(), self.durable.connection() as conn:
            await conn.execute(_AUDIT_BATCH, (payload,))
        return [None] * len(lines)


@asynccontextmanager
async def _unreachable() -> AsyncIterator[None]:
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as e:
        raise TransientError("the database is unreachable", code=ErrorCode.DATABASE_UNAVAILABLE,
                             detail={"error": type(e).__name__}) from e
