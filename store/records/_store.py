"""The records store as one object: engine, sessions, migrations, and a transaction per unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from schemas.settings import Settings
from store.records._db import make_engine, session_factory, transaction
from store.records._migrate import check_current, upgrade


class RecordStore:
    """Sessions on the configured database; use :meth:`transaction` around repository calls.

    Args:
        engine: the database engine.
    """

    def __init__(self, engine: Engine, *, read_engine: Engine | None = None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.read_engine = read_engine
        self.read_sessions = session_factory(read_engine) if read_engine is not None else self.sessions

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
    records = RecordStore(engine, read_engine=read_engine)
    if migrate is None:
        migrate = records.dialect == "sqlite" and settings.store.auto_migrate_sqlite
    if migrate:
        records.upgrade()
    else:
        check_current(records.engine)
    return records
