"""A batch's page readers start on its first pages while the classifier is still loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import pytest

from pipeline import digitize
from schemas.settings import Settings
from tests.pipeline._pages import text_page


def test_the_first_pages_are_sent_to_the_readers_before_the_classifier_loads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a batch on two readers, when it starts, then its first file is counted and sent before the
    classifier is loaded, and the file is still read and classified."""
    order: list[str] = []
    submit, load = digitize._Batch._submit, digitize.load_classifier

    def submitting(self: Any, path: Path) -> Any:
        order.append("submit")
        return submit(self, path)

    def loading(path: Any) -> Any:
        order.append("load")
        return load(path)

    monkeypatch.setattr(digitize._Batch, "_submit", submitting)
    monkeypatch.setattr(digitize, "load_classifier", loading)
    page = tmp_path / "page.png"
    cv2.imwrite(str(page), text_page())
    settings = Settings(_env_file=None, ocr={"jobs": 2})  # type: ignore[call-arg]
    results = list(digitize.digitize_batch([page, page], settings=settings))
    assert order[0] == "submit" and "load" in order
    assert all(r.error is None and r.doc_type is not None for r in results)
