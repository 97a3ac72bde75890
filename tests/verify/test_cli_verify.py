"""``sohoa verify FILE...`` as a user runs it: every file gets a line, nothing lands on stderr, no server starts."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf

from tests.verify.shared_files import shared_pdfs

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env["SOHOA_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "cli.main", "verify", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600, check=False)


def _hostile(folder: Path) -> list[Path]:
    locked = pikepdf.new()
    locked.add_blank_page()
    buffer = io.BytesIO()
    locked.save(buffer, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    files = {"not-a.pdf": b"GIF89a not a pdf", "locked.pdf": buffer.getvalue(),
             "cut.pdf": shared_pdfs()[0].read_bytes()[:2000]}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def test_both_folders_and_hostile_files_in_one_process_one_json_line_each_and_a_silent_stderr(tmp_path):
    files = [*shared_pdfs(), *_hostile(tmp_path)]
    run = _run(["--json", *map(str, files)], tmp_path / "data")

    assert run.stderr == ""  # no traceback, no library warning: a user reads those as a crash
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(f) for f in files]
    errors = {Path(line["file"]).name: line["error"]["code"] for line in lines if "error" in line}
    assert errors == {"not-a.pdf": "not_a_pdf", "locked.pdf": "password_required", "cut.pdf": "corrupt_pdf"}
    reports = [line for line in lines if "error" not in line]
    assert all(line["indication"] in ("TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE") for line in reports)
    assert run.returncode == 2  # some files could not be verified at all
    assert not (tmp_path / "data" / "pki").exists()  # verification makes no PKI and starts no service


def test_text_report_in_english_and_the_exit_status_of_an_undecided_file(tmp_path):
    path = next(p for p in shared_pdfs() if p.name == "pades-bes.pdf")
    run = _run(["--lang", "en", str(path)], tmp_path / "data")
    assert run.returncode == 1 and run.stderr == ""
    assert "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND" in run.stdout and "Certificate chain" in run.stdout
