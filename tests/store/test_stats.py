"""The service index against counts made by hand on a small world, on SQLite and PostgreSQL.

The world (times in UTC; the period is December 2026):

- H55, in the period: dossier 0001 with two cards digitized here (upload to done 10 s and 30 s, on
  Dec 3 and Dec 5 in Vietnam), the ``ho_ten`` of one then corrected by an officer; dossier 0002 with a
  card reused from the Kho and a scan that failed; dossier 0003 with one scan still pending.
- H55, November: dossier 1101 with one card (the one reused in December).
- H56, in the period: dossier 0001 with one card (100 s).
- Result jobs: H55 0001 done, 0002 failed, 0003 queued; H56 0001 done.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from schemas.errors import AccessDenied, InputError
from schemas.settings import Settings
from store.records import (
    SYSTEM_WORKER,
    Principal,
    RecordStore,
    add_component,
    attach_to_dossier,
    begin_processing,
    complete_component,
    confirm_document,
    correct_document,
    ensure_citizen,
    ensure_dossier,
    open_records,
    record_failure,
    service_index,
)
from store.records._models import Component, Document, Dossier
from store.records._tables import ResultJob
from tests.store.helpers import CITIZEN, PROCEDURE, digitized, result, scan

H55, H56 = "000.00.15.H55", "000.00.16.H56"
OFFICER = Principal("officer", "cb01", frozenset({H55}))
OFFICER_56 = Principal("officer", "cb09", frozenset({H56}))
ADMIN = Principal("admin", "quantri", None)
DEC = datetime(2026, 12, 1, tzinfo=UTC) - timedelta(hours=7)  # midnight of Dec 1 in Vietnam
JAN = datetime(2027, 1, 1, tzinfo=UTC) - timedelta(hours=7)
CARD = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN, "ngay_sinh": "1990-01-01"}


@pytest.fixture
def records(records: RecordStore) -> RecordStore:
    """The store of ``conftest.py`` (SQLite and PostgreSQL) with the world above in it."""
    with records.transaction() as s:
        _world(s)
    return records


def _when(s: Session, doc_ids: list[str], created: datetime, seconds: float | None) -> str:
    """Put the component of these documents (and its documents and dossier) at ``created``; done ``seconds`` later."""
    comp_id = s.scalar(select(Document.component_id).where(Document.id == doc_ids[0]))
    assert comp_id is not None
    _component_at(s, comp_id, created, seconds)
    s.execute(update(Document).where(Document.component_id == comp_id).values(digitized_at=created))
    return comp_id


def _component_at(s: Session, comp_id: str, created: datetime, seconds: float | None) -> None:
    done = created + timedelta(seconds=seconds) if seconds is not None else None
    s.execute(update(Component).where(Component.id == comp_id).values(created_at=created, finished_at=done))


def _dossier_at(s: Session, code: str, created: datetime) -> None:
    s.execute(update(Dossier).where(Dossier.ma_ho_so == code).values(created_at=created))


def _job(s: Session, code: str, state: str, created: datetime) -> None:
    dossier = s.scalar(select(Dossier).where(Dossier.ma_ho_so == code))
    assert dossier is not None
    s.add(ResultJob(dossier_id=dossier.id, ma_ho_so=code, state=state, level="B-LT", ten_giay_to="Quyết định",
                    source_key="k", source_sha256="0" * 64, requested_by="resolution_system:motcua",
                    created_at=created, updated_at=created))


def _world(s: Session) -> None:
    nov = f"{H55}-261110-1101"
    old = digitized(s, result(fields=CARD), seed="nov", dossier=nov)
    _when(s, old, DEC - timedelta(days=20), 5)
    _dossier_at(s, nov, DEC - timedelta(days=20))
    confirm_document(s, OFFICER, old[0])

    d1, d2, d3 = (f"{H55}-261203-000{n}" for n in (1, 2, 3))
    first = digitized(s, result(fields=CARD), seed="a", dossier=d1)
    _when(s, first, DEC + timedelta(days=2, hours=3), 10)  # Dec 3 in Vietnam
    second = digitized(s, result(fields=CARD), seed="b", dossier=d1)
    _when(s, second, DEC + timedelta(days=4, hours=3), 30)  # Dec 5
    _dossier_at(s, d1, DEC + timedelta(days=2))
    correct_document(s, OFFICER, second[0], fields={"ho_ten": "Nguyễn Văn Ân"}, reason="dấu")

    reused = attach_to_dossier(s, OFFICER, old[0], ma_ho_so=d2, ma_tthc=PROCEDURE, today=date(2026, 12, 5))
    _component_at(s, reused.id, DEC + timedelta(days=4, hours=4), 0)
    owner = ensure_citizen(s, OFFICER, CITIZEN)
    folder = ensure_dossier(s, OFFICER, owner, d2, PROCEDURE)
    failed, _ = add_component(s, OFFICER, citizen=owner, dossier=folder, file_name="x.png", scan=scan("x"))
    record_failure(s, SYSTEM_WORKER, failed.id, InputError("unreadable"), final=True)
    _component_at(s, failed.id, DEC + timedelta(days=4, hours=5), 50)
    _dossier_at(s, d2, DEC + timedelta(days=4))

    folder3 = ensure_dossier(s, OFFICER, owner, d3, PROCEDURE)
    pending, _ = add_component(s, OFFICER, citizen=owner, dossier=folder3, file_name="p.png", scan=scan("p"))
    _component_at(s, pending.id, DEC + timedelta(days=4, hours=6), None)
    _dossier_at(s, d3, DEC + timedelta(days=4))

    e1 = f"{H56}-261203-0001"
    theirs = ensure_dossier(s, OFFICER_56, owner, e1, PROCEDURE)
    comp, _ = add_component(s, OFFICER_56, citizen=owner, dossier=theirs, file_name="c.png", scan=scan("c"))
    begin_processing(s, SYSTEM_WORKER, comp.id)
    foreign = complete_component(s, SYSTEM_WORKER, comp.id, result(fields=CARD), searchable_pdf_key=None,
                                 signature=None)
    _when(s, foreign, DEC + timedelta(days=2, hours=1), 100)
    _dossier_at(s, e1, DEC + timedelta(days=2))

    for code, state in ((d1, "done"), (d2, "failed"), (d3, "queued"), (e1, "done")):
        _job(s, code, state, DEC + timedelta(days=5))


def _index(records: RecordStore, by: Principal, agency: str | None = None) -> dict:  # type: ignore[type-arg]
    with records.transaction() as s:
        return service_index(s, by, start=DEC, end=JAN, agency=agency).to_json()


def test_the_agencys_index_matches_the_counts_made_by_hand(records: RecordStore) -> None:
    got = _index(records, OFFICER)
    assert got["agency"] == H55
    assert got["dossiers"] == {"total": 3, "digitized": 2, "share": 0.6667}
    assert got["results"] == {"ended": 2, "signed": 1, "share": 0.5}
    comps = got["components"]
    assert (comps["total"], comps["reused"], comps["reuse_rate"], comps["per_day_mean"]) == (5, 1, 0.2, 0.161)
    assert comps["per_day"] == [{"day": "2026-12-03", "count": 1}, {"day": "2026-12-05", "count": 4}]
    # only the two cards read here: 10 s and 30 s (the reused one was never read; the failed one is not done)
    assert got["upload_to_done"] == {"components": 2, "p50_s": 20.0, "p95_s": 29.0}
    assert got["corrections"] == [{"doc_type": "can_cuoc", "field": "ho_ten", "corrected": 1, "documents": 2,
                                   "share": 0.5}]


def test_an_admin_sees_every_agency_together_or_one(records: RecordStore) -> None:
    every = _index(records, ADMIN)
    assert (every["dossiers"]["total"], every["components"]["total"], every["results"]["ended"]) == (4, 6, 3)
    assert every["upload_to_done"]["components"] == 3 and every["upload_to_done"]["p50_s"] == 30.0
    assert _index(records, ADMIN, H56)["dossiers"] == {"total": 1, "digitized": 1, "share": 1.0}


def test_the_period_leaves_out_what_came_before_it(records: RecordStore) -> None:
    with records.transaction() as s:
        november = service_index(s, OFFICER, start=DEC - timedelta(days=30), end=DEC).to_json()
    assert (november["dossiers"]["total"], november["components"]["total"]) == (1, 1)
    assert november["corrections"] == []


@pytest.mark.parametrize(("by", "agency"), [
    (OFFICER_56, H55), (OFFICER, H56), (Principal("citizen", CITIZEN, None), None),
    (Principal("resolution_system", "motcua", frozenset({H55})), H55),
    (Principal("officer", "cb02", frozenset({H55, H56})), None),
])
def test_others_are_refused(records: RecordStore, by: Principal, agency: str | None) -> None:
    with pytest.raises(AccessDenied), records.transaction() as s:
        service_index(s, by, start=DEC, end=JAN, agency=agency)


def test_sohoa_stats_prints_the_same_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given the world in the embedded store, when ``sohoa stats`` runs, then it prints what the API answers."""
    import json

    from typer.testing import CliRunner

    from cli.main import build_app

    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "cli"))
    store = open_records(Settings(data_dir=tmp_path / "cli"))
    with store.transaction() as s:
        _world(s)
    store.close()
    args = ["stats", "--from", "2026-12-01", "--to", "2026-12-31", "--agency", H55]
    as_json = CliRunner().invoke(build_app(), [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    got = json.loads(as_json.stdout)
    assert (got["dossiers"]["share"], got["results"]["share"], got["components"]["reuse_rate"]) == (0.6667, 0.5, 0.2)
    table = CliRunner().invoke(build_app(), args)
    assert table.exit_code == 0, table.output
    for words in ("66.7 %", "2/3", "20.0 s", "0.2", "corrected: can_cuoc.ho_ten", "50.0 %"):
        assert words in table.stdout
