"""Fixtures for the ingest tests: default settings and a one-page reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.ingest import open_document
from pipeline.types import SourcePage
from schemas.errors import SohoaError
from schemas.settings import IngestSettings


@pytest.fixture
def cfg() -> IngestSettings:
    """The default ingest settings (300 dpi rendering, 400 dpi ceiling, 500 pages …)."""
    return IngestSettings()


@pytest.fixture
def read_pages(cfg: IngestSettings) -> Callable[..., list[SourcePage]]:
    """Open bytes (or a path) under a name and decode every page."""

    def read(source: bytes | Path, name: str, settings: IngestSettings | None = None) -> list[SourcePage]:
        with open_document(source, name=name, cfg=settings or cfg) as doc:
            return list(doc.pages())

    return read


def error_of(call: Callable[[], object]) -> SohoaError:
    """The SohoaError ``call`` raises (fails the test if it raises nothing)."""
    with pytest.raises(SohoaError) as caught:
        call()
    return caught.value
