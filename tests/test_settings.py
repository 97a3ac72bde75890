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
