"""Fixtures of the API tests: an app on the embedded defaults with the in-tree fakes, tokens for every role.

The app runs in-process (Starlette's TestClient speaks HTTP semantics to it over
ASGI); the live-service journey in ``test_journey.py`` runs ``sohoa serve`` and a
real worker instead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import create_app, mint_dev_token
from schemas.settings import ApiSettings, CallbackSettings, Settings, WorkerSettings
from workers import fake_scan

AGENCY = "000.00.15.H55"
FOREIGN = "000.00.16.H56"
CITIZEN = "001090000001"
OTHER = "079190000002"
DOSSIER = f"{AGENCY}-261206-0001"
TOKEN_SECRET = "test-secret-for-hs256-development-tokens-0123456789"
CARD = {"doc_type": "can_cuoc", "fields": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN,
                                           "ngay_cap": "2021-05-01"}}

#: who calls, as (role, sub, agency) of a development token
CALLERS: dict[str, tuple[str, str, str | None]] = {
    "officer": ("officer", "canbo01", AGENCY),
    "foreign_officer": ("officer", "canbo09", FOREIGN),
    "resolution": ("resolution_system", "motcua", AGENCY),
    "foreign_resolution": ("resolution_system", "motcua-khac", FOREIGN),
    "citizen": ("citizen", CITIZEN, None),
    "other_citizen": ("citizen", OTHER, None),
    "admin": ("admin", "quantri", None),
}


def api_settings(tmp_path: Path, **changes: Any) -> Settings:
    """Embedded defaults (SQLite, local folder, jobs on threads) with the fakes and a known token secret."""
    values: dict[str, Any] = dict(
        data_dir=tmp_path / "data",
        api=ApiSettings(token_secret=SecretStr(TOKEN_SECRET), rate_limit_per_minute=0),
        callbacks=CallbackSettings(allow=("http://127.0.0.1/",), timeout_s=2, max_attempts=2, min_backoff_ms=10,
                                   max_backoff_ms=20),
        worker=WorkerSettings(digitizer="fake", signer="fake", max_retries=1, min_backoff_ms=10, max_backoff_ms=20),
    )
    values.update(changes)
    return Settings(**values)


@dataclass
class Api:
    """A client of the app, with a token per caller."""

    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        """Authorization for ``who`` (none for ``None``), plus ``extra``."""
        out = dict(extra)
        if who is not None:
            out["Authorization"] = f"Bearer {self.tokens[who]}"
        return out

    def open_dossier(self, code: str = DOSSIER, citizen: str = CITIZEN, who: str = "officer") -> Any:
        r = self.client.post("/v1/dossiers", json={"ma_ho_so": code, "ma_tthc": "1.001193", "so_dinh_danh": citizen},
                             headers=self.headers(who))
        assert r.status_code == 201, r.text
        return r.json()

    def upload(self, code: str = DOSSIER, spec: dict[str, Any] | None = None, *, seed: int = 0,
               who: str = "officer", name: str = "cccd.png") -> str:
        r = self.client.post(f"/v1/dossiers/{code}/components",
                             files=[("files", (name, fake_scan(spec or CARD, seed=seed), "image/png"))],
                             headers=self.headers(who))
        assert r.status_code == 202, r.text
        return str(r.json()["items"][0]["id"])

    def wait_component(self, component_id: str, who: str = "officer", timeout_s: float = 20) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            r = self.client.get(f"/v1/components/{component_id}", headers=self.headers(who))
            assert r.status_code == 200, r.text
            if r.json()["status"] in ("done", "failed") or time.monotonic() > deadline:
                return r.json()
            time.sleep(0.05)

    def wait_job(self, job_id: str, who: str = "resolution", timeout_s: float = 20) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            r = self.client.get(f"/v1/results/{job_id}", headers=self.headers(who))
            assert r.status_code == 200, r.text
            if r.json()["state"] in ("done", "failed") or time.monotonic() > deadline:
                return r.json()
            time.sleep(0.05)

    def digitized(self, code: str = DOSSIER, *, confirm: bool = True, seed: int = 0) -> tuple[str, str]:
        """A component digitized (and confirmed) in ``code``; returns (component id, document id)."""
        cid = self.upload(code, seed=seed)
        done = self.wait_component(cid)
        assert done["status"] == "done", done
        if confirm:
            r = self.client.post(f"/v1/components/{cid}/confirm", headers=self.headers("officer"))
            assert r.status_code == 200, r.text
        return cid, str(done["documents"][0]["id"])


def tokens_for(settings: Settings) -> dict[str, str]:
    """A development token for every caller of :data:`CALLERS`."""
    return {who: mint_dev_token(settings, role=role, sub=sub, agency=agency)
            for who, (role, sub, agency) in CALLERS.items()}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return api_settings(tmp_path)


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Api(client, settings, tokens_for(settings))


@pytest.fixture
def live_services(request: pytest.FixtureRequest, tmp_path: Path, redis_url: str) -> Iterator[Any]:
    """PostgreSQL, RabbitMQ (a queue of its own), the session's S3 server and Redis; workers stopped after."""
    from tests.workers.services import Services

    services = Services(
        database_url=request.getfixturevalue("empty_postgres"), s3=request.getfixturevalue("seaweedfs"),
        bucket_prefix=request.getfixturevalue("bucket_prefix"), broker_url=request.getfixturevalue("rabbitmq_url"),
        queue=request.getfixturevalue("rabbit_queue"), data_dir=tmp_path / "data",
    )
    services.data_dir.mkdir(parents=True)
    try:
        yield services
    finally:
        services.stop_workers()
