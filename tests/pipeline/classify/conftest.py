"""A small classifier trained in the test session on texts built from the catalog (no corpus, no OCR)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.classify import Classifier, save_classifier
from pipeline.classify._features import text_of
from pipeline.classify._khac import khac_text
from pipeline.classify._noise import ocr_noise
from pipeline.classify._train import Sample, fit
from pipeline.doctypes import CATALOG
from schemas.documents import DocType

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def typed_text(doc_type: DocType, rng: random.Random) -> str:
    """A page of ``doc_type``: motto, one of its titles, its labels with made-up values."""
    spec = CATALOG[doc_type]
    lines = [*MOTTO, rng.choice(spec.titles)]
    for f in spec.fields:
        lines.append(f"{rng.choice(f.labels)}: {rng.randint(1, 10**6)} {rng.choice(['An', 'Bình', 'Hà Nội'])}")
    return "\n".join(lines)


def build_small_model() -> Classifier:
    rng = random.Random(7)
    samples: list[Sample] = []
    for doc_type in DocType:
        for k in range(30):
            text = khac_text(rng) if doc_type is DocType.KHAC else typed_text(doc_type, rng)
            noisy = ocr_noise(text, rng, level=rng.choice((0.0, 1.0, 2.0)))
            samples.append(Sample(text_of([noisy.splitlines()]), doc_type, f"{doc_type}:{k}"))
    return fit(samples, seed=7)


@pytest.fixture(scope="session")
def small_model() -> Classifier:
    return build_small_model()


@pytest.fixture(scope="session")
def small_model_path(small_model: Classifier, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "classifier.joblib"
    save_classifier(small_model, path, {"seed": 7})
    return path
