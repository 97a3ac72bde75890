"""A worker signing with the development PKI keeps its TSA/OCSP answering: served here, or used, never a foreign one."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from schemas.errors import ConfigError, ErrorCode
from schemas.settings import PkiSettings, Settings, SignSettings, WorkerSettings
from tests.fixtures_services import free_port
from workers import DevPkiGuard, needs_dev_pki


def _settings(data_dir: Path, **changes: Any) -> Settings:
    return Settings(data_dir=data_dir, worker=WorkerSettings(signer="pipeline"), **changes)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_the_first_worker_serves_the_pki_the_next_uses_it_and_it_stops_with_the_worker(tmp_path: Path) -> None:
    settings = _settings(tmp_path, pki=PkiSettings(port=free_port()))
    first = DevPkiGuard(settings)  # makes the PKI under data_dir/pki on first use
    assert (tmp_path / "pki" / "pki.json").is_file()
    first.ensure(strict=True)
    second = DevPkiGuard(settings)
    try:
        second.ensure(strict=True)
        assert first.serving and not second.serving and _answers(settings.pki.port)
    finally:
        first.close()
    assert not _answers(settings.pki.port)
    second.ensure()  # the serving worker is gone: the next look takes over
    try:
        assert second.serving and _answers(settings.pki.port)
    finally:
        second.close()


def test_another_pki_on_the_port_is_refused_at_start(dev_pki: Any, pki_services: Any, tmp_path: Path) -> None:
    ours = DevPkiGuard(_settings(tmp_path, sign=SignSettings(dev_pki_dir=dev_pki.directory)))
    ours.ensure(strict=True)  # the session's PKI, served by the test session: used as it is
    assert not ours.serving
    other = DevPkiGuard(_settings(tmp_path / "other", pki=PkiSettings(port=dev_pki.port)))  # a new PKI, same port
    with pytest.raises(ConfigError) as caught:
        other.ensure(strict=True)
    assert caught.value.code == ErrorCode.CONFIG_INVALID and "another development PKI" in caught.value.message


def test_only_pipeline_signing_with_the_dev_pki_outside_production_needs_it(tmp_path: Path) -> None:
    assert needs_dev_pki(_settings(tmp_path))
    assert not needs_dev_pki(Settings(data_dir=tmp_path, worker=WorkerSettings(signer="fake")))
    assert not needs_dev_pki(_settings(tmp_path, sign=SignSettings(key_source="pkcs12")))
    assert not needs_dev_pki(_settings(tmp_path, environment="production"))
