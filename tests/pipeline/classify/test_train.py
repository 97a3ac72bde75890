"""``sohoa train-classifier`` builds a loadable artifact from the corpus (small run, no OCR)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import build_app
from pipeline.classify import load_classifier
from pipeline.classify._train import train_classifier
from schemas.errors import InputError


def test_training_refuses_benchmark_seeds(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        train_classifier(tmp_path / "m.joblib", count=2, seed=5)


@pytest.mark.slow
def test_train_command_writes_an_artifact_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "classifier.joblib"
    result = CliRunner().invoke(build_app(), ["train-classifier", "--out", str(out), "--count", "3",
                                              "--seed", "200000", "--ocr-share", "0"])
    assert result.exit_code == 0, result.output
    model = load_classifier(out)
    assert model.info["seed"] == 200000
    assert model.info["count"] == 3
    assert len(model.classes) == 12
