"""``sohoa serve`` that cannot start says so with a failing exit status, with one worker process or several."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fixtures_services import free_port
from tests.workers.services import sohoa_command


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_with_its_database_out_of_reach_exits_with_the_error_code(tmp_path: Path, workers: str) -> None:
    """uvicorn's supervisor of several workers stopped with status 0 when they could not start."""
    dead = free_port()  # nothing listens there
    env = {"PATH": "/usr/bin:/bin", "SOHOA_DATA_DIR": str(tmp_path),
           "SOHOA_DATABASE_URL": f"postgresql+psycopg://sohoa@127.0.0.1:{dead}/sohoa"}
    done = subprocess.run([*sohoa_command(), "serve", "--port", str(free_port()), "--workers", workers], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout[-800:] + done.stderr[-800:]
    assert "database_unavailable" in done.stderr
