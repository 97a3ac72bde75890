"""The records store the store tests run on: SQLite and PostgreSQL, each test on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.settings import Settings
from store.records import RecordStore, open_records


@pytest.fixture(params=["sqlite", "postgres"])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordStore]:
    """An empty, migrated store: a SQLite file, or a database of its own on the test PostgreSQL."""
    if request.param == "sqlite":
        store = open_records(Settings(data_dir=tmp_path))
    else:
        store = open_records(Settings(database_url=request.getfixturevalue("empty_postgres")), migrate=False)
    yield store
    store.close()
