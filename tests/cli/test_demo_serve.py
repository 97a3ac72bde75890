"""``sohoa demo --serve`` on a fresh data dir: pages up, sample dossiers read and filed, Ctrl+C stops."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.fixtures_services import free_port

pytestmark = pytest.mark.xdist_group("ocr")

READY = "sohoa is serving on"


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def test_demo_serve_opens_with_sample_dossiers_read_and_the_pages_up(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {
        "OMP_THREAD_LIMIT": "1", "SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_PKI__PORT": str(free_port()),
        "COLUMNS": "300"}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "demo", "--serve", "--port", str(port), "--count", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2], start_new_session=True)
    said: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, said), daemon=True).start()
    printed: list[str] = []
    try:
        deadline = time.monotonic() + 600
        while not any(READY in line for line in printed):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(printed)[-3000:]
            try:
                printed.append(said.get(timeout=1))
            except queue.Empty:
                continue
        time.sleep(0.5)
        while not said.empty():
            printed.append(said.get())
        text = "".join(printed)
        confirmed, to_check = re.search(r"open dossier (\S+) \(confirmed\) or (\S+) \(to check\)", text).groups()  # type: ignore[union-attr]
        origin = f"http://127.0.0.1:{port}"
        assert "<html" in httpx.get(f"{origin}/", timeout=30).text.lower()
        assert httpx.get(f"{origin}/cong-dan", timeout=30).status_code == 200
        token = httpx.post(f"{origin}/v1/dev/tokens", json={"role": "officer", "sub": "canbo.motcua.01",
                                                            "agency": "000.00.15.H55"}, timeout=30).json()["token"]
        officer = {"Authorization": f"Bearer {token}"}
        first = httpx.get(f"{origin}/v1/dossiers/{confirmed}", headers=officer, timeout=30).json()
        second = httpx.get(f"{origin}/v1/dossiers/{to_check}", headers=officer, timeout=30).json()
        assert len(first["components"]) == 2 and len(second["components"]) == 1
        assert all(c["status"] == "done" for c in first["components"] + second["components"]), (first, second)
        citizen = httpx.post(f"{origin}/v1/dev/tokens", json={"role": "citizen", "sub": "001190012345"},
                             timeout=30).json()["token"]
        mine = httpx.get(f"{origin}/v1/me/documents", headers={"Authorization": f"Bearer {citizen}"}, timeout=30)
        assert len(mine.json()["items"]) >= 2  # the first dossier's two documents, confirmed into the store
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert proc.returncode == 0, "".join(printed)[-2000:]
