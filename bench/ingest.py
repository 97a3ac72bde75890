"""Benchmark ingest end to end through RabbitMQ against the pipeline alone, and S3 transfers against the SDK.

Usage: .venv/bin/python bench/ingest.py [--count 8] [--workers 1,2] [--pipeline real|fake]
       [--signer real|fake] [--work-s 1.0] [--mb 64] [--skip-s3] [--skip-queue]

Starts its own services on 127.0.0.1: a fresh PostgreSQL database (dropped after),
a RabbitMQ queue of its own, and SeaweedFS (``weed mini``) in a temporary folder.

1. Components per minute: the same scans digitized by the pipeline alone (the
   Digitizer and Signer seams called directly, in P processes) and end to end
   (upload to S3, record in PostgreSQL, enqueue on RabbitMQ, P ``sohoa worker``
   processes with one thread each, wait for every record), for each P; the
   overhead of broker and store is the difference. Workers are warmed up first.
   ``--pipeline real`` runs OCR on pages drawn by ``corpus``; ``fake`` replaces the
   pipeline by ``--work-s`` seconds of simulated work (to measure the overhead alone).
2. S3 MB/s: our ``put_file`` / ``download`` (SHA-256 and multipart, verified on the
   way down) beside the ``minio`` SDK's plain ``fput_object`` / ``fget_object``
   of files of the same size on the same server.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from pydantic import SecretStr

from schemas.settings import Settings, WorkerSettings
from store import Store
from store.objects import Bucket, S3ObjectStore
from store.records import Principal, upgrade
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, WeedServer, make_weed
from workers import fake_scan, make_digitizer, make_signer, open_dispatcher, wait_for

RABBIT = "amqp://guest:guest@127.0.0.1:5672/%2F"
CITIZEN = "001090000001"
DOC_TYPES = ("can_cuoc", "khai_sinh", "xac_nhan_cu_tru", "tinh_trang_hon_nhan", "to_khai", "ly_lich_tu_phap")


def make_scans(count: int, *, real: bool, work_s: float, offset: int = 0) -> list[bytes]:
    """``count`` one-page scans: drawn by ``corpus`` (real) or fake ones that "take" ``work_s``."""
    scans = []
    for n in range(offset, offset + count):
        if real:
            from corpus import render_document
            from schemas.documents import DocType

            page = render_document(DocType(DOC_TYPES[n % len(DOC_TYPES)]), seed=200_000 + n).pages[0]
            buf = io.BytesIO()
            page.save(buf, "PNG", dpi=(300, 300))
            scans.append(buf.getvalue())
        else:
            spec = {"doc_type": "to_khai", "fields": {"ho_ten": f"Người Thử {n}"}, "delay_s": work_s}
            scans.append(fake_scan(spec, size=(1240, 1754), seed=n))
    return scans


_SEAMS: dict[str, Any] = {}


def _init_seams(settings: Settings) -> None:
    _SEAMS["digitizer"], _SEAMS["signer"] = make_digitizer(settings), make_signer(settings)


def _one_alone(scan: bytes) -> bool:
    out = _SEAMS["digitizer"].digitize(scan, name="scan.png")
    if out.searchable_pdf is not None:
        _SEAMS["signer"].sign(out.searchable_pdf, role="officer", meta={})
    return out.result.error is None


def pipeline_alone(settings: Settings, scans: list[bytes], processes: int, warm: list[bytes]) -> float:
    """Seconds for ``processes`` processes to digitize and sign every scan (after a warm-up each)."""
    with ProcessPoolExecutor(processes, initializer=_init_seams, initargs=(settings,)) as pool:
        list(pool.map(_one_alone, warm[:processes]))
        start = time.perf_counter()
        ok = list(pool.map(_one_alone, scans))
        elapsed = time.perf_counter() - start
    if not all(ok):
        print(f"  warning: {ok.count(False)} scan(s) failed in the pipeline alone", file=sys.stderr)
    return elapsed


def end_to_end(settings: Settings, env: dict[str, str], scans: list[bytes], *, processes: int,
               warm: list[bytes], tmp: Path) -> tuple[float, int]:
    """Seconds from the first upload to the last record, through RabbitMQ and ``processes`` workers."""
    workers = [subprocess.Popen([sys.executable, "-m", "cli.main", "worker", "--threads", "1"], env=env,
                                cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(processes)]
    store, dispatcher = Store.open(settings), open_dispatcher(settings)
    try:
        _ingest_all(store, dispatcher, warm[:processes], tmp / "warm")
        start = time.perf_counter()
        ids = _ingest_all(store, dispatcher, scans, tmp / f"run-{processes}")
        views = wait_for(store, ids, timeout_s=3600, poll_s=0.1)
        elapsed = time.perf_counter() - start
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=120)
        dispatcher.close()
        store.close()
    return elapsed, sum(v.status == "extracted" for v in views)


def _ingest_all(store: Store, dispatcher: Any, scans: list[bytes], folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for n, scan in enumerate(scans):
        path = folder / f"{n}.png"
        path.write_bytes(scan)
        up = store.upload_component(path, citizen=CITIZEN, by=Principal("officer", "bench"))
        dispatcher.digitize(up.component.id)
        ids.append(up.component.id)
    if len(ids) > 0:
        wait_for(store, ids, timeout_s=3600, poll_s=0.1)
    return ids


def s3_throughput(server: WeedServer, megabytes: int, tmp: Path) -> dict[str, float]:
    """MB/s up and down: ours (hashing, multipart, verified download) and the SDK's plain calls."""
    ours = S3ObjectStore(server.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False,
                         bucket_prefix=f"bench{uuid.uuid4().hex[:6]}")
    ours.ensure_buckets()
    size = megabytes * 1024 * 1024
    src_ours, src_sdk = tmp / "ours.bin", tmp / "sdk.bin"
    src_ours.write_bytes(os.urandom(size))
    src_sdk.write_bytes(os.urandom(size))
    sdk_bucket = f"{ours.prefix}-sdk"
    ours.client.make_bucket(sdk_bucket)
    rates: dict[str, float] = {}
    start = time.perf_counter()
    stored = ours.put_file(Bucket.SCANS, src_ours, content_type="application/octet-stream", owner=CITIZEN)
    rates["ours_up"] = megabytes / (time.perf_counter() - start)
    start = time.perf_counter()
    ours.client.fput_object(sdk_bucket, "plain", str(src_sdk), part_size=ours.part_size)
    rates["sdk_up"] = megabytes / (time.perf_counter() - start)
    start = time.perf_counter()
    ours.download(Bucket.SCANS, stored.key, tmp / "ours.out")
    rates["ours_down"] = megabytes / (time.perf_counter() - start)
    start = time.perf_counter()
    ours.client.fget_object(sdk_bucket, "plain", str(tmp / "sdk.out"))
    rates["sdk_down"] = megabytes / (time.perf_counter() - start)
    return rates


def _database() -> tuple[str, str]:
    name = f"sohoa_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    return name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_database(name: str) -> None:
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--pipeline", choices=("real", "fake"), default="real")
    parser.add_argument("--signer", choices=("real", "fake"), default="fake")
    parser.add_argument("--work-s", type=float, default=1.0, help="simulated work per scan with --pipeline fake")
    parser.add_argument("--mb", type=int, default=64)
    parser.add_argument("--skip-s3", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    tmp = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    server = make_weed(tmp / "weed")
    server.start()
    db_name, db_url = _database()
    try:
        engine_settings = Settings(data_dir=tmp / "data", database_url=db_url)
        from store.records import make_engine

        engine = make_engine(engine_settings)
        upgrade(engine)
        engine.dispose()
        if not args.skip_queue:
            _bench_queue(args, server, db_url, tmp)
        if not args.skip_s3:
            rates = s3_throughput(server, args.mb, tmp)
            print(f"\nS3 ({args.mb} MiB file, SeaweedFS on 127.0.0.1)   ours    minio SDK")
            print(f"  upload MB/s                               {rates['ours_up']:7.1f}  {rates['sdk_up']:7.1f}")
            print(f"  download MB/s                             {rates['ours_down']:7.1f}  {rates['sdk_down']:7.1f}")
    finally:
        server.stop()
        _drop_database(db_name)


def _bench_queue(args: argparse.Namespace, server: WeedServer, db_url: str, tmp: Path) -> None:
    real = args.pipeline == "real"
    queue = f"sohoa-bench-{uuid.uuid4().hex[:8]}"
    worker = WorkerSettings(queue=queue, digitizer="pipeline" if real else "fake",
                            signer="pipeline" if args.signer == "real" else "fake", threads=1)
    settings = Settings(data_dir=tmp / "data", database_url=db_url, s3_endpoint=server.endpoint,
                        s3_access_key=S3_ACCESS_KEY, s3_secret_key=SecretStr(S3_SECRET_KEY), s3_secure=False,
                        bucket_prefix=f"b{uuid.uuid4().hex[:8]}", broker_url=RABBIT, worker=worker)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {
        "SOHOA_DATA_DIR": str(settings.data_dir), "SOHOA_DATABASE_URL": db_url,
        "SOHOA_S3_ENDPOINT": server.endpoint, "SOHOA_S3_ACCESS_KEY": S3_ACCESS_KEY,
        "SOHOA_S3_SECRET_KEY": S3_SECRET_KEY, "SOHOA_S3_SECURE": "false", "SOHOA_BUCKET_PREFIX": settings.bucket_prefix,
        "SOHOA_BROKER_URL": RABBIT, "SOHOA_WORKER__QUEUE": queue, "SOHOA_WORKER__DIGITIZER": worker.digitizer,
        "SOHOA_WORKER__SIGNER": worker.signer, "OMP_THREAD_LIMIT": "1"}
    try:
        _measure_queue(args, settings, env, tmp)
    finally:
        _delete_queue(queue)


def _delete_queue(queue: str) -> None:
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(RABBIT))
    channel = conn.channel()
    for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
        channel.queue_delete(name)
    conn.close()


def _measure_queue(args: argparse.Namespace, settings: Settings, env: dict[str, str], tmp: Path) -> None:
    real = args.pipeline == "real"
    label = "OCR pipeline" if real else f"fake pipeline ({args.work_s:.2f} s of simulated work)"
    print(f"components/min, {args.count} one-page scans, {label}, signer {args.signer}")
    print("  processes   pipeline alone   end to end (RabbitMQ+S3+PostgreSQL)   overhead   ms/component")
    for n, processes in enumerate(int(p) for p in args.workers.split(",")):
        scans = make_scans(args.count, real=real, work_s=args.work_s, offset=1000 * n)
        warm = make_scans(processes, real=real, work_s=args.work_s, offset=1000 * n + 500)
        alone = pipeline_alone(settings, scans, processes, warm)
        e2e_warm = make_scans(processes, real=real, work_s=args.work_s, offset=1000 * n + 700)
        e2e, extracted = end_to_end(settings, env, scans, processes=processes, warm=e2e_warm, tmp=tmp)
        overhead = (e2e - alone) / alone * 100
        print(f"  {processes:9d}   {60 * args.count / alone:14.1f}   {60 * args.count / e2e:35.1f}   "
              f"{overhead:7.1f}%   {1000 * (e2e - alone) / args.count:12.1f}"
              + ("" if extracted == args.count else f"   ({args.count - extracted} not extracted)"))


if __name__ == "__main__":
    main()
