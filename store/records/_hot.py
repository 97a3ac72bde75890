"""The two hottest reads, awaited on the event loop: a component, and a page of a citizen's documents.

The API answers these far more often than anything else (an officer's screen polls a
component until it is read; the resolution system lists documents). Here they are
plain statements on psycopg's asyncio connections (PostgreSQL, :mod:`._aio`), with no
ORM session and no thread; the queries, the access rules (:mod:`._access`), the views and the
audit line are the very functions the session-based reads use
(:func:`~store.records.read_component`, :func:`~store.records.browse_documents`),
so the two cannot drift apart. The audit line is committed, durably and by group
commit (:meth:`RecordStore.write_audit`), before anything is returned: a read whose
audit line fails fails too.

Concurrent reads share their statements the same way (:meth:`LoopPools.grouped`):
the rows of every component asked for while the last statement ran come in one
statement, and the pages and documents of every distinct key in one pipeline, an
answer shared by the reads of the same key. Every statement starts after the reads it
answers arrived, so none sees older data than it would alone; each read then checks
its own access to its rows and writes its own audit line.

Whatever these do not cover (SQLite, a component with no dossier or reusing a
document, a read for a named dossier) is handed to the session-based read, run on
a thread (:meth:`RecordStore.read`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import date, datetime
from typing import Any, cast

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import ClauseElement, Select, Table, any_, bindparam, literal_column, select
from sqlalchemy.dialects.postgresql.psycopg import PGDialectAsync_psycopg as psycopg_dialect

from schemas.errors import NotFoundError
from store.records._access import (
    AGENCY_ROLES,
    Scope,
    agency_scope,
    check_dossier_of,
    citizen_dossiers_query,
    deny,
    own_codes,
    require_role,
)
from store.records._aio import LoopPools
from store.records._audit import audit_line
from store.records._browse import browse_audit, browse_documents, browse_query
from store.records._components import _current, read_component
from store.records._documents import assemble_views
from store.records._dossiers import dossier_for_intake
from store.records._intake import first_versions
from store.records._models import Citizen, Component, Document, Dossier, Signature
from store.records._store import RecordStore
from store.records._types import ComponentStatus, Principal
from store.records._views import ComponentView, DocumentView, component_view

_DIALECT = psycopg_dialect()  # type: ignore[no-untyped-call]


def _sql(stmt: ClauseElement) -> str:
    """A statement as psycopg's SQL (``%(name)s`` parameters), compiled once at import."""
    return str(stmt.compile(dialect=_DIALECT))


def _columns(table: Table, left_out: dict[str, str]) -> list[Any]:
    """The table's columns, those of ``left_out`` replaced by a constant (SQL: their empty value), same name."""
    return [literal_column(left_out[c.name], c.type).label(c.name) if c.name in left_out else c
            for c in table.columns]


#: what the API does not show, left out of :func:`read_component_hot` and :func:`browse_documents_hot` with
#: ``shown_only``: a component's whole pipeline result, a document's OCR text, page details and search text
_COMPONENT_LEFT_OUT = {"result_json": "NULL"}
_DOCUMENT_LEFT_OUT = {"ocr_text": "''", "page_info": "NULL", "search_text": "''"}
_COMPONENT_COLUMNS = {False: list(Component.__table__.columns),
                      True: _columns(cast(Table, Component.__table__), _COMPONENT_LEFT_OUT)}
_DOCUMENT_COLUMNS = {False: list(Document.__table__.columns),
                     True: _columns(cast(Table, Document.__table__), _DOCUMENT_LEFT_OUT)}

#: some components, each with its owner's id and its dossier's code and agency, as plain columns
#: (the columns :func:`~store.records._intake.component_with_owner` loads as objects)
_COMPONENTS = {lean: _sql(select(*columns, Citizen.ma_dinh_danh.label("owner"), Dossier.ma_ho_so.label("dossier_code"),
                                 Dossier.co_quan_tiep_nhan.label("dossier_agency"))
                          .join(Citizen, Citizen.id == Component.citizen_id)
                          .outerjoin(Dossier, Dossier.id == Component.dossier_id)
                          .where(Component.id == any_(cast(Any, bindparam("ids")))))
               for lean, columns in _COMPONENT_COLUMNS.items()}
#: every version of the documents read from a component (``_components._all_versions``)
_VERSIONS = {lean: _sql(select(*columns).where(Document.component_id == bindparam("id")))
             for lean, columns in _DOCUMENT_COLUMNS.items()}
#: the signatures of some documents (``_documents.signatures_query``)
_SIGNATURES = _sql(select(Signature).where(Signature.document_id == any_(cast(Any, bindparam("ids"))))
                   .order_by(Signature.signed_at, Signature.id))
#: the signatures of the current documents of a component (``_documents.signatures_query`` of them)
_COMPONENT_SIGNATURES = _sql(select(Signature).where(Signature.document_id.in_(
    select(Document.id).where(Document.component_id == bindparam("id"), Document.is_current.is_(True))))
    .order_by(Signature.signed_at, Signature.id))
#: the citizen and their dossiers (``_access.citizen_dossiers_query``)
_CITIZEN_DOSSIERS = _sql(citizen_dossiers_query(cast(str, bindparam("who"))))
#: a plain first page (no words, no filters: what is asked most) of the citizen ``who``, as
#: ``_browse.browse_query`` builds it, and the signatures of its documents
_CITIZEN_ID = cast(str, select(Citizen.id).where(Citizen.ma_dinh_danh == bindparam("who")).scalar_subquery())


def _plain_page(columns: list[Any]) -> Select[Any]:
    return browse_query(_CITIZEN_ID, Scope(True), q=None, valid=False, doc_type=None, after=None,
                        limit=cast(int, bindparam("limit")), today=None, sqlite=False).with_only_columns(*columns)


_PLAIN_PAGE = {lean: _sql(_plain_page(columns)) for lean, columns in _DOCUMENT_COLUMNS.items()}
_PLAIN_PAGE_SIGNATURES = _sql(select(Signature).where(Signature.document_id.in_(
    select(_plain_page([Document.id]).subquery().c.id))).order_by(Signature.signed_at, Signature.id))


async def _together(conn: psycopg.AsyncConnection[Any], *queries: tuple[str, dict[str, Any]]) -> list[list[Any]]:
    """The rows of every query, the queries sent at once (psycopg's pipeline mode): one round trip, and one
    write to the socket where one a statement would cost the same again."""
    cursors = [conn.cursor(row_factory=namedtuple_row) for _ in queries]
    if len(cursors) == 1:  # (a pipeline's own messages cost more than they save for one statement)
        await cursors[0].execute(*queries[0])
        return [await cursors[0].fetchall()]
    async with conn.pipeline():
        for cursor, (sql, params) in zip(cursors, queries, strict=True):
            await cursor.execute(sql, params)
    return [await cursor.fetchall() for cursor in cursors]


_Queries = list[tuple[str, dict[str, Any]]]


async def _read_shared(pools: LoopPools, queries: Callable[[Any], _Queries], key: Hashable) -> list[list[Any]]:
    """The rows of each of ``queries(key)``, read with those of the requests that arrived meanwhile: the
    statements of every distinct key in one pipeline, one answer shared by the requests of the same key."""
    return cast(list[list[Any]], await pools.grouped(queries, _shared_reader(pools, queries)).submit(key))


def _shared_reader(pools: LoopPools, queries: Callable[[Any], _Queries]) -> Callable[[list[Any]], Awaitable[list[Any]]]:
    async def read(keys: list[Any]) -> list[Any]:
        distinct = list(dict.fromkeys(keys))
        async with pools.connection() as conn:
            rows = await _together(conn, *(query for key in distinct for query in queries(key)))
        size = len(rows) // len(distinct)
        found = {key: rows[n * size:(n + 1) * size] for n, key in enumerate(distinct)}
        return [found[key] for key in keys]

    return read


def _component_documents(key: tuple[str, bool]) -> _Queries:
    """Every version of the documents read from a component, and the signatures of its current ones."""
    component_id, shown_only = key
    return [(_VERSIONS[shown_only], {"id": component_id}), (_COMPONENT_SIGNATURES, {"id": component_id})]


def _plain_page_of(key: tuple[str, int, bool]) -> _Queries:
    """A citizen and their dossiers, the plain first page of their documents, and those documents' signatures."""
    who, limit, shown_only = key
    params = {"who": who, "limit": limit}
    return [(_CITIZEN_DOSSIERS, params), (_PLAIN_PAGE[shown_only], params), (_PLAIN_PAGE_SIGNATURES, params)]


def _can_be_id(text: str) -> bool:
    """Whether ``text`` may be a record's id or a citizen's (printable ASCII): a string that may not names
    nothing, and must not fail a statement shared with other requests (PostgreSQL refuses a NUL byte)."""
    return text.isascii() and text.isprintable()


async def read_component_hot(records: RecordStore, by: Principal, component_id: str, *,
                             shown_only: bool = False) -> tuple[ComponentView, list[DocumentView]]:
    """:func:`~store.records.read_component` on the event loop (same answer, same checks, same audit line).

    Args:
        shown_only: leave out what the API does not show (the component's whole ``result``, each
            document's ``ocr_text`` and ``page_info``: empty in the views), not even read.

    Raises:
        NotFoundError: no such component.
        AccessDenied: another agency's dossier, another citizen's component.
        TransientError: the database is unreachable.
    """
    pools = await records.pools()
    if pools is None:
        return await records.read(read_component, by, component_id)
    row = await pools.grouped(("components", shown_only), _component_rows(pools, shown_only)).submit(component_id)
    found = await _component(pools, by, component_id, row, shown_only)
    if found is None:
        return await records.read(read_component, by, component_id)
    view, docs = found
    await records.write_audit(audit_line(by, "read_component", "component", component_id, citizen=view.citizen,
                                         dossier=view.ma_ho_so, documents=[d.id for d in docs]))
    return view, docs


def _component_rows(pools: LoopPools, shown_only: bool) -> Callable[[list[str]], Awaitable[list[Any]]]:
    """Reads the rows of the components asked for by concurrent requests in one statement (``None``: no such
    component); each request then checks its own access to its row and writes its own audit line."""
    async def read(ids: list[str]) -> list[Any]:
        wanted = list({i for i in ids if _can_be_id(i)})
        async with pools.connection() as conn:
            rows = (await _together(conn, (_COMPONENTS[shown_only], {"ids": wanted})))[0]
        found = {row.id: row for row in rows}
        return [found.get(component_id) for component_id in ids]

    return read


async def _component(pools: LoopPools, by: Principal, component_id: str, row: Any,
                     shown_only: bool) -> tuple[ComponentView, list[DocumentView]] | None:
    """The component (its ``row`` read with its owner and dossier) and its current documents; ``None`` for
    the cases left to the session-based read.

    The documents and their signatures of a component that has them are asked for at
    once, after the access check.
    """
    if row is None:
        raise NotFoundError("no such component", detail={"component_id": component_id})
    if row.dossier_id is None or row.reuses_document_id is not None:
        return None
    check_dossier_of(by, row.dossier_code, row.dossier_agency, lambda: cast(str, row.owner))
    versions: list[Any] = []
    signatures: list[Any] = []
    if row.status == ComponentStatus.EXTRACTED:  # documents are written with the final status (as read_component)
        versions, signatures = await _read_shared(pools, _component_documents, (component_id, shown_only))
    current = _current(versions)
    if any(d.citizen_id != row.citizen_id for d in current):
        return None  # a document filed to another owner: the session-based read knows them all
    view = component_view(cast(Component, row), citizen=row.owner, ma_ho_so=row.dossier_code,
                          document_ids=first_versions(versions))
    return view, assemble_views(current, {row.citizen_id: row.owner}, signatures)


async def browse_documents_hot(
    records: RecordStore, by: Principal, ma_dinh_danh: str, *, q: str | None = None, valid: bool = False,
    doc_type: str | None = None, for_dossier: str | None = None, after: tuple[datetime, str] | None = None,
    limit: int = 50, today: date | None = None, shown_only: bool = False,
) -> list[DocumentView]:
    """:func:`~store.records.browse_documents` on the event loop (same page, same checks, same audit line).

    ``shown_only``: as for :func:`read_component_hot` (each document's ``ocr_text`` and
    ``page_info`` left out, when read here).

    Officers and the resolution system acting for some agencies, reading with no dossier
    named, are read here; anyone else by the session-based read.

    Raises:
        AccessDenied: see :func:`store.records._access.citizen_scope`.
        NotFoundError: ``for_dossier`` does not exist.
        TransientError: the database is unreachable.
    """
    pools = await records.pools()
    if pools is None or for_dossier is not None or by.role not in AGENCY_ROLES or by.agencies is None:
        return await records.read(browse_documents, by, ma_dinh_danh, q=q, valid=valid, doc_type=doc_type,
                                  for_dossier=for_dossier, after=after, limit=limit, today=today)
    if not _can_be_id(ma_dinh_danh):
        raise deny("no dossier of your agency is for this citizen", citizen=ma_dinh_danh)
    filtered = bool(q or valid or doc_type or after is not None)
    if not filtered:  # the plain page is everything of the citizen: asked for with the check, dropped if refused
        rows, documents, signatures = await _read_shared(pools, _plain_page_of, (ma_dinh_danh, limit, shown_only))
        scope, citizen_id = _scope_of(by, ma_dinh_danh, rows)
    else:
        async with pools.connection() as conn:
            rows = (await _together(conn, (_CITIZEN_DOSSIERS, {"who": ma_dinh_danh})))[0]
            scope, citizen_id = _scope_of(by, ma_dinh_danh, rows)
            stmt = browse_query(citizen_id, scope, q=q, valid=valid, doc_type=doc_type, after=after, limit=limit,
                                today=today, sqlite=False).with_only_columns(*_DOCUMENT_COLUMNS[shown_only])
            compiled = stmt.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
            documents = (await _together(conn, (str(compiled), compiled.params)))[0]
            signatures = (await _together(conn, (_SIGNATURES, {"ids": [d.id for d in documents]})))[0] if (
                documents) else []
    views = assemble_views(documents, {citizen_id: ma_dinh_danh}, signatures)
    await records.write_audit(audit_line(by, **browse_audit(ma_dinh_danh, scope, views, q=q, valid=valid,
                                                            doc_type=doc_type)))
    return views


def _scope_of(by: Principal, ma_dinh_danh: str, rows: list[Any]) -> tuple[Scope, str]:
    """What ``by`` may see of the citizen whose id and dossiers are ``rows``, and the citizen's record id.

    Raises:
        AccessDenied: no dossier of ``by``'s agencies is for this citizen (or there is no such citizen).
    """
    if not rows:
        raise deny("no dossier of your agency is for this citizen", citizen=ma_dinh_danh)
    scope = agency_scope(own_codes(by, [(r.ma_ho_so, r.co_quan_tiep_nhan) for r in rows if r.ma_ho_so is not None]))
    return scope, rows[0].id


_INTAKE = _sql(select(Dossier.ma_ho_so, Dossier.co_quan_tiep_nhan, Citizen.ma_dinh_danh)
               .join(Citizen, Citizen.id == Dossier.citizen_id).where(Dossier.ma_ho_so == bindparam("code")))


async def intake_owner_hot(records: RecordStore, by: Principal, ma_ho_so: str) -> str:
    """:func:`~store.records.dossier_for_intake`'s check on the event loop: the ``ma_dinh_danh`` of the
    dossier's citizen, once ``by`` may hand files in for it (same rules, not audited, as it).

    An upload asks this before it reads a byte of its body: one statement here, where the
    session-based check costs a thread hop and two ORM queries on the upload's critical path.

    Raises:
        NotFoundError: no such dossier.
        AccessDenied: not an officer of the dossier's agency.
        TransientError: the database is unreachable.
    """
    pools = await records.pools()
    if pools is None:
        return (await records.read(dossier_for_intake, by, ma_ho_so)).citizen
    require_role(by, "officer")
    if not _can_be_id(ma_ho_so):
        raise NotFoundError("no such dossier", detail={"ma_ho_so": ma_ho_so})
    async with pools.connection() as conn:
        rows = (await _together(conn, (_INTAKE, {"code": ma_ho_so})))[0]
    if not rows:
        raise NotFoundError("no such dossier", detail={"ma_ho_so": ma_ho_so})
    row = rows[0]
    check_dossier_of(by, row.ma_ho_so, row.co_quan_tiep_nhan, lambda: cast(str, row.ma_dinh_danh), write=True)
    return cast(str, row.ma_dinh_danh)
