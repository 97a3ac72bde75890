"""Portal sync: 1,000 dossiers to the portal stand-in failing one request in ten, beside a bare HTTP floor.

Usage: ``.venv/bin/python bench/portal.py [--dossiers 1000] [--fail-every 10] [--changed 50] [--batch 100]``

On a fresh PostgreSQL database of its own (127.0.0.1:5432, dropped at the end) it files
``--dossiers`` dossiers, each with a scanned component read into a document and every
tenth with a result, then prints, from one run:

1. ours: ``sync_portal`` (the worker's loop, settings as shipped but the URL) from the
   outbox to the stand-in failing every ``--fail-every``-th request with a 503, until
   every dossier is taken: wall seconds, calls, failures; then whether each dossier was
   created exactly once and nothing was updated (the target: all synced in under 60 s);
2. then ``--changed`` dossiers get a result and the sync runs again: how many went as
   updates, how many were created again (target: every changed one updated once, no
   other dossier sent);
3. the anchor: the same records posted straight to a stand-in that never fails, in
   batches of the same size, by a bare ``httpx`` loop: no store, no outbox, no retries.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from schemas.settings import PortalSettings, Settings  # noqa: E402
from store.records import (  # noqa: E402
    SYSTEM_WORKER,
    Principal,
    ensure_citizen,
    ensure_dossier,
    issue_result,
    open_records,
    sync_counts,
    upgrade,
)
from tests.fixtures_services import _pg_admin  # noqa: E402
from tests.portal.standin import PortalStandIn  # noqa: E402
from tests.store.helpers import digitized, result  # noqa: E402
from workers import PortalClient, sync_portal  # noqa: E402

OFFICER = Principal("officer", "bench", frozenset({"000.00.15.H55"}))


def _code(i: int) -> str:
    return f"000.00.15.H55-261207-{i:04d}"


def _fill(url: str, n: int) -> None:
    records = open_records(Settings(database_url=url), migrate=False)
    try:
        with records.transaction() as s:
            for i in range(1, n + 1):
                citizen = f"0010900{i:05d}"
                owner = ensure_citizen(s, OFFICER, citizen, ho_ten="Nguyễn Văn An")
                ensure_dossier(s, OFFICER, owner, _code(i), "1.001193")
                digitized(s, result("can_cuoc", fields={"so_dinh_danh": citizen}), seed=f"scan-{i}",
                          citizen=citizen, dossier=_code(i))
                if i % 10 == 0:
                    _result(s, _code(i))
    finally:
        records.close()


def _result(s: object, code: str) -> None:
    issue_result(s, SYSTEM_WORKER, ma_ho_so=code, doc_type="ket_qua", pdf_key="aa/bb/" + "a" * 64,  # type: ignore[arg-type]
                 pdf_sha256="a" * 64, page_count=1, metadata={"ten_giay_to": "Giấy chứng nhận"})


def _ours(url: str, portal: PortalStandIn, n: int, changed: int, batch: int) -> dict[str, float]:
    cfg = PortalSettings(url=portal.url, username=portal.username, batch_size=batch)
    records = open_records(Settings(database_url=url), migrate=False)
    client = PortalClient(cfg, portal.password)
    try:
        started = time.perf_counter()
        first = sync_portal(records, client, cfg, wait_s=120)
        took = time.perf_counter() - started
        led = portal.ledger
        once = set(led.held) == {_code(i) for i in range(1, n + 1)} and set(led.creates.values()) == {1}
        print(f"ours      : {n} dossiers synced in {took:.2f} s wall ({first.calls} calls of {cfg.batch_size}, "
              f"{led.failed} of {led.requests} requests failed "
              f"with 503 and retried), remaining {first.remaining}; each created exactly once: {once}; "
              f"updates {sum(led.updates.values())}  [target < 60 s: {'met' if took < 60 and once else 'MISSED'}]")
        with records.transaction() as s:
            for i in range(1, changed + 1):
                _result(s, _code(i * 7))
        creates_before, requests_before = sum(led.creates.values()), led.requests
        started = time.perf_counter()
        second = sync_portal(records, client, cfg, wait_s=120)
        again = time.perf_counter() - started
        updated = {c for c, k in led.updates.items() if k}
        want = {_code(i * 7) for i in range(1, changed + 1)}
        ok = updated == want and sum(led.updates.values()) == changed and sum(led.creates.values()) == creates_before
        print(f"ours      : {changed} changed dossiers re-sent in {again:.2f} s as {second.updated} updates "
              f"({led.requests - requests_before} requests); created again: "
              f"{sum(led.creates.values()) - creates_before}; unchanged re-sent: {len(updated - want)}  "
              f"[target every change one update: {'met' if ok else 'MISSED'}]")
        with records.transaction() as s:
            print(f"            sync states: {sync_counts(s)}")
        return {"first": took, "second": again}
    finally:
        client.close()
        records.close()


def _anchor(portal: PortalStandIn, held: list[dict[str, object]], batch: int) -> float:
    with httpx.Client(base_url=portal.url) as http:
        session = http.post("/login", json={"username": portal.username, "password": portal.password}).json()
        started = time.perf_counter()
        for i in range(0, len(held), batch):
            answer = http.post("/hoso", json={"session": session["session"], "data": held[i:i + batch]}).json()
            assert answer["error_code"] == "0"
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--fail-every", type=int, default=10)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--batch", type=int, default=PortalSettings().batch_size, help="dossiers per request")
    args = parser.parse_args()
    found = _pg_admin()
    if found is None:
        sys.exit("PostgreSQL does not answer on 127.0.0.1:5432")
    admin, user = found
    name = f"sohoa_bench_portal_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"'.encode())
    url = f"postgresql+psycopg://{user}@127.0.0.1:5432/{name}"
    portal = PortalStandIn(fail_every=args.fail_every).start()
    floor = PortalStandIn().start()
    try:
        from sqlalchemy import create_engine

        engine = create_engine(url)
        upgrade(engine)
        engine.dispose()
        t = time.perf_counter()
        _fill(url, args.dossiers)
        print(f"set-up    : {args.dossiers} dossiers filed in {time.perf_counter() - t:.1f} s (not counted)")
        _ours(url, portal, args.dossiers, args.changed, args.batch)
        bare = _anchor(floor, list(portal.ledger.held.values()), args.batch)
        print(f"anchor    : the same {len(portal.ledger.held)} records posted bare to a stand-in that never fails, "
              f"batches of {args.batch}: {bare:.2f} s wall")
    finally:
        portal.stop()
        floor.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        admin.close()


if __name__ == "__main__":
    main()
