"""``sohoa portal export / sync / status / failing`` on the embedded store, against the stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import build_app
from schemas.settings import get_settings
from tests.portal.standin import PortalStandIn
from workers import fake_scan

CITIZEN = "001090000001"
DOSSIER = "000.00.15.H55-230612-0001"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("SOHOA_WORKER__DIGITIZER", "fake")
    monkeypatch.setenv("SOHOA_WORKER__SIGNER", "fake")
    scan = tmp_path / "cccd.png"
    scan.write_bytes(fake_scan({"doc_type": "can_cuoc", "fields": {"so_dinh_danh": CITIZEN}}))
    runner = CliRunner()
    done = runner.invoke(build_app(), ["ingest", str(scan), "--citizen", CITIZEN, "--dossier", DOSSIER,
                                       "--procedure", "1.001193", "--wait", "--json"])
    assert done.exit_code == 0, done.output
    return runner


def test_export_prints_the_record_of_what_was_digitized(run: CliRunner) -> None:
    done = run.invoke(build_app(), ["portal", "export", DOSSIER])
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    assert record["MaHoSo"] == DOSSIER and record["MaTTHC"] == "1.001193" and record["TrangThaiHoSo"] == 2
    assert [(t["TenTepDinhKem"], t["DuocSoHoa"], t["DuocTaiSuDung"]) for t in record["TaiLieuNop"]] == [
        ("cccd.png", 1, 0)]


def test_sync_sends_it_and_status_shows_every_call(run: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                    portal: PortalStandIn) -> None:
    missing = run.invoke(build_app(), ["portal", "sync", "--json"])
    assert missing.exit_code == 1 and "SOHOA_PORTAL__URL is not set" in json.loads(missing.stdout)["error"]["message"]
    monkeypatch.setenv("SOHOA_PORTAL__URL", portal.url)
    monkeypatch.setenv("SOHOA_PORTAL__PASSWORD", portal.password)
    get_settings.cache_clear()  # read once per process, as a command is
    portal.fail_every = 1
    failing = run.invoke(build_app(), ["portal", "sync", "--json"])
    assert failing.exit_code == 2 and json.loads(failing.stdout)["remaining"] == 1
    portal.fail_every = 0
    monkeypatch.setenv("SOHOA_PORTAL__MIN_BACKOFF_MS", "10")
    get_settings.cache_clear()
    done = run.invoke(build_app(), ["portal", "sync", "--wait", "5", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["posted"] == 1 and set(portal.ledger.held) == {DOSSIER}
    status = json.loads(run.invoke(build_app(), ["portal", "status", DOSSIER, "--json"]).stdout)
    assert status["sync"]["state"] == "synced"
    assert [(a["service"], a["ok"], a["error_code"]) for a in status["attempts"]] == [
        ("post", False, "-1"), ("post", True, "0")]
    assert json.loads(run.invoke(build_app(), ["portal", "failing", "--json"]).stdout) == []
