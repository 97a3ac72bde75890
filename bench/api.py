"""Benchmark the API on the real services, beside anchors measured in the same run.

Usage: .venv/bin/python bench/api.py [--clients 50] [--seconds 10] [--requests 3000] [--workers 1]
       [--uploads 8] [--mb 5] [--skip-pipeline] [--only uploads] [--client-mbps 0]

Starts its own services on 127.0.0.1 (a fresh PostgreSQL database, a RabbitMQ
queue, SeaweedFS, and Redis for the rate limit, which stays on but never bites),
``sohoa serve`` and, beside it, a bare FastAPI route (``bench/_bare.py``) served
by uvicorn the same way (same worker count, same machine, same client).

1. Uploads: ``--uploads`` scans of ``--mb`` MB each (uncompressed TIFF, every one
   different) POSTed one at a time, beside a plain ``put_object`` of the same bytes
   to the same S3 server with the ``minio`` SDK, in one request (the store's part
   size: the SDK's default 5 MiB parts would make it a slower multipart upload of
   four requests, flattering the ratio). Target: at most 1.3× the put. Each upload
   is sent twice (other bytes each time): as a plain multipart client sends it, and
   with the part declaring its digest and length (``Repr-Digest``, ``Content-Length``),
   which the API streams into S3 while it arrives; the client's hashing of the file
   counts inside that upload's time.
2. One page from upload to ``done`` (a real ``sohoa worker``, the real pipeline and
   PAdES signing with the development PKI), beside the pipeline alone on that page
   (digitize and sign, in this process). Both warmed up on another page first.
   Target: at most the pipeline's time plus 0.5 s.
3. Reads: ``GET /v1/components/{id}`` and ``GET /v1/citizens/{id}/documents`` (each
   authenticated, rate-counted in Redis, read from PostgreSQL and audited) from
   ``--clients`` concurrent clients (``wrk`` when installed, else aiohttp in this process:
   see ``bench/_api_load.py``), beside ``GET /bare``. Targets: p99 ≤ 50 ms,
   requests per second at least a third of the bare route's.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from pydantic import SecretStr

from bench._api_load import LoadResult, load
from bench._ingest_queue import cpu_seconds
from bench._ingest_services import RABBIT, BenchServices, start_services
from schemas.settings import ApiSettings, PkiSettings, Settings, WorkerSettings
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, free_port

AGENCY, CITIZEN = "000.00.15.H55", "001090000001"
DOSSIER = f"{AGENCY}-261206-0001"
SECRET = "bench-token-secret-0123456789-abcdefghij"
REDIS = "redis://127.0.0.1:6379/0"
VENV_BIN = Path(sys.executable).parent
#: the store's part size (``store.part_size``): the plain put sends a scan in one request too, as the API does
PART_SIZE = 16 * 1024 * 1024


def _env(svc: BenchServices, data_dir: Path, pki_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update({
        "OMP_THREAD_LIMIT": "1", "SOHOA_DATA_DIR": str(data_dir), "SOHOA_DATABASE_URL": svc.database_url,
        "SOHOA_S3_ENDPOINT": svc.weed.endpoint, "SOHOA_S3_ACCESS_KEY": S3_ACCESS_KEY,
        "SOHOA_S3_SECRET_KEY": S3_SECRET_KEY, "SOHOA_S3_SECURE": "false", "SOHOA_BUCKET_PREFIX": "bench",
        "SOHOA_BROKER_URL": RABBIT, "SOHOA_WORKER__QUEUE": svc.queue, "SOHOA_REDIS_URL": REDIS,
        "SOHOA_API__TOKEN_SECRET": SECRET, "SOHOA_API__RATE_LIMIT_PER_MINUTE": "1000000000",
        "SOHOA_PKI__PORT": str(pki_port),
    })
    return env


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path,
             ready: str | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(args, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
                            cwd=log.parent)
    try:
        deadline = time.monotonic() + 90
        while ready is not None:
            if proc.poll() is not None:
                raise RuntimeError(f"{args[:2]} exited: {log.read_text()[-1500:]}")
            try:
                if httpx.get(ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args[:2]} not ready: {log.read_text()[-1500:]}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _tiff(mb: float, n: int) -> bytes:
    """An uncompressed RGB TIFF of about ``mb`` MB, its last bytes made unique by ``n``."""
    from PIL import Image

    side = int((mb * 1024 * 1024 / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "TIFF", dpi=(300, 300))
    data = bytearray(out.getvalue())
    data[-16:-8] = n.to_bytes(8, "big")
    return bytes(data)


@dataclass
class UploadFigures:
    """Medians of one upload through the API and of one plain put, and the CPU each cost (ms per file).

    CPU is read from ``/proc`` (10 ms ticks, summed over all uploads, so per file it is good to about a
    millisecond): the API's server process, the S3 server's, and this process's for the plain put.
    """

    ours_s: float
    declared_s: float
    put_s: float
    api_cpu_ms: float
    s3_cpu_ours_ms: float
    api_cpu_declared_ms: float
    s3_cpu_declared_ms: float
    put_cpu_ms: float
    s3_cpu_put_ms: float
    #: each round's upload over the put sent right after it: the S3 server's speed drifts from round to
    #: round (here 40-70 ms for the same put), which a ratio of medians taken apart does not see
    rounds: list[tuple[float, float, float]]

    def per_round(self, declared: bool = False) -> str:
        """The median of the rounds' ratios, their range, and the median milliseconds over the put."""
        ratios = sorted((dec if declared else up) / put for up, dec, put in self.rounds)
        over = statistics.median(((dec if declared else up) - put) * 1000 for up, dec, put in self.rounds)
        return f"{statistics.median(ratios):.2f}x (rounds {ratios[0]:.2f}-{ratios[-1]:.2f}), {over:+.0f} ms"


def bench_uploads(api: str, headers: dict[str, str], svc: BenchServices, *, count: int, mb: float,
                  api_pid: int, client_mbps: float = 0.0) -> UploadFigures:
    """Median seconds of one upload through the API, and of a plain put of the same bytes; CPU of each.

    ``client_mbps``: send the uploads' bodies at that many megabits a second (a counter PC on the office
    network), not as fast as the loopback takes them; the plain put still goes at full speed.
    """
    from minio import Minio

    client = Minio(svc.weed.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False)
    bucket = f"plain-{uuid.uuid4().hex[:8]}"
    client.make_bucket(bucket)
    weed_pid = svc.weed.process.pid if svc.weed.process is not None else None
    ours, declared, plain = [], [], []
    cpu = dict.fromkeys(("api", "s3_ours", "api_declared", "s3_declared", "put", "s3_put"), 0.0)

    def cpus() -> tuple[float, float]:
        return cpu_seconds([api_pid]), cpu_seconds([weed_pid]) if weed_pid else 0.0

    with httpx.Client(timeout=120) as http:
        for n in range(count + 1):  # the first of each is a warm-up
            data = _tiff(mb, n)
            other = _tiff(mb, n + 100_000)  # other bytes: a fresh object, as for the plain upload
            timed: dict[bool, tuple[float, float, float]] = {}  # declared or not: seconds, API CPU, S3 CPU
            for declare in (False, True) if n % 2 else (True, False):  # each goes first every other time
                before = cpus()
                took = _post_upload(http, api, headers, f"scan-{n}-{declare}.tif", other if declare else data,
                                    declare=declare, mbps=client_mbps)
                after = cpus()
                timed[declare] = (took, after[0] - before[0], after[1] - before[1])
            after = cpus()
            body = io.BytesIO(data)  # the same bytes, under another name
            start, cpu_before = time.perf_counter(), time.process_time()
            client.put_object(bucket, f"scan-{n}", body, len(data), part_size=PART_SIZE)
            put = time.perf_counter() - start
            put_cpu = time.process_time() - cpu_before
            if n:
                ours.append(timed[False][0])
                declared.append(timed[True][0])
                plain.append(put)
                cpu["api"] += timed[False][1]
                cpu["s3_ours"] += timed[False][2]
                cpu["api_declared"] += timed[True][1]
                cpu["s3_declared"] += timed[True][2]
                cpu["put"] += put_cpu
                cpu["s3_put"] += (cpu_seconds([weed_pid]) if weed_pid else 0.0) - after[1]
    per = {k: v * 1000 / count for k, v in cpu.items()}
    return UploadFigures(statistics.median(ours), statistics.median(declared), statistics.median(plain), per["api"],
                         per["s3_ours"], per["api_declared"], per["s3_declared"], per["put"], per["s3_put"],
                         list(zip(ours, declared, plain, strict=True)))


def _post_upload(http: httpx.Client, api: str, headers: dict[str, str], name: str, data: bytes, *,
                 declare: bool, mbps: float = 0.0) -> float:
    """Seconds to upload one file; with ``declare``, hashing it for its part's ``Repr-Digest`` counts too;
    ``mbps``: the body sent at that rate (0: as fast as it goes)."""
    start = time.perf_counter()
    part: tuple[Any, ...] = (name, data, "image/tiff")
    if declare:
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        part = (*part, {"Repr-Digest": f"sha-256=:{digest}:", "Content-Length": str(len(data))})
    url = f"{api}/v1/dossiers/{DOSSIER}/components"
    if mbps:
        built = http.build_request("POST", url, headers=headers, files=[("files", part)])
        body = built.read()
        r = http.post(url, content=_paced(body, mbps * 1e6 / 8), headers={
            **headers, "Content-Type": built.headers["content-type"], "Content-Length": str(len(body))})
    else:
        r = http.post(url, headers=headers, files=[("files", part)])
    took = time.perf_counter() - start
    assert r.status_code == 202, r.text
    return took


def _paced(body: bytes, rate: float, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """``body`` in chunks, each sent no sooner than ``rate`` bytes a second allows."""
    start = time.perf_counter()
    for at in range(0, len(body), chunk):
        wait = start + at / rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        yield body[at:at + chunk]


def _purge(queue: str) -> None:
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(RABBIT))
    channel = conn.channel()
    for name in (queue, f"{queue}.DQ"):
        channel.queue_purge(name)
    conn.close()


#: how often the client asks for the page's status: every poll is an authenticated, audited read that takes
#: CPU from the worker on this 2-core machine (at 20 ms, some 50 reads a second), so the client's figure
#: may be late by up to this much; the records' figure has no such error
POLL_S = 0.1


def bench_page(api: str, headers: dict[str, str], pages: list[tuple[str, bytes]]) -> tuple[float, float, str]:
    """Seconds from POST to ``done`` for the second page (the first warms the worker up): seen by the client
    polling every ``POLL_S``, and as the records say (created → finished); and the component id."""
    component = ""
    client_s, server_s = 0.0, 0.0
    with httpx.Client(timeout=60) as http:
        for name, data in pages:
            start = time.perf_counter()
            r = http.post(f"{api}/v1/dossiers/{DOSSIER}/components", headers=headers,
                          files=[("files", (name, data, "image/png"))])
            component = r.json()["items"][0]["id"]
            while (body := http.get(f"{api}/v1/components/{component}", headers=headers).json())["status"] not in (
                    "done", "failed"):
                time.sleep(POLL_S)
            client_s = time.perf_counter() - start
            assert body["status"] == "done", body
            from datetime import datetime

            server_s = (datetime.fromisoformat(body["finished_at"]) - datetime.fromisoformat(body["created_at"])
                        ).total_seconds()
    return client_s, server_s, component


def bench_pipeline_alone(settings: Settings, pages: list[tuple[str, bytes]]) -> float:
    """Seconds to digitize and sign the second page in this process (the first warms it up)."""
    from workers import close_signer, make_digitizer, make_signer

    digitizer, signer = make_digitizer(settings), make_signer(settings)
    took = 0.0
    try:
        for name, data in pages:
            start = time.perf_counter()
            out = digitizer.digitize(data, name=name)
            assert out.searchable_pdf is not None, out.result.error
            signer.sign(out.searchable_pdf, role="officer", meta={"reason": "Số hóa hồ sơ"})
            took = time.perf_counter() - start
    finally:
        close_signer(signer)
    return took


def _pages(tmp: Path) -> list[tuple[str, bytes]]:
    from corpus import generate_corpus

    truths = generate_corpus(tmp / "pages", count=2, seed=4242, kinds=("scan",))
    return [(t.file, (tmp / "pages" / t.file).read_bytes()) for t in truths]


def _tokens(data_dir: Path) -> dict[str, str]:
    from api import mint_dev_token

    settings = Settings(data_dir=data_dir, api=ApiSettings(token_secret=SecretStr(SECRET)))
    return {"officer": mint_dev_token(settings, role="officer", sub="canbo01", agency=AGENCY, ttl_s=12 * 3600)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000, help="per read, with the aiohttp client")
    parser.add_argument("--seconds", type=float, default=10.0, help="per read, with wrk")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of both servers")
    parser.add_argument("--uploads", type=int, default=8)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--skip-pipeline", action="store_true", help="no real page (reads on an uploaded file)")
    parser.add_argument("--only", choices=("uploads",), help="run only this part (to iterate on it quickly)")
    parser.add_argument("--client-mbps", type=float, default=0.0,
                        help="send the uploads at this rate, megabits a second (0: as fast as the loopback goes)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-api-") as tmp_name, start_services(Path(tmp_name)) as svc:
        tmp = Path(tmp_name)
        data_dir, pki_port = tmp / "data", free_port()
        data_dir.mkdir()
        env = _env(svc, data_dir, pki_port)
        port, bare_port = free_port(), free_port()
        api = f"http://127.0.0.1:{port}"
        serve = [str(VENV_BIN / "sohoa"), "serve", "--port", str(port), "--workers", str(args.workers)]
        bare = [sys.executable, "-m", "uvicorn", "bench._bare:app", "--port", str(bare_port), "--workers",
                str(args.workers), "--no-access-log", "--log-level", "warning"]
        with _process(serve, env, data_dir / "api.log", f"{api}/readyz") as api_proc, \
                _process(bare, {**env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}, data_dir / "bare.log",
                         f"http://127.0.0.1:{bare_port}/bare") as bare_proc:
            headers = {"Authorization": f"Bearer {_tokens(data_dir)['officer']}"}
            httpx.post(f"{api}/v1/dossiers", headers=headers,
                       json={"ma_ho_so": DOSSIER, "ma_tthc": "1.001193", "so_dinh_danh": CITIZEN}).raise_for_status()
            figures = bench_uploads(api, headers, svc, count=args.uploads, mb=args.mb, api_pid=api_proc.pid,
                                    client_mbps=args.client_mbps)
            up, put, dec = figures.ours_s, figures.put_s, figures.declared_s
            _purge(svc.queue)  # nobody digitizes the noise
            report: list[str] = [f"upload of a {args.mb:g} MB scan (median of {args.uploads})".ljust(44)
                                 + f"{up * 1000:7.0f} ms  ({args.mb / up:5.1f} MB/s)",
                                 "plain S3 put_object of the same bytes".ljust(44)
                                 + f"{put * 1000:7.0f} ms  ({args.mb / put:5.1f} MB/s)  -> ratio {up / put:.2f} "
                                   f"(target <= 1.3)",
                                 "upload with a declared digest (hashing incl.)".ljust(44)
                                 + f"{dec * 1000:7.0f} ms  ({args.mb / dec:5.1f} MB/s)  -> ratio {dec / put:.2f} "
                                   f"(target <= 1.3)",
                                 f"  CPU per upload: API server {figures.api_cpu_ms:.1f} ms, S3 server "
                                 f"{figures.s3_cpu_ours_ms:.1f} ms; declared: API server "
                                 f"{figures.api_cpu_declared_ms:.1f} ms, S3 server "
                                 f"{figures.s3_cpu_declared_ms:.1f} ms; "
                                 f"per plain put: client {figures.put_cpu_ms:.1f} ms, "
                                 f"S3 server {figures.s3_cpu_put_ms:.1f} ms",
                                 f"  round by round (each upload over the put after it): upload "
                                 f"{figures.per_round()}; declared {figures.per_round(declared=True)}"]
            if args.client_mbps:
                wire = args.mb * 1024 * 1024 * 8 / (args.client_mbps * 1e6)
                report.append(f"  bodies sent at {args.client_mbps:g} Mbit/s: {wire * 1000:.0f} ms on the wire alone; "
                              f"beyond it, plain upload +{(up - wire) * 1000:.0f} ms, declared "
                              f"+{(dec - wire) * 1000:.0f} ms (the plain put: {put * 1000:.0f} ms)")
            if args.only == "uploads":
                print(f"\nload average after: {os.getloadavg()}")
                print("\n".join(report))
                print(json.dumps({"upload_ratio": round(up / put, 2), "declared_ratio": round(dec / put, 2),
                                  "upload_ms": round(up * 1000, 1), "declared_ms": round(dec * 1000, 1),
                                  "put_ms": round(put * 1000, 1),
                                  "round_ratio": round(statistics.median(u / p for u, _d, p in figures.rounds), 2),
                                  "round_ratio_declared": round(statistics.median(d / p for _u, d, p in figures.rounds),
                                                                2)}))
                return
            component = None
            if not args.skip_pipeline:
                pages = _pages(tmp)
                worker = [str(VENV_BIN / "sohoa"), "worker", "--threads", "1"]
                with _process(worker, {**env, "SOHOA_WORKER__SWEEP_INTERVAL_S": "0"}, data_dir / "worker.log"):
                    client_s, server_s, component = bench_page(api, headers, pages)
                    settings = Settings(data_dir=data_dir, pki=PkiSettings(port=pki_port),
                                        worker=WorkerSettings(digitizer="pipeline", signer="pipeline"))
                    alone = bench_pipeline_alone(settings, pages)
                polls = f"one page upload -> done (client, {POLL_S * 1000:.0f} ms polls)"
                report += [polls.ljust(44) + f"{client_s:7.2f} s",
                           "one page upload -> done (records)".ljust(44) + f"{server_s:7.2f} s",
                           "the pipeline alone on that page".ljust(44) + f"{alone:7.2f} s  -> overhead "
                           f"{client_s - alone:+.2f} s (target <= +0.50 s)"]
            if component is None:
                component = httpx.get(f"{api}/v1/dossiers/{DOSSIER}", headers=headers).json()["components"][0]["id"]
            runs: list[LoadResult] = []
            cpu_ms: dict[str, float] = {}
            for name, url, hdrs, pid in (
                    ("GET /bare (anchor)", f"http://127.0.0.1:{bare_port}/bare", {}, bare_proc.pid),
                    ("GET /v1/components/{id}", f"{api}/v1/components/{component}", headers, api_proc.pid),
                    ("GET /v1/citizens/{id}/documents", f"{api}/v1/citizens/{CITIZEN}/documents", headers,
                     api_proc.pid),
                    ("GET /bare (anchor, again)", f"http://127.0.0.1:{bare_port}/bare", {}, bare_proc.pid)):
                before = cpu_seconds([pid])
                runs.append(load(name, url, hdrs, clients=args.clients, requests=args.requests, seconds=args.seconds))
                cpu_ms[name] = (cpu_seconds([pid]) - before) * 1000 / runs[-1].total
                print(runs[-1].line() + f"  server CPU {cpu_ms[name]:.2f} ms/request", flush=True)
    bare_rps = statistics.mean([runs[0].rps, runs[3].rps])
    print(f"\nload average after: {os.getloadavg()}  (uvicorn workers: {args.workers}, clients: {args.clients})")
    for line in report:
        print(line)
    for run in runs[1:3]:
        print(f"{run.name:<38} p99 {run.percentile(99):6.1f} ms (target <= 50)  {run.rps:6.0f} req/s = "
              f"{run.rps / bare_rps:.2f} of the bare route's {bare_rps:.0f} (target >= 0.33); server CPU "
              f"{cpu_ms[run.name]:.2f} ms/request vs {cpu_ms['GET /bare (anchor)']:.2f} for the bare route")
    print(json.dumps({"upload_ratio": round(up / put, 2), "declared_ratio": round(dec / put, 2), "reads": {r.name: {
        "p50": round(r.percentile(50), 1), "p99": round(r.percentile(99), 1), "rps": round(r.rps),
        "server_cpu_ms": round(cpu_ms[r.name], 2)} for r in runs}}))


if __name__ == "__main__":
    main()
