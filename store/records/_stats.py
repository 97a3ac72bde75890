"""The service index (Decision 766/QĐ-TTg): how much a province digitizes, signs electronically and reuses.

One function, :func:`service_index`, computes every figure for a period and (optionally) one agency:

- ``digitized_share``: dossiers received in the period with at least one component read here
  (status ``extracted``: scanned or uploaded and digitized, or reused from the Kho);
- ``electronic_share``: result jobs of the period that ended signed by the agency (``done``) among
  those that ended (``done`` or ``failed``);
- ``reuse_rate``: components of the period taken from the Kho (``origin = reused``) among all;
- ``per_day``: components taken in per day (days in Asia/Ho_Chi_Minh);
- ``p50_s`` / ``p95_s``: seconds from upload to ``done`` of the components digitized here
  (reused components are never read, so they are left out);
- ``corrections``: per document type and field, the share of the period's documents whose field
  an officer corrected (a correction is a new version flagging the field ``corrected``).

Who may see them: an officer, for an agency they act for; an administrator, for any or all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, literal_column, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from schemas.errors import InputError
from store.records._access import deny, require_role
from store.records._models import Component, Document, Dossier
from store.records._tables import ResultJob
from store.records._types import ComponentStatus, Origin, Principal

#: Vietnam keeps +07:00 all year (no daylight saving), so a day there is a fixed shift from UTC
VN_OFFSET = timedelta(hours=7)
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class FieldCorrections:
    """How often officers corrected one field of one document type."""

    doc_type: str
    field: str
    corrected: int
    documents: int

    @property
    def share(self) -> float:
        """``corrected / documents``."""
        return self.corrected / self.documents if self.documents else 0.0


@dataclass(frozen=True)
class ServiceIndex:
    """The figures of one period (``start`` inclusive, ``end`` exclusive) for one agency or all (``None``)."""

    start: datetime | None
    end: datetime | None
    agency: str | None
    dossiers: int
    dossiers_digitized: int
    results_ended: int
    results_signed: int
    components: int
    components_reused: int
    per_day: tuple[tuple[date, int], ...]
    components_done: int
    p50_s: float | None
    p95_s: float | None
    corrections: tuple[FieldCorrections, ...]

    @property
    def digitized_share(self) -> float | None:
        """Dossiers with a digitized component, among the period's dossiers (``None`` without any)."""
        return _share(self.dossiers_digitized, self.dossiers)

    @property
    def electronic_share(self) -> float | None:
        """Results signed electronically, among the result jobs that ended."""
        return _share(self.results_signed, self.results_ended)

    @property
    def per_day_mean(self) -> float | None:
        """Components per day over the period (over the days with any when it is open-ended)."""
        if self.start is not None and self.end is not None:
            days = (self.end - self.start).total_seconds() / 86400
        else:
            days = len(self.per_day)
        return round(self.components / days, 3) if days else None

    @property
    def reuse_rate(self) -> float | None:
        """Components reused from the Kho, among all components."""
        return _share(self.components_reused, self.components)

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON (what ``GET /v1/stats`` and ``sohoa stats --json`` print)."""
        return {
            "from": self.start.isoformat() if self.start else None, "to": self.end.isoformat() if self.end else None,
            "agency": self.agency,
            "dossiers": {"total": self.dossiers, "digitized": self.dossiers_digitized,
                         "share": self.digitized_share},
            "results": {"ended": self.results_ended, "signed": self.results_signed, "share": self.electronic_share},
            "components": {"total": self.components, "reused": self.components_reused, "reuse_rate": self.reuse_rate,
                           "per_day_mean": self.per_day_mean,
                           "per_day": [{"day": d.isoformat(), "count": n} for d, n in self.per_day]},
            "upload_to_done": {"components": self.components_done, "p50_s": self.p50_s, "p95_s": self.p95_s},
            "corrections": [{"doc_type": c.doc_type, "field": c.field, "corrected": c.corrected,
                             "documents": c.documents, "share": round(c.share, 4)} for c in self.corrections],
        }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def check_stats_access(by: Principal, agency: str | None) -> str | None:
    """The agency ``by`` may see the index of: ``agency``, or by default the one agency an officer acts for.

    Raises:
        AccessDenied: a role that sees no index, an officer asking for another agency's (or for
            all agencies while acting for some).
    """
    require_role(by, "officer", "admin")
    if by.role != "officer" or by.agencies is None:
        return agency
    if agency is None and len(by.agencies) == 1:
        return next(iter(by.agencies))
    if agency is None or not by.acts_for(agency):
        raise deny("an officer sees the index of an agency they act for", agency=agency,
                   agencies=sorted(by.agencies))
    return agency


def parse_bound(text: str | None, *, end: bool) -> datetime | None:
    """A period bound: a day is its midnight in Vietnam (the day after's for ``end``: a day ``to`` is inclusive).

    Raises:
        InputError: neither a day nor a time with its offset.
    """
    if text is None or text == "":
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime(day.year, day.month, day.day, tzinfo=UTC) - VN_OFFSET
        at = datetime.fromisoformat(text)
    except ValueError as e:
        raise InputError("not a day (YYYY-MM-DD) nor a time (ISO 8601)", detail={"value": text}) from e
    if at.tzinfo is None:
        raise InputError("a time needs its offset (+07:00)", detail={"value": text})
    return at.astimezone(UTC)


def service_index(session: Session, by: Principal, *, start: datetime | None = None, end: datetime | None = None,
                  agency: str | None = None) -> ServiceIndex:
    """Every figure of the index for the period ``[start, end)`` and ``agency`` (all when ``None``).

    Raises:
        AccessDenied: see :func:`check_stats_access`.
    """
    agency = check_stats_access(by, agency)
    period = _Period(start, end, agency)
    dossiers, digitized = _dossiers(session, period)
    ended, signed = _results(session, period)
    total, reused, per_day = _components(session, period)
    done, p50, p95 = _durations(session, period)
    return ServiceIndex(start, end, agency, dossiers, digitized, ended, signed, total, reused, per_day, done, p50,
                        p95, tuple(_corrections(session, period)))


@dataclass(frozen=True)
class _Period:
    start: datetime | None
    end: datetime | None
    agency: str | None

    def within(self, column: Any) -> list[ColumnElement[bool]]:
        """``column`` in ``[start, end)``."""
        out: list[ColumnElement[bool]] = []
        if self.start is not None:
            out.append(column >= self.start)
        if self.end is not None:
            out.append(column < self.end)
        return out

    def of_agency(self, query: Any, dossier_id: Any) -> Any:
        """Restrict ``query`` to rows whose dossier (``dossier_id``) is of the agency."""
        if self.agency is None:
            return query
        return query.join(Dossier, Dossier.id == dossier_id).where(Dossier.co_quan_tiep_nhan == self.agency)


def _dossiers(session: Session, p: _Period) -> tuple[int, int]:
    read = exists().where(Component.dossier_id == Dossier.id, Component.status == ComponentStatus.EXTRACTED)
    query = select(func.count(), func.coalesce(func.sum(case((read, 1), else_=0)), 0)).where(
        *p.within(Dossier.created_at))
    if p.agency is not None:
        query = query.where(Dossier.co_quan_tiep_nhan == p.agency)
    total, digitized = session.execute(query).one()
    return int(total), int(digitized)


def _results(session: Session, p: _Period) -> tuple[int, int]:
    query = select(func.count(), func.coalesce(func.sum(case((ResultJob.state == "done", 1), else_=0)), 0)).where(
        ResultJob.state.in_(("done", "failed")), *p.within(ResultJob.created_at))
    ended, signed = session.execute(p.of_agency(query, ResultJob.dossier_id)).one()
    return int(ended), int(signed)


def _local_day(session: Session) -> Any:
    """The day in Vietnam of a component: on PostgreSQL a day number since 1970 (float arithmetic, no time
    zone lookup per row: several times cheaper than ``timezone()``), on SQLite the ISO day."""
    if session.get_bind().dialect.name == "postgresql":
        # integer literals keep it in double precision (a bound 25200.0 would make it numeric, far slower)
        seconds = func.date_part("epoch", Component.created_at) + literal_column(str(int(VN_OFFSET.total_seconds())))
        return func.floor(seconds.self_group().op("/")(literal_column("86400")))
    return func.date(Component.created_at, "+7 hours")


def _day(value: Any) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    return _EPOCH + timedelta(days=int(value))


def _components(session: Session, p: _Period) -> tuple[int, int, tuple[tuple[date, int], ...]]:
    day = _local_day(session).label("day")
    reused = func.sum(case((Component.origin == Origin.REUSED, 1), else_=0))
    query = select(day, func.count(), reused).where(*p.within(Component.created_at)).group_by(day).order_by(day)
    rows = session.execute(p.of_agency(query, Component.dossier_id)).all()
    per_day = tuple((_day(d), int(n)) for d, n, _ in rows)
    return sum(n for _, n in per_day), sum(int(r) for _, _, r in rows), per_day


def _durations(session: Session, p: _Period) -> tuple[int, float | None, float | None]:
    where = [Component.status == ComponentStatus.EXTRACTED, Component.origin != Origin.REUSED,
             Component.finished_at.is_not(None), *p.within(Component.created_at)]
    if session.get_bind().dialect.name == "postgresql":
        # date_part is float arithmetic; extract() would compute in numeric, several times slower per row
        seconds = func.date_part("epoch", Component.finished_at) - func.date_part("epoch", Component.created_at)
        query = select(func.count(), func.percentile_cont(0.5).within_group(seconds),
                       func.percentile_cont(0.95).within_group(seconds)).where(*where)
        n, p50, p95 = session.execute(p.of_agency(query, Component.dossier_id)).one()
        return int(n), _seconds(p50), _seconds(p95)
    pairs = session.execute(p.of_agency(select(Component.created_at, Component.finished_at).where(*where),
                                        Component.dossier_id)).all()
    values = sorted((done - began).total_seconds() for began, done in pairs)
    return len(values), _seconds(_percentile(values, 0.5)), _seconds(_percentile(values, 0.95))


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def _percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (what PostgreSQL's ``percentile_cont`` does)."""
    if not values:
        return None
    rank = q * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def _corrections(session: Session, p: _Period) -> list[FieldCorrections]:
    # a bare ``is_current`` (not ``IS true``) and a literal kind: the planner then uses the partial index
    current: list[Any] = [Document.is_current, Document.kind == literal_column("'component'"),
                          *p.within(Document.digitized_at)]
    totals: dict[str, int] = dict(session.execute(p.of_agency(
        select(Document.doc_type, func.count()).where(*current).group_by(Document.doc_type),
        Document.dossier_id)).all())
    # flags are carried from version to version, so the current version of a corrected lineage names them all
    corrected = (_corrected_in_sql if session.get_bind().dialect.name == "postgresql" else _corrected_here)(
        session, p, [*current, Document.version > 1])
    return [FieldCorrections(t, f, n, int(totals.get(t, 0))) for (t, f), n in sorted(corrected.items())]


def _corrected_in_sql(session: Session, p: _Period, where: list[Any]) -> dict[tuple[str, str], int]:
    """Counted by PostgreSQL (``jsonb_each``): only the counts come back, not every corrected document."""
    field = func.jsonb_each(Document.fields).table_valued("key", "value").render_derived("f")
    flagged = field.c.value.op("->")(literal_column("'flags'")).op("?")(literal_column("'corrected'"))
    query = (select(Document.doc_type, field.c.key, func.count()).select_from(Document).join(field, true())
             .where(*where, flagged).group_by(Document.doc_type, field.c.key))
    return {(t, f): int(n) for t, f, n in session.execute(p.of_agency(query, Document.dossier_id)).all()}


def _corrected_here(session: Session, p: _Period, where: list[Any]) -> dict[tuple[str, str], int]:
    corrected: dict[tuple[str, str], int] = {}
    query = select(Document.doc_type, Document.fields).where(*where)
    for doc_type, fields in session.execute(p.of_agency(query, Document.dossier_id)).all():
        for name, entry in (fields or {}).items():
            if isinstance(entry, dict) and "corrected" in (entry.get("flags") or []):
                corrected[(doc_type, name)] = corrected.get((doc_type, name), 0) + 1
    return corrected
