"""``sohoa worker`` refuses to start without a broker (the embedded default runs jobs inline)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_worker_without_a_broker_url_exits_with_a_config_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "cli.main", "worker"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "config_invalid" in done.stderr and "SOHOA_BROKER_URL" in done.stderr
