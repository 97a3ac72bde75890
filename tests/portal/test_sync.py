"""The sync against the portal stand-in: batches through failures, updates, the last answer kept, restarts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from schemas.errors import ConfigError
from schemas.settings import PortalSettings, Settings
from store.records import (
    RecordStore,
    confirm_document,
    ensure_citizen,
    ensure_dossier,
    failing_syncs,
    portal_attempts,
    portal_sync_status,
    sync_counts,
)
from store.records._portal_tables import PortalAttempt
from tests.portal.standin import PortalStandIn
from tests.store.helpers import CITIZEN, OFFICER, PROCEDURE, digitized, result
from workers import PortalClient, portal_password, sync_portal

ADMIN_PRINCIPAL = OFFICER.__class__("admin", "root")


def codes(n: int) -> list[str]:
    return [f"000.00.15.H55-261207-{i:04d}" for i in range(1, n + 1)]


def open_dossiers(records: RecordStore, wanted: list[str]) -> None:
    with records.transaction() as s:
        owner = ensure_citizen(s, OFFICER, CITIZEN, ho_ten="Nguyễn Văn An")
        for code in wanted:
            ensure_dossier(s, OFFICER, owner, code, PROCEDURE)


def cfg_for(portal: PortalStandIn, **changes: object) -> PortalSettings:
    return PortalSettings(url=portal.url, username=portal.username, min_backoff_ms=10, max_backoff_ms=50,
                          timeout_s=5, **changes)  # type: ignore[arg-type]


@pytest.fixture
def client(portal: PortalStandIn) -> Iterator[PortalClient]:
    c = PortalClient(cfg_for(portal), portal.password)
    yield c
    c.close()


def test_every_dossier_reaches_the_portal_once_through_failures_and_a_change_goes_as_an_update(
        pg_records: RecordStore, portal: PortalStandIn, client: PortalClient) -> None:
    wanted = codes(30)
    open_dossiers(pg_records, wanted)
    portal.fail_every = 3
    cfg = cfg_for(portal, batch_size=7)
    report = sync_portal(pg_records, client, cfg, wait_s=20)
    assert report.remaining == 0 and report.posted == 30 and report.failed > 0
    assert set(portal.ledger.held) == set(wanted) and set(portal.ledger.creates.values()) == {1}
    assert not portal.ledger.updates and portal.ledger.failed > 0
    with pg_records.transaction() as s:
        tried = s.scalar(select(func.count()).select_from(PortalAttempt))
        failed = s.scalar(select(func.count()).select_from(PortalAttempt).where(PortalAttempt.ok.is_(False)))
    assert tried == 30 + report.failed and failed == report.failed  # every call for every dossier is kept

    requests = portal.ledger.requests
    with pg_records.transaction() as s:  # a component handed in changes one dossier
        digitized(s, result(fields={"so_dinh_danh": CITIZEN}), seed="late-card", dossier=wanted[4])
    again = sync_portal(pg_records, client, cfg, wait_s=20)
    assert again.updated == 1 and again.posted == 0 and again.remaining == 0
    assert portal.ledger.updates == {wanted[4]: 1} and set(portal.ledger.creates.values()) == {1}
    assert portal.ledger.held[wanted[4]]["HoSoCoThanhPhanSoHoa"] == 1
    assert portal.ledger.requests - requests <= 2  # one update (and at most one injected failure)

    quiet = sync_portal(pg_records, client, cfg)  # nothing changed: nothing is sent
    assert (quiet.calls, portal.ledger.updates) == (0, {wanted[4]: 1})


def test_a_change_that_leaves_the_record_as_it_was_is_not_sent(pg_records: RecordStore, portal: PortalStandIn,
                                                                client: PortalClient) -> None:
    open_dossiers(pg_records, codes(2))
    with pg_records.transaction() as s:
        doc = digitized(s, result(), seed="card", dossier=codes(2)[0])[0]
    sync_portal(pg_records, client, cfg_for(portal))
    before = portal.ledger.requests
    with pg_records.transaction() as s:  # confirming changes no field the portal sees
        confirm_document(s, OFFICER, doc)
    report = sync_portal(pg_records, client, cfg_for(portal))
    assert report.calls == 0 and portal.ledger.requests == before
    with pg_records.transaction() as s:
        assert sync_counts(s) == {"synced": 2, "outbox": 0}


def test_a_dossier_the_portal_already_has_is_posted_to_the_update_service(
        pg_records: RecordStore, portal: PortalStandIn, client: PortalClient) -> None:
    (code,) = codes(1)
    open_dossiers(pg_records, [code])
    portal.ledger.held[code] = {"MaHoSo": code, "TrangThaiHoSo": 1}  # sent before by another system
    report = sync_portal(pg_records, client, cfg_for(portal))
    assert (report.posted, report.updated, report.failed) == (0, 1, 0)
    assert portal.ledger.exists_answers == {code: 1} and portal.ledger.updates == {code: 1}
    assert portal.ledger.held[code]["TrangThaiHoSo"] == 2 and not portal.ledger.creates
    with pg_records.transaction() as s:
        calls = portal_attempts(s, OFFICER, code)
    assert [(c["service"], c["ok"], c["error_code"]) for c in calls] == [("post", False, "2"), ("update", True, "0")]


def test_a_dossier_that_keeps_failing_is_listed_with_the_portals_last_answer_until_it_gets_through(
        pg_records: RecordStore, portal: PortalStandIn, client: PortalClient) -> None:
    (code,) = codes(1)
    open_dossiers(pg_records, [code])
    portal.fail_every = 1
    cfg = cfg_for(portal, max_attempts=3)
    report = sync_portal(pg_records, client, cfg, wait_s=2)
    assert report.remaining == 1 and report.errors["-1"] >= 3
    with pg_records.transaction() as s:
        (shown,) = failing_syncs(s, OFFICER)
        assert failing_syncs(s, ADMIN_PRINCIPAL) == [shown]
        assert failing_syncs(s, OFFICER.__class__("officer", "cb9", frozenset({"000.00.16.H56"}))) == []
    assert shown.ma_ho_so == code and shown.state == "failing" and shown.attempts >= 3
    assert shown.last_error_code == "-1" and shown.last_answer == {"error_code": "-1", "message": "Hệ thống đang bận"}
    portal.fail_every = 0
    assert sync_portal(pg_records, client, cfg, wait_s=5).remaining == 0
    with pg_records.transaction() as s:
        status = portal_sync_status(s, OFFICER, code)
        assert status is not None and status.state == "synced" and failing_syncs(s, OFFICER) == []


def test_an_unreachable_or_restarted_portal_loses_nothing_and_the_client_logs_in_again(
        pg_records: RecordStore, portal: PortalStandIn, client: PortalClient) -> None:
    wanted = codes(6)
    open_dossiers(pg_records, wanted[:3])
    assert sync_portal(pg_records, client, cfg_for(portal)).posted == 3
    portal.stop()
    open_dossiers(pg_records, wanted[3:])
    down = sync_portal(pg_records, client, cfg_for(portal))
    assert down.remaining == 3 and set(down.errors) == {"portal_unavailable"}
    portal.start()  # same port, same held dossiers, sessions forgotten
    up = sync_portal(pg_records, client, cfg_for(portal), wait_s=5)
    assert up.remaining == 0 and up.posted == 3
    assert set(portal.ledger.held) == set(wanted) and set(portal.ledger.creates.values()) == {1}
    assert portal.ledger.logins == 2


def test_a_wrong_password_is_a_failure_kept_on_every_dossier(pg_records: RecordStore, portal: PortalStandIn) -> None:
    open_dossiers(pg_records, codes(2))
    bad = PortalClient(cfg_for(portal), "not-the-password")
    try:
        report = sync_portal(pg_records, bad, cfg_for(portal))
    finally:
        bad.close()
    assert report.failed == 2 and report.errors == {"portal_unavailable": 2} and not portal.ledger.held
    with pg_records.transaction() as s:
        status = portal_sync_status(s, OFFICER, codes(2)[0])
    assert status is not None and status.last_answer is not None
    assert "refused the login" in str(status.last_answer["message"])


def test_the_portal_password_has_no_usable_default_outside_development() -> None:
    assert portal_password(Settings())  # development: the development password
    prod = Settings(environment="production", portal=PortalSettings(url="https://dvc.example.vn/api"))
    with pytest.raises(ConfigError):
        portal_password(prod)
    with pytest.raises(ConfigError, match="SOHOA_PORTAL__PASSWORD"):
        prod.check_secure()


def _sent_then_killed(records: RecordStore, client: PortalClient, cfg: PortalSettings) -> None:
    """A worker claims a batch, the portal takes it, and the worker dies before writing the answers down."""
    from store.records import claim_due
    from workers._portal import take_outbox

    take_outbox(records, cfg)
    with records.transaction() as s:
        jobs = claim_due(s, limit=100, lease_s=0.05)
    assert client.send("post", [j.record for j in jobs]).error_code == "0"
    time.sleep(0.1)  # its lease ends


def test_what_a_killed_worker_had_sent_is_not_sent_again_but_a_change_since_is(
        pg_records: RecordStore, portal: PortalStandIn, client: PortalClient) -> None:
    wanted = codes(4)
    open_dossiers(pg_records, wanted)
    cfg = cfg_for(portal)
    _sent_then_killed(pg_records, client, cfg)
    with pg_records.transaction() as s:  # one changes before the next worker looks
        digitized(s, result(), seed="late", dossier=wanted[0])
    report = sync_portal(pg_records, client, cfg)
    assert report.remaining == 0 and (report.posted, report.updated) == (3, 1)
    assert set(portal.ledger.exists_answers) == set(wanted)
    assert portal.ledger.updates == {wanted[0]: 1} and not portal.ledger.same_updates
    assert set(portal.ledger.creates.values()) == {1}
    assert portal.ledger.held[wanted[0]]["HoSoCoThanhPhanSoHoa"] == 1
