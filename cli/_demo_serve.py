"""``sohoa demo --serve``: the API and the counter's pages on the embedded defaults, with sample dossiers already read.

The samples go in through the public API itself, as an officer's page would
send them: two dossiers of one citizen, the first confirmed and filed in the
citizen's store (so "Đã có trong kho" has something to offer), the second
read and waiting for the officer's check. Then the addresses and how to sign
in are printed, and the server runs until Ctrl+C.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from cli._output import err, out
from schemas.settings import Settings

AGENCY = "000.00.15.H55"
OFFICER = "canbo.motcua.01"
PROCEDURE = "1.001193"
READ_TIMEOUT_S = 300.0


def _start(settings: Settings, host: str, port: int) -> tuple[Any, threading.Thread]:
    import uvicorn

    from api import check_serving

    check_serving(settings, host)
    config = uvicorn.Config("api._app:app_from_environment", factory=True, host=host, port=port,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sohoa-demo-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit(f"the API did not start on {host}:{port}")
        time.sleep(0.1)
    return server, thread


def _officer(origin: str) -> httpx.Client:
    token = httpx.post(f"{origin}/v1/dev/tokens", json={"role": "officer", "sub": OFFICER, "agency": AGENCY},
                       timeout=30).raise_for_status().json()["token"]
    return httpx.Client(base_url=origin, headers={"Authorization": f"Bearer {token}"}, timeout=120)


def _read_one(client: httpx.Client, code: str, scan: Path) -> dict[str, Any]:
    """Hand in one scan and wait until it is read (one at a time: the embedded jobs share one process)."""
    items = client.post(f"/v1/dossiers/{code}/components", headers={"Idempotency-Key": uuid.uuid4().hex},
                        files=[("files", (scan.name, scan.read_bytes()))]).raise_for_status().json()["items"]
    deadline = time.monotonic() + READ_TIMEOUT_S
    while True:
        state: dict[str, Any] = client.get(f"/v1/components/{items[0]['id']}").raise_for_status().json()
        if state["status"] in ("done", "failed") or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def seed(origin: str, scans: list[Path], citizen: str) -> list[str]:
    """Two sample dossiers of ``citizen`` through the API; returns their codes (kept when they exist)."""
    today = date.today().strftime("%y%m%d")
    codes = [f"{AGENCY}-{today}-9001", f"{AGENCY}-{today}-9002"]
    halves = [scans[: len(scans) // 2 + 1], scans[len(scans) // 2 + 1:]]
    with _officer(origin) as client:
        for n, (code, part) in enumerate(zip(codes, halves, strict=True)):
            answer = client.post("/v1/dossiers", headers={"Idempotency-Key": uuid.uuid4().hex},
                                 json={"ma_ho_so": code, "ma_tthc": PROCEDURE, "so_dinh_danh": citizen})
            if answer.status_code == 409:
                err.print(f"dossier {code} is already there: kept as it is")
                continue
            answer.raise_for_status()
            for scan in part:
                state = _read_one(client, code, scan)
                err.print(f"  {code}: {scan.name} → {state['status']}")
                if n == 0 and state["status"] == "done":
                    client.post(f"/v1/components/{state['id']}/confirm", json={},
                                headers={"Idempotency-Key": uuid.uuid4().hex}).raise_for_status()
    return codes


def serve_demo(settings: Settings, scans: list[Path], *, citizen: str, host: str | None = None,
               port: int | None = None) -> None:
    """Serve the API and pages, put the sample dossiers in through it, print how to sign in, run until Ctrl+C.

    Args:
        settings: the embedded defaults (development).
        scans: sample scans to hand in.
        citizen: the ``so_dinh_danh`` the sample dossiers are for.
        host: where to listen (loopback in development).
        port: the port.
    """
    host = host or settings.api.host
    port = settings.api.port if port is None else port
    origin = f"http://{host}:{port}"
    err.print(f"starting the API and the pages on {origin} …")
    server, thread = _start(settings, host, port)
    try:
        codes = seed(origin, scans, citizen)
        out.print(f"\n[bold]sohoa is serving on {origin}[/bold]\n"
                  f"  officer's page   {origin}/          sign in as an officer: Mã cán bộ {OFFICER}, "
                  f"đơn vị {AGENCY} (the dialog offers them)\n"
                  f"                   open dossier {codes[0]} (confirmed) or {codes[1]} (to check)\n"
                  f"  citizen's page   {origin}/cong-dan  sign in with số định danh {citizen}\n"
                  f"  OpenAPI          {origin}/docs\n"
                  f"  tokens by hand   sohoa token --role officer --agency {AGENCY} --sub {OFFICER}\n"
                  "Ctrl+C stops.")
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.should_exit = True
        thread.join(timeout=30)
