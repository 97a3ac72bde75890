"""Real worker processes on RabbitMQ, PostgreSQL and an S3 server: crashes, outages, two workers, a burst.

Every test starts its own ``sohoa worker`` processes on a queue of its own, with the
fake pipeline (the mechanics under test are the broker, the stores and the
idempotency, not OCR). PostgreSQL is shared and may not be stopped, so its outage
is a TCP proxy between the worker and the server that the test cuts and restores.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from store.objects import Bucket
from store.records import Principal, begin_processing
from tests.fixtures_services import PG_HOST, PG_PORT, TcpProxy
from tests.workers.services import CITIZEN, Producer, Services, producer_for, sohoa_command
from workers import fake_scan

pytestmark = pytest.mark.services

CARD = {"doc_type": "can_cuoc", "fields": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN}}


def _all_extracted_once(producer: Producer, ids: list[str]) -> None:
    views = producer.components(ids)
    assert [v.status for v in views] == ["extracted"] * len(ids), [v.to_json() for v in views if
                                                                   v.status != "extracted"]
    assert set(producer.document_counts(ids).values()) == {1}


def test_ingest_wait_prints_the_result_and_record_id(services: Services, tmp_path: Path) -> None:
    services.start_worker()
    scan = tmp_path / "cccd.png"
    scan.write_bytes(fake_scan(CARD))
    done = subprocess.run(
        [*sohoa_command(), "ingest", str(scan), "--citizen", CITIZEN, "--dossier",
         "000.00.15.H55-230612-0001", "--procedure", "1.001193", "--wait", "--json"],
        env=services.env(), cwd=services.data_dir, capture_output=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    line = json.loads(done.stdout.decode().splitlines()[0])
    assert (line["status"], line["doc_type"], line["attempts"]) == ("extracted", "can_cuoc", 1)
    assert line["fields"]["ho_ten"]["value"] == "Nguyễn Văn An" and line["record_id"] == line["record_ids"][0]
    assert line["ma_ho_so"] == "000.00.15.H55-230612-0001" and line["error"] is None


def test_two_workers_on_one_queue_process_each_component_exactly_once(services: Services,
                                                                      producer: Producer) -> None:
    services.start_worker(threads=2)
    services.start_worker(threads=2)
    ids = producer.ingest([{**CARD, "delay_s": 0.05} for _ in range(40)])
    producer.wait(ids)
    _all_extracted_once(producer, ids)
    assert {v.attempts for v in producer.components(ids)} == {1}


def test_a_burst_of_200_small_components_all_end_extracted_or_failed(services: Services,
                                                                    producer: Producer) -> None:
    services.start_worker(threads=3)
    services.start_worker(threads=3)
    specs: list[dict[str, object] | bytes] = [
        b"\x00not an image %d" % n if n % 10 == 0 else {"doc_type": "to_khai", "fields": {"ho_ten": f"Người {n}"}}
        for n in range(200)
    ]
    ids = producer.ingest(specs)
    views = producer.wait(ids, timeout_s=300)
    statuses = [v.status for v in views]
    assert statuses.count("extracted") == 180 and statuses.count("failed") == 20
    assert all(v.last_error_code == "corrupt_image" for v in views if v.status == "failed")
    counts = producer.document_counts(ids)
    assert all(counts[v.id] == (1 if v.status == "extracted" else 0) for v in views)


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_job_completes(services: Services,
                                                                                  producer: Producer) -> None:
    first = services.start_worker(threads=1)
    [cid] = producer.ingest([{**CARD, "delay_s": 4}])
    [view] = producer.wait_until([cid], lambda vs: vs[0].status == "processing")
    assert view.status == "processing"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert producer.document_counts([cid]) == {cid: 0}  # nothing of the interrupted job is visible
    assert producer.components([cid])[0].status == "processing"
    services.start_worker(threads=1)
    [done] = producer.wait([cid])
    assert (done.status, done.attempts) == ("extracted", 2)  # the message came back once
    assert producer.document_counts([cid]) == {cid: 1}


def test_s3_down_while_jobs_run_then_back_loses_nothing(outage_services: Services, tmp_path: Path) -> None:
    services = outage_services
    with producer_for(services, tmp_path / "scans") as producer:
        services.start_worker(threads=1)
        ids = producer.ingest([{**CARD, "delay_s": 0.5, "fields": {"ho_ten": f"Người {n}"}} for n in range(6)])
        producer.wait_until(ids, lambda vs: any(v.status == "extracted" for v in vs))
        services.s3.stop()
        felt = producer.wait_until(ids, lambda vs: any(v.last_error_code == "storage_unavailable" for v in vs),
                                   timeout_s=30)
        services.s3.start()
        producer.wait(ids, timeout_s=180)
        _all_extracted_once(producer, ids)
        assert any(v.last_error_code == "storage_unavailable" for v in felt)  # the outage was really felt
        for view in producer.components(ids):
            assert producer.store.objects.get_bytes(Bucket.SCANS, view.scan_key)


def test_postgres_unreachable_while_jobs_run_then_back_loses_nothing(services: Services, tmp_path: Path) -> None:
    proxy = TcpProxy((PG_HOST, PG_PORT)).start()
    proxied = services.database_url.replace(f"{PG_HOST}:{PG_PORT}", f"127.0.0.1:{proxy.port}")
    try:
        with producer_for(services, tmp_path / "scans") as producer:
            services.start_worker(threads=1, database_url=proxied)
            ids = producer.ingest([{**CARD, "delay_s": 0.5, "fields": {"ho_ten": f"Người {n}"}} for n in range(6)])
            producer.wait_until(ids, lambda vs: any(v.status == "extracted" for v in vs))
            proxy.cut()
            time.sleep(4)  # jobs fail against the cut link and wait out their backoff
            during = producer.components(ids)
            proxy.start()
            producer.wait(ids, timeout_s=180)
            _all_extracted_once(producer, ids)
            assert any(v.status != "extracted" for v in during)  # work was still pending during the outage
    finally:
        proxy.stop()



def test_a_component_whose_message_was_lost_is_picked_up_by_a_workers_sweep(services: Services,
                                                                           producer: Producer) -> None:
    [cid] = producer.ingest([CARD], enqueue=False)  # recorded, but its message never reached the queue
    with producer.store.records.transaction() as s:  # and a worker had started it: stuck "processing"
        begin_processing(s, Principal("system", "worker"), cid)
    services.start_worker(threads=1, extra_env={"SOHOA_WORKER__SWEEP_INTERVAL_S": "1",
                                                "SOHOA_WORKER__STALE_AFTER_S": "2"})
    [done] = producer.wait([cid], timeout_s=60)
    assert (done.status, done.attempts) == ("extracted", 2)
    assert producer.document_counts([cid]) == {cid: 1}
