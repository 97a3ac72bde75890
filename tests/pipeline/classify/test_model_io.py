"""The classifier artifact: loaded when sound, told apart when missing, stale or corrupt."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.classify import FORMAT_VERSION, load_classifier
from schemas.errors import ErrorCode, ModelError


def _copy(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".json"), dst.with_suffix(".json"))
    return dst


def test_sound_artifact_loads_with_its_sidecar(small_model_path: Path) -> None:
    model = load_classifier(small_model_path)
    assert model.info["format_version"] == FORMAT_VERSION
    assert model.info["seed"] == 7
    assert len(model.classes) == 12


def test_missing_artifact_is_model_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_classifier(tmp_path / "nothing.joblib")
    assert err.value.code is ErrorCode.MODEL_MISSING


def test_other_sklearn_version_is_model_stale(small_model_path: Path, tmp_path: Path) -> None:
    path = _copy(small_model_path, tmp_path)
    side = path.with_suffix(".json")
    meta = json.loads(side.read_text())
    meta["sklearn_version"] = "0.24.2"
    side.write_text(json.dumps(meta))
    with pytest.raises(ModelError) as err:
        load_classifier(path)
    assert err.value.code is ErrorCode.MODEL_STALE


def test_other_format_version_is_model_stale(small_model_path: Path, tmp_path: Path) -> None:
    path = _copy(small_model_path, tmp_path)
    side = path.with_suffix(".json")
    meta = json.loads(side.read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    side.write_text(json.dumps(meta))
    with pytest.raises(ModelError) as err:
        load_classifier(path)
    assert err.value.code is ErrorCode.MODEL_STALE


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_changed_bytes_are_model_corrupt(small_model_path: Path, tmp_path: Path) -> None:
    path = _copy(small_model_path, tmp_path)
    _flip_a_byte(path)
    with pytest.raises(ModelError) as err:
        load_classifier(path)
    assert err.value.code is ErrorCode.MODEL_CORRUPT


def test_unreadable_file_with_matching_hash_is_model_corrupt(small_model_path: Path, tmp_path: Path) -> None:
    from pipeline.classify._model import sha256_file

    path = _copy(small_model_path, tmp_path)
    path.write_bytes(b"not a joblib file")
    side = path.with_suffix(".json")
    meta = json.loads(side.read_text())
    meta["sha256"] = sha256_file(path)
    side.write_text(json.dumps(meta))
    with pytest.raises(ModelError) as err:
        load_classifier(path)
    assert err.value.code is ErrorCode.MODEL_CORRUPT


def test_missing_sidecar_is_model_corrupt(small_model_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "classifier.joblib"
    shutil.copy(small_model_path, path)
    with pytest.raises(ModelError) as err:
        load_classifier(path)
    assert err.value.code is ErrorCode.MODEL_CORRUPT


def test_a_loaded_model_is_reused_but_its_file_is_checked_every_time(small_model_path: Path, tmp_path: Path) -> None:
    path = _copy(small_model_path, tmp_path)
    first = load_classifier(path)
    assert load_classifier(path) is first  # unpickled once
    _flip_a_byte(path)
    with pytest.raises(ModelError) as err:
        load_classifier(path)
    assert err.value.code is ErrorCode.MODEL_CORRUPT
