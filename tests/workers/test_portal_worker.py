"""The portal sync in real ``sohoa worker`` processes (PostgreSQL, RabbitMQ): one SIGKILLed mid-batch."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from store.records import (
    SYSTEM_WORKER,
    RecordStore,
    ensure_citizen,
    ensure_dossier,
    issue_result,
    open_records,
    sync_counts,
)
from store.records._portal_tables import PortalAttempt
from tests.portal.standin import PortalStandIn
from tests.workers.conftest import CITIZEN, OFFICER
from tests.workers.services import Services

CODES = [f"000.00.15.H55-261207-{i:04d}" for i in range(1, 41)]


@pytest.fixture
def slow_portal() -> Iterator[PortalStandIn]:
    standin = PortalStandIn(delay_s=0.4).start()
    yield standin
    standin.stop()


def _portal_env(portal: PortalStandIn) -> dict[str, str]:
    return {"SOHOA_PORTAL__URL": portal.url, "SOHOA_PORTAL__PASSWORD": portal.password,
            "SOHOA_PORTAL__BATCH_SIZE": "5", "SOHOA_PORTAL__LEASE_S": "3", "SOHOA_PORTAL__TIMEOUT_S": "1",
            "SOHOA_PORTAL__INTERVAL_S": "0.5", "SOHOA_PORTAL__MIN_BACKOFF_MS": "100"}


def _wait(check: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _counts(records: RecordStore) -> dict[str, int]:
    with records.transaction() as s:
        return sync_counts(s)


def test_a_worker_killed_mid_batch_loses_no_dossier_and_creates_none_twice(services: Services,
                                                                            slow_portal: PortalStandIn) -> None:
    records = open_records(services.settings())
    try:
        with records.transaction() as s:
            owner = ensure_citizen(s, OFFICER, CITIZEN, ho_ten="Nguyễn Văn An")
            for code in CODES:
                ensure_dossier(s, OFFICER, owner, code, "1.001193")
        first = services.start_worker(extra_env=_portal_env(slow_portal))
        _wait(lambda: slow_portal.ledger.requests >= 2, 60, "the worker's first batches")
        os.killpg(first.pid, signal.SIGKILL)  # mid-batch: the stand-in is holding a request
        first.wait(timeout=10)
        taken_before = sorted(slow_portal.ledger.held)
        assert 0 < len(taken_before) < len(CODES)
        changed_code = taken_before[0]
        with records.transaction() as s:  # a result issued meanwhile: a dossier the portal has must go again
            issue_result(s, SYSTEM_WORKER, ma_ho_so=changed_code, doc_type="ket_qua", pdf_key="aa/bb/" + "a" * 64,
                         pdf_sha256="a" * 64, page_count=1, metadata={"ten_giay_to": "Giấy chứng nhận"})
        services.start_worker(extra_env=_portal_env(slow_portal))
        _wait(lambda: _counts(records) == {"synced": len(CODES), "outbox": 0}, 90, "every dossier synced")
        with records.transaction() as s:
            kept = [(a.ma_ho_so, a.ok, a.error_code) for a in s.scalars(select(PortalAttempt))]
    finally:
        records.close()
    ledger = slow_portal.ledger
    assert set(ledger.held) == set(CODES) and set(ledger.creates.values()) == {1}  # each created exactly once
    assert ledger.held[changed_code]["TrangThaiHoSo"] == 9 and ledger.updates[changed_code] >= 1
    # the batches the killed worker had sent are not sent again (the portal holds exactly what was sent):
    # the one update is the changed dossier's
    assert ledger.updates == {changed_code: 1} and not ledger.same_updates
    assert len(ledger.exists_answers) > 0  # the kill did leave sent-but-unanswered dossiers behind
    # every answer is kept: a "0" for each dossier but those found already there after the kill
    assert {code for code, ok, _ in kept if ok} | set(ledger.exists_answers) == set(CODES)
    assert {code for code, _, error in kept if error == "2"} == set(ledger.exists_answers)
