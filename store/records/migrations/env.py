"""Alembic environment of the records store; run through ``store.records.upgrade`` (``sohoa db upgrade``).

The caller passes an open connection in ``config.attributes["connection"]``;
nothing here reads the environment.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from store.records import _tables  # noqa: F401  (its tables belong to the same metadata)
from store.records._models import Base

target_metadata = Base.metadata

#: made by hand in migrations, unknown to the models: autogenerate must not drop them
_HAND_MADE = ("documents_fts", "ix_documents_search_trgm")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave the search machinery (SQLite FTS5 tables, the trigram index) out of autogenerate."""
    return not (reflected and name is not None and name.startswith(_HAND_MADE))


def run_migrations() -> None:
    """Run the migrations on the connection the caller handed in."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through store.records.upgrade(), which passes a connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
