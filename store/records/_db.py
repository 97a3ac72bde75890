"""Database engine and sessions: PostgreSQL when ``SOHOA_DATABASE_URL`` is set, else SQLite.

This module is the adapter around the database: it owns the engine, its
timeouts and pool, and turns lost connections into :class:`TransientError`
(``database_unavailable``) so workers retry them with backoff.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from schemas.errors import ConfigError, ErrorCode, TransientError
from schemas.settings import Settings


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL: ``SOHOA_DATABASE_URL`` (psycopg 3 for PostgreSQL) or the embedded SQLite."""
    if not settings.database_url:
        return f"sqlite:///{settings.data_dir / 'sohoa.db'}"
    url = settings.database_url
    for plain in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def make_engine(settings: Settings, *, url: str | None = None, synchronous_commit: bool = True) -> Engine:
    """An engine for the configured database.

    Args:
        settings: ``database_url``, ``data_dir`` and the ``store`` section (timeouts, pool).
        url: overrides the URL (tests, ``sohoa db upgrade --url``).
        synchronous_commit: ``False`` makes PostgreSQL commits of this engine's sessions not wait
            for the disk (for read transactions, whose only writes are audit lines); such an engine
            also skips the ping on checkout (a read on a dropped connection fails once as
            ``database_unavailable``, the pool is refreshed, and the retry reads).

    Raises:
        ConfigError: the URL names an unsupported database.
    """
    target = make_url(url or database_url(settings))
    cfg = settings.store
    if target.get_backend_name() == "sqlite":
        if target.database:
            from pathlib import Path

            Path(target.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(target, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if target.get_backend_name() != "postgresql":
        raise ConfigError("only PostgreSQL and SQLite are supported", detail={"url": str(target)})
    if not synchronous_commit:
        # reads: each statement its own transaction (READ COMMITTED gives every statement its own
        # snapshot anyway), so a read costs its statements' round trips and no BEGIN and COMMIT; the
        # audit INSERT is committed before the reply is made. No overflow connections: a read
        # waits for a pooled one rather than opening (and closing) a server process of its own.
        return create_engine(
            target, pool_pre_ping=False, pool_size=cfg.db_pool_size, max_overflow=0,
            pool_timeout=cfg.db_connect_timeout_s * 2, isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": max(1, int(cfg.db_connect_timeout_s)),
                          "options": "-c synchronous_commit=off"},
        )
    return create_engine(
        target,
        pool_pre_ping=True,
        pool_size=cfg.db_pool_size,
        pool_timeout=cfg.db_connect_timeout_s * 2,
        connect_args={"connect_timeout": max(1, int(cfg.db_connect_timeout_s))},
    )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (views are built after the transaction)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def db_errors() -> Iterator[None]:
    """Turn a lost or refused database connection into a retryable error."""
    try:
        yield
    except (OperationalError, DisconnectionError, PoolTimeout) as e:
        if _sqlite_permanent(e):
            raise
        raise TransientError(
            "the database is unreachable", code=ErrorCode.DATABASE_UNAVAILABLE,
            detail={"error": type(e.orig if isinstance(e, DBAPIError) else e).__name__},
        ) from e
    except DBAPIError as e:
        if e.connection_invalidated:
            raise TransientError("the database connection was lost",
                                 code=ErrorCode.DATABASE_UNAVAILABLE) from e
        raise


def _sqlite_permanent(e: Exception) -> bool:
    """SQLite reports both "locked" (worth a retry) and "no such table" as OperationalError."""
    orig = getattr(e, "orig", None)
    if orig is None or not type(orig).__module__.startswith("sqlite3"):
        return False
    return not any(word in str(orig) for word in ("locked", "busy", "unable to open"))


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, connection errors made retryable."""
    with db_errors(), sessions() as session, session.begin():
        yield session
