"""The service index over 100,000 components on PostgreSQL: ``GET /v1/stats`` beside a bare ``count(*)``.

Usage: ``.venv/bin/python bench/stats.py [--components 100000] [--rounds 15]``

In one run, on a fresh database of its own (dropped afterwards):

1. seeds ``--components`` components with COPY (then VACUUM ANALYZE, as autovacuum would): four per
   dossier over 10 agencies and 90 days,
   one in seven reused from the Kho, nine in ten digitized (a document each, 3 % of them
   corrected as a second version), a result job per dossier (nine in ten signed);
2. times, each the median and the worst of ``--rounds`` calls after one warm-up:
   - the anchor: ``SELECT count(*) FROM components`` on the same connection pool;
   - ``service_index`` called directly (the store function), every agency, the whole period;
   - ``GET /v1/stats`` through the app (token check, JSON) for every agency over 90 days and for
     one agency over 30 days, as an administrator and as that agency's officer;
3. drops the indexes of revision 0004 and times ``GET /v1/stats`` again, to show what they buy.

Target: ``GET /v1/stats`` under 200 ms over 100,000 components.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AGENCIES = [f"000.00.{10 + n}.H{50 + n}" for n in range(10)]
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
DAYS = 90
SECRET = "bench-secret-for-hs256-development-tokens-0123456789"
FIELDS = {name: {"value": "x", "confidence": 0.9, "page": 1, "bbox": None, "flags": []}
          for name in ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "quoc_tich", "noi_thuong_tru")}
INDEXES = ("ix_components_created_at", "ix_dossiers_agency_created", "ix_result_jobs_created_at",
           "ix_documents_corrected", "ix_documents_current_components")


def _copy(conn: psycopg.Connection[Any], table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    n = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN".encode()) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def seed(url: str, components: int) -> dict[str, int]:
    """Fill the database; returns the rows written per table."""
    dossiers = components // 4
    citizens = max(1, dossiers // 2)
    dsn = url.replace("postgresql+psycopg", "postgresql")
    counts: dict[str, int] = {}
    with psycopg.connect(dsn) as conn:
        counts["citizens"] = _copy(conn, "citizens", ("id", "ma_dinh_danh", "kind", "created_at"), (
            (f"c-{n}", f"{1090000000 + n:012d}", "person", NOW) for n in range(citizens)))
        counts["dossiers"] = _copy(conn, "dossiers", (
            "id", "ma_ho_so", "ma_tthc", "co_quan_tiep_nhan", "citizen_id", "results_issued", "created_by",
            "created_at"), (
            (f"d-{n}", f"{AGENCIES[n % 10]}-261207-{n:05d}", "1.001193", AGENCIES[n % 10], f"c-{n % citizens}", 1,
             "officer:cb", _at(n, dossiers)) for n in range(dossiers)))
        counts["components"] = _copy(conn, "components", (
            "id", "citizen_id", "dossier_id", "ingest_key", "file_name", "content_type", "size_bytes", "scan_key",
            "scan_sha256", "origin", "status", "attempts", "submitted_by", "created_at", "updated_at", "finished_at"),
            _components(components, citizens))
        counts["documents"] = _copy(conn, "documents", (
            "id", "lineage_id", "version", "is_current", "component_id", "citizen_id", "dossier_id", "kind",
            "origin", "status", "doc_type", "confidence", "fields", "flags", "page_start", "page_count",
            "page_info", "ocr_text", "search_text", "digitized_at", "created_by", "created_at"),
            _documents(components, citizens))
        counts["result_jobs"] = _copy(conn, "result_jobs", (
            "id", "dossier_id", "ma_ho_so", "state", "level", "ten_giay_to", "source_key", "source_sha256",
            "page_count", "callback_state", "attempts", "requested_by", "created_at", "updated_at"), (
            (f"j-{n}", f"d-{n}", f"{AGENCIES[n % 10]}-261207-{n:05d}", "failed" if n % 10 == 9 else "done", "B-LT",
             "Quyết định", "k", "0" * 64, 1, "none", 1, "resolution_system:x", _at(n, dossiers),
             _at(n, dossiers)) for n in range(dossiers)))
    # what autovacuum does to a table in use: statistics, and the visibility map index-only scans need
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(b"VACUUM ANALYZE")
    return counts


def _at(n: int, total: int) -> datetime:
    """Spread row ``n`` of ``total`` over the last ``DAYS`` days."""
    return NOW - timedelta(seconds=DAYS * 86400 * (total - n) / total)


def _digitized(n: int) -> bool:
    return n % 7 != 0 and n % 10 != 9  # one in seven reused, one in ten of the rest not done


def _components(total: int, citizens: int) -> Iterator[tuple[Any, ...]]:
    for n in range(total):
        created = _at(n, total)
        reused = n % 7 == 0
        done = reused or _digitized(n)
        status = "extracted" if done else ("failed" if n % 20 == 9 else "pending")
        finished = created + timedelta(seconds=20 + (n * 37) % 400) if done and not reused else (
            created if reused else None)
        dossier = n // 4
        yield (f"k-{n}", f"c-{dossier % citizens}", f"d-{dossier}", f"ik-{n}", "scan.png", "image/png", 1000,
               "scans/x", "0" * 64, "reused" if reused else "scanned", status, 1, "officer:cb", created, created,
               finished)


def _documents(total: int, citizens: int) -> Iterator[tuple[Any, ...]]:
    fields = json.dumps(FIELDS)
    corrected = json.dumps({**FIELDS, "ho_ten": {**FIELDS["ho_ten"], "value": "y", "flags": ["corrected"]}})
    for n in range(total):
        if not _digitized(n):
            continue
        at, dossier = _at(n, total), n // 4
        base = (f"k-{n}", f"c-{dossier % citizens}", f"d-{dossier}", "component", "scanned")
        fixed = n % 33 == 0
        yield (f"v1-{n}", f"v1-{n}", 1, not fixed, *base, "confirmed", "can_cuoc", 0.9, fields, "[]", 1, 1, "[]",
               "", "", at, "officer:cb", at)
        if fixed:
            yield (f"v2-{n}", f"v1-{n}", 2, True, *base, "extracted", "can_cuoc", 0.9, corrected, "[]", 1, 1, "[]",
                   "", "", at, "officer:cb", at)


def timed(call: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Median and worst milliseconds of ``rounds`` calls, after one warm-up call."""
    call()
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--components", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from pydantic import SecretStr
    from sqlalchemy import text

    from api import create_app, mint_dev_token
    from bench._ingest_services import fresh_database
    from schemas.settings import ApiSettings, Settings, WorkerSettings
    from store.records import SYSTEM_WORKER, open_records, service_index

    with fresh_database("sohoa_bench_stats") as url, tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        counts = seed(url, args.components)
        print(f"seeded {counts} in {time.perf_counter() - began:.1f} s")
        settings = Settings(database_url=url, data_dir=Path(tmp),
                            api=ApiSettings(token_secret=SecretStr(SECRET), rate_limit_per_minute=0),
                            worker=WorkerSettings(digitizer="fake", signer="fake"))
        records = open_records(settings, migrate=False)
        admin = mint_dev_token(settings, role="admin", sub="quantri", agency=None)
        officer = mint_dev_token(settings, role="officer", sub="cb01", agency=AGENCIES[0])
        month = (NOW - timedelta(days=30)).date().isoformat()

        def count() -> None:
            with records.read_transaction() as s:
                s.execute(text("SELECT count(*) FROM components")).scalar_one()

        def direct() -> None:
            with records.read_transaction() as s:
                service_index(s, SYSTEM_WORKER)

        rows: list[tuple[str, tuple[float, float]]] = [
            ("anchor: SELECT count(*) FROM components", timed(count, args.rounds)),
            ("service_index() in the store, all", timed(direct, args.rounds))]
        with TestClient(create_app(settings)) as client:
            def get(query: str, token: str) -> Callable[[], Any]:
                def call() -> None:
                    r = client.get(f"/v1/stats{query}", headers={"Authorization": f"Bearer {token}"})
                    assert r.status_code == 200, r.text
                return call

            every = get("", admin)
            one = get(f"?from={month}", officer)
            check = client.get("/v1/stats", headers={"Authorization": f"Bearer {admin}"}).json()
            print(f"index over everything: components {check['components']['total']}, "
                  f"reuse {check['components']['reuse_rate']}, p50 {check['upload_to_done']['p50_s']} s, "
                  f"p95 {check['upload_to_done']['p95_s']} s")
            rows.append(("GET /v1/stats, admin, every agency, 90 days", timed(every, args.rounds)))
            rows.append(("GET /v1/stats, officer, one agency, 30 days", timed(one, args.rounds)))
            with records.transaction() as s:
                for name in INDEXES:
                    s.execute(text(f"DROP INDEX {name}"))
                s.execute(text("ANALYZE"))  # (VACUUM cannot run in a transaction; ANALYZE is what matters here)
            rows.append(("without the 0004 indexes: admin, every agency", timed(every, args.rounds)))
            rows.append(("without the 0004 indexes: officer, one agency", timed(one, args.rounds)))
        records.close()
    print(f"\n{args.components:,} components, {args.rounds} rounds each (median / worst, ms)")
    for label, (median, worst) in rows:
        print(f"  {label:<52} {median:8.1f} {worst:8.1f}")
    target = max(rows[2][1][0], rows[3][1][0])
    print(f"\ntarget: GET /v1/stats under 200 ms -> {'met' if target < 200 else 'missed'} ({target:.1f} ms median)")


if __name__ == "__main__":
    main()
