"""Benchmark ingest end to end through RabbitMQ against the pipeline alone, and S3 transfers against the SDK.

Usage: .venv/bin/python bench/ingest.py [--count 8] [--rounds 2] [--seed 4242] [--workers 1,2]
       [--pipeline real|fake] [--signer real|fake] [--work-s 1.0] [--mb 64] [--skip-s3] [--skip-queue]

Starts its own services on 127.0.0.1: a fresh PostgreSQL database (dropped after),
a RabbitMQ queue of its own, SeaweedFS (``weed mini``) in a temporary folder, and
with the real signer the development PKI's TSA/OCSP (made in the temporary folder).

1. Components per minute, for P = each of ``--workers``: the same scans
   (``corpus`` one-page scans, seeds below 100000) digitized and signed by the
   pipeline alone (the Digitizer and Signer seams called directly, in P
   processes), then end to end (upload to S3, record in PostgreSQL, enqueue on
   RabbitMQ, P ``sohoa worker`` processes of one thread each, until every record
   is stored). Both sides are warmed up first and measured in alternating rounds
   (new scans each round), the best round of each kept; the overhead of broker
   and store is the difference, held against the 10% the issue allows.
   ``--pipeline fake`` replaces OCR by ``--work-s`` seconds of simulated work
   (the overhead alone). See ``bench/_ingest_queue.py``.
2. S3 MB/s on the same server: our ``put_bytes``/``get_bytes`` (SHA-256 on the
   way up, checked on the way down) beside the ``minio`` SDK's plain
   ``put_object``/``get_object``, and our streamed ``put_file``/``download``
   beside ``fput_object``/``fget_object``; the median of three runs each.

The machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr

from bench._ingest_queue import Scan, alone_pool, fleet
from bench._ingest_services import RABBIT, BenchServices, start_services
from schemas.settings import PkiSettings, Settings, WorkerSettings
from store.objects import Bucket, S3ObjectStore
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, free_port
from workers import dev_pki_services, fake_scan

ANCHOR_OVERHEAD = 10.0


def make_scans(count: int, *, real: bool, seed: int, work_s: float) -> list[Scan]:
    """``count`` one-page scans (name, bytes): ``corpus`` scans, or fake ones that "take" ``work_s`` each."""
    if real:
        from bench._corpus import bench_corpus

        folder, truths = bench_corpus(count=count, seed=seed, kinds=("scan",))
        return [(t.file, (folder / t.file).read_bytes()) for t in truths]
    spec: Callable[[int], dict[str, Any]] = lambda n: {  # noqa: E731
        "doc_type": "to_khai", "fields": {"ho_ten": f"Người Thử {n}"}, "delay_s": work_s}
    return [(f"{n}.png", fake_scan(spec(n), size=(1240, 1754), seed=n)) for n in range(count)]


def s3_throughput(services: BenchServices, megabytes: int, tmp: Path, repeat: int = 3) -> dict[str, float]:
    """MB/s up and down, median of ``repeat``: ours (hashing, checked reads, multipart) and the SDK's plain calls."""
    ours = S3ObjectStore(services.weed.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False,
                         bucket_prefix=f"bench{uuid.uuid4().hex[:6]}")
    ours.ensure_buckets()
    plain = f"{ours.prefix}-plain"
    ours.client.make_bucket(plain)
    rounds = [_s3_round(ours, plain, megabytes * 1024 * 1024, n, tmp) for n in range(repeat)]
    return {k: megabytes / statistics.median(r[k] for r in rounds) for k in rounds[0]}


def _s3_round(ours: S3ObjectStore, plain: str, size: int, n: int, tmp: Path) -> dict[str, float]:
    """Seconds of each transfer, on new random bytes (a content-addressed store skips what it holds)."""
    seconds: dict[str, float] = {}

    @contextmanager
    def timed(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        seconds[name] = time.perf_counter() - start

    data = os.urandom(size)
    with timed("put"):
        key = ours.put_bytes(Bucket.SCANS, data, content_type="application/octet-stream", owner="bench").key
    with timed("get"):
        ours.get_bytes(Bucket.SCANS, key)
    with timed("sdk_put"):
        ours.client.put_object(plain, f"b{n}", io.BytesIO(data), size,
                               part_size=ours.part_size if size > ours.part_size else 0)
    with timed("sdk_get"):
        _read_all(ours, plain, f"b{n}")
    src, down, fget = tmp / f"s3-{n}.bin", tmp / f"down-{n}.bin", tmp / f"fget-{n}.bin"
    src.write_bytes(os.urandom(size))
    with timed("file_up"):
        stored = ours.put_file(Bucket.SCANS, src, content_type="application/octet-stream", owner="bench")
    with timed("file_down"):
        ours.download(Bucket.SCANS, stored.key, down)
    with timed("sdk_fput"):
        ours.client.fput_object(plain, f"f{n}", str(src), part_size=ours.part_size)
    with timed("sdk_fget"):
        ours.client.fget_object(plain, f"f{n}", str(fget))
    for leftover in (src, down, fget):
        leftover.unlink(missing_ok=True)
    return seconds


def _read_all(ours: S3ObjectStore, bucket: str, key: str) -> bytes:
    response = ours.client.get_object(bucket, key)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def _settings(services: BenchServices, args: argparse.Namespace, tmp: Path, pki_port: int) -> Settings:
    real = args.pipeline == "real"
    worker = WorkerSettings(queue=services.queue, digitizer="pipeline" if real else "fake",
                            signer="pipeline" if args.signer == "real" else "fake", threads=1)
    return Settings(data_dir=tmp / "data", database_url=services.database_url, s3_endpoint=services.weed.endpoint,
                    s3_access_key=S3_ACCESS_KEY, s3_secret_key=SecretStr(S3_SECRET_KEY), s3_secure=False,
                    bucket_prefix=f"b{uuid.uuid4().hex[:8]}", broker_url=RABBIT, worker=worker,
                    pki=PkiSettings(port=pki_port))


def _worker_env(settings: Settings) -> dict[str, str]:
    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else ""
    return {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {
        "SOHOA_DATA_DIR": str(settings.data_dir), "SOHOA_DATABASE_URL": settings.database_url or "",
        "SOHOA_S3_ENDPOINT": settings.s3_endpoint or "", "SOHOA_S3_ACCESS_KEY": settings.s3_access_key or "",
        "SOHOA_S3_SECRET_KEY": secret, "SOHOA_S3_SECURE": "false", "SOHOA_BUCKET_PREFIX": settings.bucket_prefix,
        "SOHOA_BROKER_URL": RABBIT, "SOHOA_WORKER__QUEUE": settings.worker.queue,
        "SOHOA_WORKER__DIGITIZER": settings.worker.digitizer, "SOHOA_WORKER__SIGNER": settings.worker.signer,
        "SOHOA_PKI__PORT": str(settings.pki.port), "OMP_THREAD_LIMIT": "1"}


def bench_queue(args: argparse.Namespace, services: BenchServices, tmp: Path) -> None:
    """Print components per minute, pipeline alone and end to end, for each number of processes."""
    pki_port = free_port()
    settings = _settings(services, args, tmp, pki_port)
    sizes = [int(p) for p in args.workers.split(",")]
    made = make_scans(args.count * args.rounds + max(sizes), real=args.pipeline == "real", seed=args.seed,
                      work_s=args.work_s)
    rounds = [made[r * args.count:(r + 1) * args.count] for r in range(args.rounds)]  # new scans each round
    warm = made[args.count * args.rounds:]
    label = "OCR pipeline" if args.pipeline == "real" else f"fake pipeline ({args.work_s:.2f} s of simulated work)"
    print(f"components/min, {args.count} one-page scans a round (seed {args.seed}), {label}, signer {args.signer}, "
          f"best of {args.rounds} alternating rounds")
    print("  processes   pipeline alone   end to end (RabbitMQ+S3+PostgreSQL)   overhead   ms/component   anchor"
          "   every round (alone / e2e, s)")
    with dev_pki_services(settings):  # the TSA both sides use (the workers find it and check it is this PKI)
        for processes in sizes:
            _measure(settings, rounds, warm, processes, tmp)


def _measure(settings: Settings, rounds: list[list[Scan]], warm: list[Scan], processes: int, tmp: Path) -> None:
    alone: list[tuple[float, float]] = []
    e2e: list[tuple[float, float]] = []
    missing = 0
    with alone_pool(settings, processes, warm) as pool, \
            fleet(settings, _worker_env(settings), processes, warm, tmp / f"p{processes}") as workers:
        for r, scans in enumerate(rounds):
            alone.append(pool.run(scans))
            seconds, cpu, extracted = workers.run(scans, f"0010900{processes:03d}{r:02d}")
            e2e.append((seconds, cpu))
            missing += len(scans) - extracted
    count = len(rounds[0])
    (a_wall, a_cpu), (e_wall, e_cpu) = min(alone), min(e2e)
    overhead = (e_wall - a_wall) / a_wall * 100
    cpu_overhead = (e_cpu - a_cpu) / a_cpu * 100
    verdict = "ok" if overhead < ANCHOR_OVERHEAD else "OVER"
    each = "  ".join(f"{a:.1f}/{e:.1f}" for (a, _), (e, _) in zip(alone, e2e, strict=True))
    print(f"  {processes:9d}   {60 * count / a_wall:14.1f}   {60 * count / e_wall:35.1f}   {overhead:7.1f}%   "
          f"{1000 * (e_wall - a_wall) / count:12.1f}   <{ANCHOR_OVERHEAD:.0f}% {verdict}   {each}"
          + (f"   ({missing} not extracted)" if missing else ""))
    paired = statistics.median((e - a) / a * 100 for (a, _), (e, _) in zip(alone, e2e, strict=True))
    print(f"  {'':9}   overhead of each round against its own pipeline-alone run, median: {paired:+.1f}%")
    print(f"  {'':9}   CPU s/component: alone {a_cpu / count:.2f}, worker+producer {e_cpu / count:.2f} "
          f"({cpu_overhead:+.1f}%, {1000 * (e_cpu - a_cpu) / count:.0f} ms; best round each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--seed", type=int, default=4242, help="corpus seed (below 100000: never trained on)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of each side; the best is kept")
    parser.add_argument("--pipeline", choices=("real", "fake"), default="real")
    parser.add_argument("--signer", choices=("real", "fake"), default="real")
    parser.add_argument("--work-s", type=float, default=1.0, help="simulated work per scan with --pipeline fake")
    parser.add_argument("--mb", type=int, default=64)
    parser.add_argument("--skip-s3", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    args = parser.parse_args()
    if args.seed >= 100_000:
        parser.error("--seed must be below 100000 (the classifier trains on the rest)")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          "(a shared machine: other people's jobs run too)")
    tmp = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    with start_services(tmp) as services:
        if not args.skip_queue:
            bench_queue(args, services, tmp)
        if not args.skip_s3:
            rates = s3_throughput(services, args.mb, tmp)
            print(f"\nS3 MB/s, {args.mb} MiB objects, SeaweedFS on 127.0.0.1, median of 3   ours    minio SDK")
            for label, mine, sdk in (("upload, bytes (put_bytes / put_object)", "put", "sdk_put"),
                                     ("download, bytes (get_bytes / get_object)", "get", "sdk_get"),
                                     ("upload, file (put_file / fput_object)", "file_up", "sdk_fput"),
                                     ("download, file (download / fget_object)", "file_down", "sdk_fget")):
                print(f"  {label:<57} {rates[mine]:7.1f}  {rates[sdk]:7.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
