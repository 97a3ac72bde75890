"""Document-type classification: OCR text (+ title zone) in, a type with a confidence out.

A character n-gram model over folded and raw text plus the title zone, with calibrated
probabilities; below the confidence threshold the answer is ``khac``. The model is a
versioned artifact built by ``sohoa train-classifier`` and shipped in ``model/``.
"""

from pipeline.classify._classify import NO_TEXT, Classification, classify, classify_page, readable_chars
from pipeline.classify._model import (
    FORMAT_VERSION,
    Classifier,
    default_model_path,
    load_classifier,
    save_classifier,
)
from pipeline.classify._starts import starts_document
from pipeline.classify._train import TrainReport, train_classifier

__all__ = [
    "FORMAT_VERSION",
    "NO_TEXT",
    "Classification",
    "Classifier",
    "TrainReport",
    "classify",
    "classify_page",
    "default_model_path",
    "load_classifier",
    "readable_chars",
    "save_classifier",
    "starts_document",
    "train_classifier",
]
