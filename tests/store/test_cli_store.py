"""``sohoa db upgrade``, ``sohoa ingest`` and ``sohoa documents`` on the embedded store (no broker: jobs run inline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import build_app
from store.records import head_revision
from workers import fake_scan

CITIZEN = "001090000001"
DOSSIER = "000.00.15.H55-230612-0001"
CARD = {"doc_type": "can_cuoc", "fields": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN}}


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SOHOA_WORKER__DIGITIZER", "fake")
    monkeypatch.setenv("SOHOA_WORKER__SIGNER", "fake")
    return CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_db_upgrade_migrates_sqlite_and_postgres(empty_postgres: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_DATA_DIR": str(tmp_path)}
    for args, dialect in ((["db", "upgrade"], "sqlite"), (["db", "upgrade", "--url", empty_postgres], "postgresql")):
        done = subprocess.run([sys.executable, "-m", "cli.main", *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert f"database at revision {head_revision()} ({dialect})" in done.stdout
    assert (tmp_path / "sohoa.db").is_file()


def test_ingest_then_documents_finds_it_without_diacritics(run: CliRunner, tmp_path: Path) -> None:
    scan = tmp_path / "cccd.png"
    scan.write_bytes(fake_scan(CARD))
    args = ["ingest", str(scan), "--citizen", CITIZEN, "--dossier", DOSSIER, "--procedure", "1.001193", "--json"]
    first = run.invoke(build_app(), [*args, "--wait"])
    assert first.exit_code == 0, first.output
    [line] = _lines(first.stdout)
    assert (line["status"], line["doc_type"], line["duplicates"]) == ("extracted", "can_cuoc", [])
    again = run.invoke(build_app(), args)  # the same file for the same dossier: the same component
    [repeat] = _lines(again.stdout)
    assert repeat["component_id"] == line["component_id"]
    found = run.invoke(build_app(), ["documents", CITIZEN, "--search", "nguyen van an", "--json"])
    assert found.exit_code == 0, found.output
    docs = json.loads(found.stdout)
    assert [d["id"] for d in docs] == [line["record_id"]] and docs[0]["ho_ten"] == "Nguyễn Văn An"
    valid = run.invoke(build_app(), ["documents", CITIZEN, "--valid", "--json"])
    assert json.loads(valid.stdout) == []  # not confirmed yet, so not reusable


def test_ingest_refuses_a_bad_dossier_code_before_uploading(run: CliRunner, tmp_path: Path) -> None:
    scan = tmp_path / "a.png"
    scan.write_bytes(fake_scan(CARD))
    result = run.invoke(build_app(), ["ingest", str(scan), "--citizen", CITIZEN, "--dossier", "HS-1", "--json"])
    assert result.exit_code == 1
    assert _lines(result.stdout)[0]["error"]["code"] == "invalid_dossier_code"  # type: ignore[index]


def test_a_failed_file_makes_ingest_wait_exit_1_with_its_code(run: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n but not really")
    result = run.invoke(build_app(), ["ingest", str(bad), "--citizen", CITIZEN, "--wait", "--json"])
    assert result.exit_code == 1
    [line] = _lines(result.stdout)
    assert line["status"] == "failed" and line["error"]["code"] == "corrupt_image"  # type: ignore[index]


def test_sweep_deletes_orphaned_files_and_says_so(run: CliRunner, tmp_path: Path) -> None:
    from schemas.settings import get_settings
    from store import Store
    from store.objects import Bucket

    scan = tmp_path / "cccd.png"
    scan.write_bytes(fake_scan(CARD))
    assert run.invoke(build_app(), ["ingest", str(scan), "--citizen", CITIZEN, "--json"]).exit_code == 0
    store = Store.open(get_settings())
    orphan = store.objects.put_bytes(Bucket.DOCUMENTS, b"%PDF left by a crash", content_type="application/pdf",
                                     owner=CITIZEN)
    store.close()
    dry = run.invoke(build_app(), ["sweep", "--older-than", "0", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    [seen] = _lines(dry.stdout)
    assert [o["key"] for o in seen["objects"]["orphans"]] == [orphan.key]  # type: ignore[index]
    assert run.invoke(build_app(), ["sweep", "--older-than", "0"]).exit_code == 0
    [after] = _lines(run.invoke(build_app(), ["sweep", "--older-than", "0", "--dry-run", "--json"]).stdout)
    assert after["objects"]["orphans"] == [] and after["objects"]["looked_at"] == 2  # type: ignore[index]
