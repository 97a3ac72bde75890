"""The records store as one object: engine, sessions, migrations, and a transaction per unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from schemas.settings import Settings
from store._group import PerLoop
from store.records._aio import LoopPools, conninfo_of
from store.records._db import make_engine, session_factory, transaction
from store.records._migrate import check_current, upgrade

P = ParamSpec("P")
T = TypeVar("T")


class RecordStore:
    """Sessions on the configured database; use :meth:`transaction` around repository calls.

    Args:
        engine: the database engine.
    """

    def __init__(self, engine: Engine, *, read_engine: Engine | None = None,
                 pools: Callable[[], LoopPools] | None = None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.read_engine = read_engine
        self.read_sessions = session_factory(read_engine) if read_engine is not None else self.sessions
        # asyncio connections belong to the event loop that opened them: pools per loop
        self._pools = PerLoop(pools) if pools is not None else None

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
        """``fn(session, *args, **kwargs)`` in :meth:`read_transaction`, on a thread, awaited (the reads the
        event-loop reads of ``_hot`` hand over)."""
        def in_thread() -> T:
            with self.read_transaction() as session:
                return fn(session, *args, **kwargs)

        return await asyncio.to_thread(in_thread)

    async def pools(self) -> LoopPools | None:
        """This event loop's asyncio connections (opened on first use); ``None`` unless on PostgreSQL with
        the read engine (``store.sync_read_audit`` off)."""
        if self._pools is None:
            return None
        pools = self._pools.current()
        if pools is None:
            pools = self._pools.get()
            await pools.open()
        return pools

    async def write_audit(self, line: dict[str, Any]) -> None:
        """Commit one audit line (:func:`~store.records._audit.audit_line`), durably, by group commit.

        Concurrent callers share one INSERT and one commit that waits for the disk; each returns
        only once its line is committed, and raises if the batch could not be: a read whose
        audit line failed must fail too. PostgreSQL only (see :meth:`pools`).

        Raises:
            TransientError: the database is unreachable (``database_unavailable``).
        """
        pools = await self.pools()
        if pools is None:
            raise RuntimeError("audit lines are group-committed on PostgreSQL only")
        await pools.audits.submit(line)

    async def close_async(self) -> None:
        """Close the asyncio connections of this event loop (the app's shutdown)."""
        pools = self._pools.pop() if self._pools is not None else None
        if pools is not None:
            await pools.close()

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
    conninfo = conninfo_of(settings, url=url) if read_engine is not None else None
    records = RecordStore(engine, read_engine=read_engine,
                          pools=(lambda: LoopPools(conninfo, settings)) if conninfo is not None else None)
    if migrate is None:
        migrate = records.dialect == "sqlite" and settings.store.auto_migrate_sqlite
    if migrate:
        records.upgrade()
    else:
        check_current(records.engine)
    return records
