"""Shared test set-up: settings isolated from the developer's environment, and the service tiers.

Fixture modules live beside this file and are loaded as plugins:
``tests/fixtures_services.py`` (PostgreSQL, RabbitMQ, the S3 server) and
``tests/fixtures_pki.py`` (the development PKI and its loopback TSA/OCSP).
A test that needs a live service fails, never skips, when ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

pytest_plugins = [
    name
    for name in ("tests.fixtures_services", "tests.fixtures_pki")
    if (Path(__file__).parent / f"{name.split('.')[-1]}.py").exists()
]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, reason: str) -> None:
    """Skip locally, fail in CI: a missing service is a broken CI machine, not a pass."""
    message = f"{name} is not available: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test sees no SOHOA_* variable from the developer's shell and its own data dir."""
    for key in list(os.environ):
        if key.startswith("SOHOA_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "sohoa-data"))
    from schemas.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
