"""End to end on generated scans: render, damage, raw tesseract, classify with the shipped model, extract."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.documents import DocType
from schemas.settings import ClassifySettings, ExtractSettings

CASES = [(DocType.CAN_CUOC, 5001), (DocType.KHAI_SINH, 5000), (DocType.KET_HON, 5000),
         (DocType.TINH_TRANG_HON_NHAN, 5000)]


@pytest.mark.slow
@pytest.mark.parametrize(("doc_type", "seed"), CASES, ids=[str(c[0]) for c in CASES])
def test_scanned_document_is_classified_and_its_fields_read(doc_type: DocType, seed: int, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.classify import classify, load_classifier
    from pipeline.extract import extract
    from tests.pipeline.extract import _corpus_eval

    monkeypatch.setattr(_corpus_eval, "CACHE", tmp_path)
    pages, doc = _corpus_eval.read_document(doc_type, seed, "scan", raw=True)
    got = classify(pages, model=load_classifier(), cfg=ClassifySettings())
    assert got.doc_type is doc_type
    fields = extract(got.doc_type, pages, cfg=ExtractSettings()).fields
    right = [name for name, want in doc.fields.items() if name in fields and fields[name].value == want]
    assert len(right) >= 0.8 * len(doc.fields), {n: (w, fields.get(n)) for n, w in doc.fields.items()}
