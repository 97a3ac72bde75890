"""The classifier artifact: a joblib file plus a JSON sidecar with its format, versions and hash.

The sidecar is read first: a different format version or scikit-learn minor version makes
the artifact stale (retrain with ``sohoa train-classifier``); a SHA-256 that does not
match, or a file joblib cannot read, makes it corrupt. Nothing is trained at import time.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn

from pipeline._files import sha256_file
from pipeline.classify._features import DocText
from schemas.documents import DocType
from schemas.errors import ErrorCode, ModelError

FORMAT_VERSION = 1
ARTIFACT_NAME = "classifier.joblib"


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def default_model_path() -> Path:
    """The artifact shipped inside the package (``pipeline/classify/model/classifier.joblib``)."""
    return Path(str(resources.files("pipeline.classify").joinpath("model", ARTIFACT_NAME)))


def sidecar_path(path: Path) -> Path:
    """The JSON sidecar beside an artifact (``classifier.json``)."""
    return path.with_suffix(".json")


@dataclass
class Classifier:
    """A trained document-type model: vectorizers for each text view, and a calibrated linear model.

    Attributes:
        vectorizers: view name (``folded``, ``raw``, ``title``) → fitted TF-IDF vectorizer.
        weights: view name → factor applied to that view's features.
        model: a fitted scikit-learn classifier with ``predict_proba``.
        classes: the document types in the order of ``predict_proba``'s columns.
        info: the sidecar's content (versions, seeds, counts, hash).
    """

    vectorizers: dict[str, Any]
    weights: dict[str, float]
    model: Any
    classes: tuple[DocType, ...]
    info: dict[str, Any] = field(default_factory=dict)

    def features(self, texts: list[DocText]) -> Any:
        """The feature matrix of ``texts`` (sparse, one row per text)."""
        blocks = [
            self.vectorizers[view].transform([getattr(t, view) for t in texts]) * self.weights[view]
            for view in self.vectorizers
        ]
        return sp.hstack(blocks).tocsr()

    def probabilities(self, texts: list[DocText]) -> np.ndarray:
        """Per text, the probability of each class in :attr:`classes`."""
        return np.asarray(self.model.predict_proba(self.features(texts)))


def save_classifier(clf: Classifier, path: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Write the artifact and its sidecar.

    Args:
        clf: the trained classifier.
        path: where the ``.joblib`` goes (the sidecar is written beside it).
        info: training facts to record (seeds, counts, accuracy).

    Returns:
        The sidecar content as written.
    """
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"vectorizers": clf.vectorizers, "weights": clf.weights, "model": clf.model,
               "classes": [str(c) for c in clf.classes]}
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(payload, tmp, compress=3)
    meta = {"format_version": FORMAT_VERSION, "sklearn_version": sklearn.__version__,
            "sha256": sha256_file(tmp), "classes": [str(c) for c in clf.classes], **info}
    side_tmp = sidecar_path(path).with_name(sidecar_path(path).name + ".tmp")
    side_tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # readers never see a half-written file (each rename is atomic on one file system)
    os.replace(tmp, path)
    os.replace(side_tmp, sidecar_path(path))
    return meta


def _read_sidecar(path: Path) -> dict[str, Any]:
    side = sidecar_path(path)
    if not side.is_file():
        raise ModelError(f"the classifier's sidecar {side.name} is missing", code=ErrorCode.MODEL_CORRUPT,
                         detail={"path": str(side)})
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError("the classifier's sidecar is not JSON", code=ErrorCode.MODEL_CORRUPT,
                         detail={"path": str(side)}) from e
    if not isinstance(meta, dict):
        raise ModelError("the classifier's sidecar is not an object", code=ErrorCode.MODEL_CORRUPT)
    return meta


def load_classifier(path: Path | None = None) -> Classifier:
    """Load a trained classifier, checking its format, versions and hash.

    Args:
        path: the ``.joblib`` artifact; ``None`` means the one shipped in the package.

    Returns:
        The classifier.

    Raises:
        ModelError: ``model_missing`` (no file), ``model_stale`` (format or scikit-learn
            version differs: retrain), ``model_corrupt`` (hash mismatch, unreadable file).
    """
    path = path or default_model_path()
    if not path.is_file():
        raise ModelError(f"no classifier at {path}; run `sohoa train-classifier`", code=ErrorCode.MODEL_MISSING,
                         detail={"path": str(path)})
    meta = _read_sidecar(path)
    if meta.get("format_version") != FORMAT_VERSION or _minor(str(meta.get("sklearn_version"))) != _minor(
        sklearn.__version__
    ):
        raise ModelError(
            "the classifier was built for another format or scikit-learn version; run `sohoa train-classifier`",
            code=ErrorCode.MODEL_STALE,
            detail={"format_version": meta.get("format_version"), "sklearn_version": meta.get("sklearn_version"),
                    "expected": [FORMAT_VERSION, sklearn.__version__]},
        )
    digest = sha256_file(path)
    if meta.get("sha256") != digest:
        raise ModelError("the classifier file does not match its SHA-256", code=ErrorCode.MODEL_CORRUPT,
                         detail={"path": str(path)})
    with _LOADED_LOCK:
        loaded = _LOADED.get(digest)
        if loaded is None:
            loaded = _LOADED[digest] = _unpickle(path, meta)
    return loaded


#: unpickled classifiers by the SHA-256 of their file: the file is hashed on every load (cheap),
#: unpickled once (about half a second), so a caller that digitizes file by file does not pay it each time
_LOADED: dict[str, Classifier] = {}
_LOADED_LOCK = threading.Lock()


def _unpickle(path: Path, meta: dict[str, Any]) -> Classifier:
    import joblib

    try:
        payload = joblib.load(path)
        return Classifier(
            vectorizers=dict(payload["vectorizers"]), weights=dict(payload["weights"]), model=payload["model"],
            classes=tuple(DocType(c) for c in payload["classes"]), info=meta,
        )
    except Exception as e:  # joblib raises many kinds on damaged files
        raise ModelError("the classifier file cannot be read", code=ErrorCode.MODEL_CORRUPT,
                         detail={"path": str(path), "reason": type(e).__name__}) from e
