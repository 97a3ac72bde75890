"""Fixtures of the portal tests: the portal stand-in on 127.0.0.1, and a records store on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from schemas.settings import Settings
from store.records import RecordStore, open_records
from tests.portal.standin import PortalStandIn


@pytest.fixture
def portal() -> Iterator[PortalStandIn]:
    """The stand-in, started on a free port; stopped after the test."""
    standin = PortalStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def pg_records(empty_postgres: str) -> Iterator[RecordStore]:
    """The records store on the session's PostgreSQL database, emptied."""
    store = open_records(Settings(database_url=empty_postgres), migrate=False)
    yield store
    store.close()
