"""The reads on the event loop (``_hot``) answer, refuse and audit exactly as the session-based reads do.

The world and principals of ``test_access``, on the store of ``conftest.py``: every principal reads every component and
every citizen's page both ways, on PostgreSQL (where the event-loop reads run their own
statements) and on SQLite (where they hand over to the session-based read); the answers,
the refusals and the audit lines must be the same. On PostgreSQL the audit lines of
concurrent reads are committed together, every one of them, and a read whose audit
line cannot be written fails instead of answering.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

import pytest
from psycopg.errors import IntegrityError
from sqlalchemy import text

from schemas.errors import AccessDenied, NotFoundError
from schemas.settings import Settings
from store.records import (
    SYSTEM_WORKER,
    ComponentView,
    DocumentView,
    Principal,
    RecordStore,
    acting_in,
    audit_trail,
    browse_documents,
    browse_documents_hot,
    dossier_for_intake,
    get_document,
    intake_owner_hot,
    open_records,
    read_component,
    read_component_hot,
)
from tests.store.helpers import CITIZEN, OTHER
from tests.store.test_access import DA, DA2, DB, DB3, PRINCIPALS, World, build_world

T = TypeVar("T")


@pytest.fixture
def world(records: RecordStore) -> World:
    return build_world(records)


def _run(records: RecordStore, make: Callable[[], Awaitable[T]]) -> T:
    """Await ``make()`` on a fresh event loop, closing that loop's connections after."""
    async def main() -> T:
        try:
            return await make()
        finally:
            await records.close_async()

    return asyncio.run(main())


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except AccessDenied as e:
        return ("deny", e.message)
    except NotFoundError as e:
        return ("missing", e.message)


def _shown(read: tuple[ComponentView, list[DocumentView]]) -> tuple[ComponentView, list[DocumentView]]:
    """A component read with what the API does not show left out (``shown_only``)."""
    view, docs = read
    return replace(view, result=None), [_shown_document(d) for d in docs]


def _shown_document(doc: DocumentView) -> DocumentView:
    return replace(doc, ocr_text="", page_info=())


def _last_audit(records: RecordStore) -> tuple[Any, ...] | None:
    with records.read_transaction() as s:
        lines = audit_trail(s, limit=1)
    if not lines:
        return None
    line = lines[0]
    return line.actor, line.action, line.record_type, line.record_id, line.citizen, line.ma_ho_so, line.detail


def _components(records: RecordStore, w: World) -> list[str]:
    with records.read_transaction() as s:
        return [get_document(s, SYSTEM_WORKER, d).component_id or "" for d in (w.card, w.birth, w.other)] + [
            "no-such-component"]


def test_a_component_reads_the_same_both_ways_for_everyone(records: RecordStore, world: World) -> None:
    for component in _components(records, world):
        for name, by in PRINCIPALS.items():
            with records.read_transaction() as s:
                expected = _outcome(lambda s=s, by=by, c=component: read_component(s, by, c))
            expected_audit = _last_audit(records)
            got = _outcome(lambda by=by, c=component: _run(records, lambda: read_component_hot(records, by, c)))
            assert got == expected, (name, component)
            assert _last_audit(records) == expected_audit or isinstance(got, tuple), (name, component)
            shown = _outcome(lambda by=by, c=component: _run(records, lambda: read_component_hot(
                records, by, c, shown_only=True)))
            lean = (records.dialect == "postgresql" and not isinstance(expected[0], str))  # SQLite: the whole read
            assert shown == (_shown(expected) if lean else expected), (name, component)


@pytest.mark.parametrize("filters", [{}, {"q": "nguyen van"}, {"valid": True}, {"doc_type": "khai_sinh"},
                                     {"for_dossier": "000.00.16.H56-230612-0003"}, {"limit": 1}])
def test_a_citizens_page_reads_the_same_both_ways_for_everyone(records: RecordStore, world: World,
                                                               filters: dict[str, Any]) -> None:
    for citizen in (CITIZEN, OTHER, "001099999999"):
        for name, by in PRINCIPALS.items():
            with records.read_transaction() as s:
                expected = _outcome(lambda s=s, by=by, c=citizen: browse_documents(s, by, c, **filters))
            expected_audit = _last_audit(records)
            got = _outcome(lambda by=by, c=citizen: _run(records, lambda: browse_documents_hot(records, by, c,
                                                                                               **filters)))
            assert got == expected, (name, citizen, filters)
            if not isinstance(got, tuple):
                assert _last_audit(records) == expected_audit, (name, citizen, filters)
                shown = _run(records, lambda by=by, c=citizen: browse_documents_hot(records, by, c, shown_only=True,
                                                                                    **filters))
                lean = records.dialect == "postgresql" and by.role in ("officer", "resolution_system") and (
                    by.agencies is not None and "for_dossier" not in filters)
                assert shown == ([_shown_document(d) for d in expected] if lean else expected), (name, citizen, filters)


def test_an_uploads_access_check_answers_the_same_both_ways_for_everyone(records: RecordStore, world: World) -> None:
    """Given every principal and dossier (and a missing one), when an upload asks who the dossier's citizen is
    before reading its body, then the event-loop check allows, refuses or finds nothing as the session's does."""
    for code in (DA, DB, DA2, DB3, "000.00.15.H55-991231-9999"):
        for name, by in PRINCIPALS.items():
            with records.read_transaction() as s:
                expected = _outcome(lambda s=s, by=by, c=code: dossier_for_intake(s, by, c).citizen)
            got = _outcome(lambda by=by, c=code: _run(records, lambda: intake_owner_hot(records, by, c)))
            assert got == expected, (name, code)
    assert _outcome(lambda: _run(records, lambda: intake_owner_hot(records, PRINCIPALS["officer_a"], DA))) == CITIZEN


@pytest.fixture
def pg_records(empty_postgres: str) -> Iterator[RecordStore]:
    """A store on PostgreSQL only: audit lines are group-committed there (SQLite reads write their own)."""
    store = open_records(Settings(database_url=empty_postgres), migrate=False)
    yield store
    store.close()


def test_concurrent_reads_are_each_audited_with_their_own_request(pg_records: RecordStore) -> None:
    records = pg_records
    component = _components(records, build_world(records))[0]
    officer = PRINCIPALS["officer_a"]

    async def one(n: int) -> None:
        with acting_in(f"req-{n}"):
            if n % 2:
                await read_component_hot(records, officer, component)
            else:
                await browse_documents_hot(records, officer, CITIZEN)

    async def many() -> None:
        await asyncio.gather(*(one(n) for n in range(40)))

    _run(records, many)
    with records.read_transaction() as s:
        lines = [line for line in audit_trail(s, actor=str(officer), limit=500)
                 if line.request_id and line.request_id.startswith("req-")]
    assert sorted(line.request_id or "" for line in lines) == sorted(f"req-{n}" for n in range(40))
    assert {line.action for line in lines if int((line.request_id or "-0").split("-")[1]) % 2} == {"read_component"}
    assert all(line.ma_ho_so for line in lines)


def test_concurrent_component_reads_share_a_statement_yet_each_gets_its_own_answer(pg_records: RecordStore) -> None:
    """Given reads of several components at once (one missing, one not an id at all, one another agency's),
    each read answers or refuses as it would alone: one odd id does not fail the others' shared statement."""
    records = pg_records
    components = _components(records, build_world(records))
    officer = PRINCIPALS["officer_a"]
    with records.read_transaction() as s:
        alone = [_outcome(lambda c=c: read_component(s, officer, c)) for c in components]
    components.append("not\x00an id")  # (PostgreSQL refuses such text in a statement)
    alone.append(("missing", "no such component"))

    async def together() -> list[Any]:
        reads = [read_component_hot(records, officer, c) for c in components * 3]
        return list(await asyncio.gather(*reads, return_exceptions=True))

    got = [("deny", r.message) if isinstance(r, AccessDenied) else ("missing", r.message)
           if isinstance(r, NotFoundError) else r for r in _run(records, together)]
    assert got == alone * 3
    assert {"deny", "missing"} <= {outcome[0] for outcome in alone if isinstance(outcome[0], str)}
    assert any(isinstance(outcome[0], ComponentView) for outcome in alone)


def test_concurrent_page_reads_share_their_statements_yet_each_gets_its_own_answer(pg_records: RecordStore) -> None:
    """Given plain first pages read at once by several principals for several citizens (one unknown, one not
    an id at all), each read answers or refuses as it would alone."""
    records = pg_records
    build_world(records)
    asks = [(by, citizen, limit) for by in PRINCIPALS.values() for citizen in (CITIZEN, OTHER, "001099999999")
            for limit in (1, 50)]
    with records.read_transaction() as s:
        alone = [_outcome(lambda by=by, c=c, n=n: browse_documents(s, by, c, limit=n)) for by, c, n in asks]
    asks.append((PRINCIPALS["officer_a"], "0010\x0090000001", 50))
    alone.append(("deny", "no dossier of your agency is for this citizen"))

    async def together() -> list[Any]:
        reads = [browse_documents_hot(records, by, c, limit=n) for by, c, n in asks * 2]
        return list(await asyncio.gather(*reads, return_exceptions=True))

    got = [("deny", r.message) if isinstance(r, AccessDenied) else ("missing", r.message)
           if isinstance(r, NotFoundError) else r for r in _run(records, together)]
    assert got == alone * 2
    assert any(isinstance(outcome, list) and outcome for outcome in alone)


def test_a_read_whose_audit_line_fails_fails(pg_records: RecordStore) -> None:
    records = pg_records
    component = _components(records, build_world(records))[0]
    officer: Principal = PRINCIPALS["officer_a"]
    with records.engine.begin() as conn:  # every new audit line is refused from now on
        conn.execute(text("ALTER TABLE audit_log ADD CONSTRAINT refuse_all CHECK (false) NOT VALID"))
    try:
        with pytest.raises(IntegrityError, match="refuse_all"):
            _run(records, lambda: read_component_hot(records, officer, component))
        with pytest.raises(IntegrityError, match="refuse_all"):
            _run(records, lambda: browse_documents_hot(records, officer, CITIZEN))
    finally:  # the database is emptied, not dropped, for the next test
        with records.engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log DROP CONSTRAINT refuse_all"))
