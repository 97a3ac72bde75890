"""The one settings object: what it reads from the environment and from a ``.env`` file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.settings import Settings


def test_a_dotenv_beside_the_compose_file_gives_its_sohoa_lines_and_ignores_the_services_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compose ``.env`` holds POSTGRES_PASSWORD and the like: a ``sohoa`` command run there still starts."""
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=secret\nMINIO_ROOT_USER=minio\nSOHOA_ENVIRONMENT=test\n"
                                   "SOHOA_OCR__JOBS=3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.environment == "test"
    assert settings.ocr.jobs == 3


def test_a_misspelt_sohoa_name_in_a_dotenv_is_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("SOHOA_ENVIRONEMNT=production\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError, match="environemnt"):
        Settings()


def test_an_empty_variable_is_an_unset_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compose passes an optional setting left out of .env as ``${NAME:-}``: off, not a portal at ``""``."""
    for name in ("SOHOA_PORTAL__URL", "SOHOA_PORTAL__PASSWORD", "SOHOA_REGISTRY__BACKEND", "SOHOA_REGISTRY__TOKEN"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("SOHOA_PORTAL__USERNAME", "")
    settings = Settings()
    assert settings.portal.url is None and settings.portal.password is None
    assert settings.portal.username == "sohoa"
    assert settings.registry.backend == "none" and settings.registry.token is None
    monkeypatch.setenv("SOHOA_PORTAL__URL", "https://dvc.example.gov.vn/adapter")
    assert Settings().portal.url == "https://dvc.example.gov.vn/adapter"


def _production(**changes: object) -> Settings:
    from schemas.settings import SignSettings

    base: dict[str, object] = {"environment": "production", "s3_endpoint": "minio:9000", "s3_secret_key": "s" * 40,
                               "sign": SignSettings(key_source="pkcs12")}
    return Settings(**(base | changes))  # type: ignore[arg-type]


def test_a_worker_on_s3_needs_no_api_token_secret_but_one_on_the_local_store_does() -> None:
    from schemas.errors import ConfigError

    _production().check_secure()  # the worker's check: S3 holds the files, no local download links to key
    with pytest.raises(ConfigError, match="SOHOA_API__TOKEN_SECRET") as refused:
        _production(s3_endpoint=None).check_secure()
    assert refused.value.code == "insecure_config"
    _production(s3_endpoint=None, api={"token_secret": "t" * 32}).check_secure()
    with pytest.raises(ConfigError, match="SOHOA_SIGN__KEY_SOURCE"):
        _production(sign={"key_source": "dev"}).check_secure()
