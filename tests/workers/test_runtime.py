"""Back ends are chosen by name; the fakes are refused in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.errors import ConfigError, ErrorCode
from schemas.settings import Settings, WorkerSettings
from workers import FakeDigitizer, FakeSigner, make_digitizer, make_signer
from workers._adapters import PipelineDigitizer


def test_fakes_are_chosen_by_name(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, worker=WorkerSettings(digitizer="fake", signer="fake"))
    assert isinstance(make_digitizer(settings), FakeDigitizer)
    assert isinstance(make_signer(settings), FakeSigner)
    assert isinstance(make_digitizer(Settings(data_dir=tmp_path)), PipelineDigitizer)


def test_fakes_are_refused_in_production(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, environment="production", worker=WorkerSettings(digitizer="fake"))
    with pytest.raises(ConfigError) as caught:
        make_digitizer(settings)
    assert caught.value.code == ErrorCode.INSECURE_CONFIG
