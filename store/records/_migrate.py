"""Schema migrations (Alembic, shipped inside the package): upgrade, and the check that it was done."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from schemas.errors import ConfigError, ErrorCode
from store.records._db import db_errors

SCRIPT_LOCATION = "store.records:migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    with db_errors(), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Migrate the database to ``revision`` (idempotent).

    Args:
        engine: the database to migrate.
        revision: target revision; ``head`` is the newest.

    Returns:
        the revision the database is at afterwards.

    Raises:
        TransientError: the database is unreachable.
    """
    cfg = _config()
    with db_errors(), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return current_revision(engine) or ""


def check_current(engine: Engine) -> None:
    """Refuse to work on a database that is behind the code.

    Raises:
        ConfigError: ``config_invalid`` telling the operator to run ``sohoa db upgrade``.
    """
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise ConfigError(
            "the database schema is not up to date: run `sohoa db upgrade`",
            code=ErrorCode.CONFIG_INVALID,
            detail={"current": current, "head": head},
        )
