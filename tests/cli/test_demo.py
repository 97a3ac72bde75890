"""`sohoa demo` on a fresh data dir: samples generated, digitized, signed, verified, stored and listed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("ocr")


def test_demo_runs_the_main_job_on_embedded_defaults(tmp_path: Path) -> None:
    env = dict(os.environ, OMP_THREAD_LIMIT="1", SOHOA_DATA_DIR=str(tmp_path / "data"),
               SOHOA_PKI__PORT=str(_free_port()))
    done = subprocess.run([sys.executable, "-m", "cli.main", "demo", "--count", "3"], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).resolve().parents[2], timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("verification: valid") == 3, done.stdout
    assert "store of " in done.stdout
    data = tmp_path / "data"
    assert len(list((data / "demo" / "signed").glob("*.signed.pdf"))) == 3
    assert len((data / "demo" / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
