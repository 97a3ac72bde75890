"""Training the document-type classifier from the synthetic corpus (a command, never at import).

Samples per type: the corpus's ground-truth page text, the same with simulated OCR damage
at two levels, and real tesseract output on degraded renderings (cached on disk, since OCR
is the slow part). ``khac`` gets the corpus's other papers plus this package's own
unknown-paper texts. Seeds ≥ 100000 are for training; the benchmark uses seeds below.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify._features import DocText, text_of
from pipeline.classify._khac import khac_text
from pipeline.classify._model import Classifier, save_classifier
from pipeline.classify._noise import ocr_noise
from pipeline.classify._ocrcache import OcrCache
from schemas.documents import DocType
from schemas.errors import ErrorCode, InputError

MIN_TRAIN_SEED = 100_000
_VIEWS: dict[str, dict[str, Any]] = {
    "folded": {"analyzer": "char_wb", "ngram_range": (2, 5), "max_features": 80_000},
    "raw": {"analyzer": "char_wb", "ngram_range": (2, 4), "max_features": 40_000},
    "title": {"analyzer": "char_wb", "ngram_range": (2, 5), "max_features": 30_000},
}
_WEIGHTS = {"folded": 1.0, "raw": 0.6, "title": 1.2}


@dataclass(frozen=True)
class Sample:
    """One training text and its type; ``group`` keeps variants of one document together."""

    text: DocText
    doc_type: DocType
    group: str


@dataclass(frozen=True)
class TrainReport:
    """What a training run did.

    Attributes:
        path: where the artifact was written.
        sha256: its hash (also in the sidecar).
        samples: per type, how many training texts.
        holdout_accuracy: accuracy on documents held out of training (by document).
        ocr_pages: how many pages went through tesseract (cached ones included).
        seconds: wall time.
        info: the sidecar content.
    """

    path: Path
    sha256: str
    samples: dict[str, int]
    holdout_accuracy: float
    ocr_pages: int
    seconds: float
    info: dict[str, Any] = field(default_factory=dict)


def _corpus_samples(count: int, seed: int, ocr: OcrCache | None, ocr_share: float,
                    progress: Callable[[str], None]) -> tuple[list[Sample], int]:
    import corpus  # only the training command needs the generator

    rng = random.Random(seed)
    samples: list[Sample] = []
    ocr_pages = 0
    types = [t for t in DocType]
    for doc_type in types:
        progress(f"rendering {doc_type}")
        for k in range(count):
            s = seed + k * 31 + types.index(doc_type)
            doc = corpus.render_document(doc_type, seed=s)
            group = f"{doc_type}:{s}"
            pages = [t.splitlines() for t in doc.page_texts]
            variants = [pages] + [[ocr_noise("\n".join(p), rng, level=lv).splitlines() for p in pages]
                                  for lv in (1.0, 2.2)]
            if ocr is not None and rng.random() < ocr_share:
                read = [ocr.read(img, key=f"{group}:{i}", seed=s + i) for i, img in enumerate(doc.pages)]
                ocr_pages += len(read)
                variants.append([r.splitlines() for r in read])
            for v in variants:
                samples.append(Sample(text_of(v), doc_type, group))
                if len(v) > 1:  # single pages too, for splitting stacks
                    samples.extend(Sample(text_of([p]), doc_type, group) for p in v)
    return samples, ocr_pages


def _khac_samples(count: int, seed: int) -> list[Sample]:
    rng = random.Random(seed ^ 0x5EED)
    out: list[Sample] = []
    for k in range(count):
        text = khac_text(rng)
        noisy = ocr_noise(text, rng, level=rng.choice((0.0, 1.0, 2.0)))
        out.append(Sample(text_of([noisy.splitlines()]), DocType.KHAC, f"own-khac:{k}"))
    return out


def fit(samples: Sequence[Sample], *, seed: int) -> Classifier:
    """Fit vectorizers and a calibrated linear model on ``samples``.

    Args:
        samples: the training texts.
        seed: random state of the model.

    Returns:
        The fitted classifier.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizers = {}
    for view, params in _VIEWS.items():
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2, lowercase=view != "raw", dtype=np.float32, **params)
        vec.fit([getattr(s.text, view) for s in samples])
        vectorizers[view] = vec
    clf = Classifier(vectorizers=vectorizers, weights=dict(_WEIGHTS), model=None, classes=())
    x = clf.features([s.text for s in samples])
    y = [str(s.doc_type) for s in samples]
    # one SVM fitted on everything, its scores calibrated on 3-fold out-of-fold predictions
    model = CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced", random_state=seed), cv=3,
                                   method="sigmoid", ensemble=False)
    model.fit(x, y)
    clf.model = model
    clf.classes = tuple(DocType(c) for c in model.classes_)
    return clf


def _holdout(samples: list[Sample], seed: int) -> tuple[list[Sample], list[Sample]]:
    groups = sorted({s.group for s in samples})
    rng = random.Random(seed)
    held = set(rng.sample(groups, max(1, len(groups) // 6)))
    return [s for s in samples if s.group not in held], [s for s in samples if s.group in held]


def train_classifier(out: Path, *, count: int, seed: int, cache_dir: Path | None = None, ocr_share: float = 0.25,
                     progress: Callable[[str], None] | None = None) -> TrainReport:
    """Train the classifier on the corpus and write the artifact and its sidecar.

    Args:
        out: the ``.joblib`` path to write.
        count: documents rendered per type.
        seed: first corpus seed (≥ 100000: lower seeds belong to the benchmark).
        cache_dir: where tesseract output of degraded pages is cached; ``None`` skips real OCR.
        ocr_share: share of documents also read by tesseract from a degraded rendering.
        progress: called with a short message as work goes on.

    Returns:
        What was trained, with the held-out accuracy.

    Raises:
        InputError: ``seed`` below 100000 or ``count`` below 2.
    """
    if seed < MIN_TRAIN_SEED or count < 2:
        raise InputError("train with seeds >= 100000 and at least 2 documents per type",
                         code=ErrorCode.INVALID_VALUE, detail={"seed": seed, "count": count})
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    ocr = OcrCache(cache_dir) if cache_dir else None
    samples, ocr_pages = _corpus_samples(count, seed, ocr, ocr_share, say)
    samples += _khac_samples(count * 4, seed)
    train, test = _holdout(samples, seed)
    say("fitting on the training split")
    trial = fit(train, seed=seed)
    probs = trial.probabilities([s.text for s in test])
    hits = sum(trial.classes[int(p.argmax())] == s.doc_type for p, s in zip(probs, test, strict=True))
    accuracy = hits / len(test) if test else 0.0
    say("fitting on everything")
    final = fit(samples, seed=seed)
    counts: dict[str, int] = {}
    for s in samples:
        counts[str(s.doc_type)] = counts.get(str(s.doc_type), 0) + 1
    info = {"seed": seed, "count": count, "ocr_share": ocr_share, "ocr_pages": ocr_pages, "samples": counts,
            "holdout_accuracy": round(accuracy, 4), "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    meta = save_classifier(final, out, info)
    return TrainReport(path=out, sha256=str(meta["sha256"]), samples=counts, holdout_accuracy=accuracy,
                       ocr_pages=ocr_pages, seconds=time.monotonic() - started, info=meta)
