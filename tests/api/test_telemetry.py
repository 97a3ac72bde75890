"""FastAPI's native OpenTelemetry: off unless ``api.opentelemetry`` (sohoa configures no provider of its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from pydantic import SecretStr

from api import create_app
from schemas.settings import ApiSettings
from tests.api.conftest import TOKEN_SECRET, api_settings


@pytest.mark.parametrize("enabled", [False, True])
def test_the_tracer_provider_is_looked_up_per_request_only_when_opentelemetry_is_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    lookups: list[Any] = []
    provider = trace.get_tracer_provider()

    def counted() -> Any:
        lookups.append(1)
        return provider

    monkeypatch.setattr(trace, "get_tracer_provider", counted)
    settings = api_settings(tmp_path, api=ApiSettings(token_secret=SecretStr(TOKEN_SECRET), rate_limit_per_minute=0,
                                                      opentelemetry=enabled))
    with TestClient(create_app(settings)) as client:
        lookups.clear()
        assert client.get("/healthz").status_code == 200
    assert bool(lookups) is enabled
