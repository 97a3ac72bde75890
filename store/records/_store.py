"""The records store as one object: engine, sessions, migrations, and a transaction per unit of work."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from schemas.settings import Settings
from store._group import GroupRunner
from store.records._db import db_errors, make_async_read_engine, make_engine, session_factory, transaction
from store.records._migrate import check_current, upgrade
from store.records._models import AuditEntry

P = ParamSpec("P")
T = TypeVar("T")


class _LoopParts:
    """What one event loop reads and audits with: its asyncio engines, its audit group commit."""

    def __init__(self, read: AsyncEngine, durable: AsyncEngine) -> None:
        self.read, self.durable = read, durable
        self.audits: GroupRunner[dict[str, Any], None] = GroupRunner(self._insert)

    async def _insert(self, lines: list[dict[str, Any]]) -> list[None]:
        # one INSERT of every line, sent as one JSON array (the statement never changes, whatever the
        # batch's size: nothing to compile per batch), one commit (autocommit) that waits for the disk
        payload = json.dumps([{**line, "at": line["at"].isoformat()} for line in lines], ensure_ascii=False)
        async with self.durable.connect() as conn:
            await conn.exec_driver_sql(_AUDIT_BATCH, (payload,))
        return [None] * len(lines)


_AUDIT_COLUMNS = ("at timestamptz, actor text, action text, record_type text, record_id text, citizen text, "
                  "ma_ho_so text, request_id text, detail jsonb")
#: the audit lines of a batch, from one JSON array (PostgreSQL)
_AUDIT_BATCH = (f"INSERT INTO {AuditEntry.__tablename__} (at, actor, action, record_type, record_id, citizen, "
                f"ma_ho_so, request_id, detail) SELECT at, actor, action, record_type, record_id, citizen, ma_ho_so, "
                f"request_id, detail FROM jsonb_to_recordset(%s::jsonb) AS x({_AUDIT_COLUMNS})")


class RecordStore:
    """Sessions on the configured database; use :meth:`transaction` around repository calls.

    Args:
        engine: the database engine.
    """

    def __init__(self, engine: Engine, *, read_engine: Engine | None = None,
                 async_read: Callable[[bool], AsyncEngine | None] | None = None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.read_engine = read_engine
        self.read_sessions = session_factory(read_engine) if read_engine is not None else self.sessions
        self._make_async = async_read
        # asyncio connections belong to the event loop that opened them: one set per loop (a uvicorn
        # worker has one; tests open several), dropped with its loop
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopParts] = weakref.WeakKeyDictionary()

    @property
    def dialect(self) -> str:
        """``postgresql`` or ``sqlite``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error; lost connections are retryable."""
        with transaction(self.sessions) as session:
            yield session

    @contextmanager
    def read_transaction(self) -> Iterator[Session]:
        """A unit of work that only reads records (its one write: the audit lines of the reads).

        On PostgreSQL its commit does not wait for the disk (its sessions come from a pool whose
        connections have ``synchronous_commit`` off, unless ``store.sync_read_audit``): a reply
        is not held up by a WAL flush per read. A database crash may then lose the last
        fraction of a second of read audit lines; a transaction that writes records always
        waits for the disk.
        """
        with transaction(self.read_sessions) as session:
            yield session

    async def read(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(session, *args, **kwargs)`` as :meth:`read_transaction` runs it, awaited on the event loop.

        On PostgreSQL the function runs on this loop (``AsyncSession.run_sync``: its statements
        are awaited on psycopg's asyncio connections, no thread is held while the database
        answers, and no thread switch is paid per request); elsewhere (SQLite) in a thread.
        Either way it is the same repository function, with the same access checks and audit.
        """
        engine = self.async_read_engine()
        if engine is None:
            def in_thread() -> T:
                with self.read_transaction() as session:
                    return fn(session, *args, **kwargs)

            return await asyncio.to_thread(in_thread)
        with db_errors():
            async with AsyncSession(engine, expire_on_commit=False) as session:
                return await session.run_sync(fn, *args, **kwargs)

    def async_read_engine(self) -> AsyncEngine | None:
        """This event loop's asyncio read engine (autocommit, as :attr:`read_engine`); ``None`` on SQLite."""
        parts = self._parts()
        return parts.read if parts is not None else None

    async def write_audit(self, line: dict[str, Any]) -> None:
        """Commit one audit line (:func:`~store.records._audit.audit_line`), durably, by group commit.

        Concurrent callers share one INSERT and one commit that waits for the disk; each returns
        only once its line is committed, and raises if the batch could not be: a read whose
        audit line failed must fail too. PostgreSQL only (see :meth:`async_read_engine`).

        Raises:
            TransientError: the database is unreachable (``database_unavailable``).
        """
        parts = self._parts()
        if parts is None:
            raise RuntimeError("audit lines are group-committed on PostgreSQL only")
        with db_errors():
            await parts.audits.submit(line)

    def _parts(self) -> _LoopParts | None:
        if self._make_async is None:
            return None
        loop = asyncio.get_running_loop()
        parts = self._loops.get(loop)
        if parts is None:
            read, durable = self._make_async(False), self._make_async(True)
            if read is None or durable is None:
                self._make_async = None
                return None
            parts = self._loops[loop] = _LoopParts(read, durable)
        return parts

    async def close_async(self) -> None:
        """Close the asyncio connections of this event loop (the app's shutdown)."""
        parts = self._loops.pop(asyncio.get_running_loop(), None)
        if parts is not None:
            await parts.read.dispose()
            await parts.durable.dispose()

    def upgrade(self) -> str:
        """Migrate the database to the newest revision; returns it."""
        return upgrade(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()


def open_records(settings: Settings, *, url: str | None = None, migrate: bool | None = None) -> RecordStore:
    """The records store the settings name (SQLite under ``data_dir`` when no database URL is set).

    Args:
        settings: ``database_url``, ``data_dir`` and the ``store`` section.
        url: overrides the database URL.
        migrate: apply migrations now; ``None`` does it for SQLite when ``store.auto_migrate_sqlite``.

    Raises:
        ConfigError: the database is behind the code (run ``sohoa db upgrade``).
        TransientError: the database is unreachable.
    """
    engine = make_engine(settings, url=url)
    read_engine = None
    if engine.dialect.name == "postgresql" and not settings.store.sync_read_audit:
        read_engine = make_engine(settings, url=url, synchronous_commit=False)
    records = RecordStore(engine, read_engine=read_engine, async_read=(
        (lambda durable: make_async_read_engine(settings, url=url, durable=durable))
        if read_engine is not None else None))
    if migrate is None:
        migrate = records.dialect == "sqlite" and settings.store.auto_migrate_sqlite
    if migrate:
        records.upgrade()
    else:
        check_current(records.engine)
    return records
