"""The catalog agrees with the contract and every field has labels the extractor can find."""

from __future__ import annotations

from pipeline.doctypes import CATALOG, get_spec
from pipeline.doctypes._catalog import _check
from schemas.documents import DOC_TYPE_FIELDS, DocType


def test_catalog_lists_exactly_the_contract_fields() -> None:
    _check()
    assert set(CATALOG) == set(DocType)


def test_every_field_has_labels_and_every_type_but_khac_has_titles_and_a_code() -> None:
    codes = set()
    for doc_type, spec in CATALOG.items():
        codes.add(spec.code)
        for f in spec.fields:
            assert f.labels, f"{doc_type}.{f.name} has no label"
        if doc_type is not DocType.KHAC:
            assert spec.titles
    assert len(codes) == len(CATALOG)


def test_validity_rules_follow_the_law() -> None:
    assert get_spec(DocType.TINH_TRANG_HON_NHAN).validity.months == 6  # type: ignore[union-attr]
    assert get_spec(DocType.XAC_NHAN_CU_TRU).validity.months == 12  # type: ignore[union-attr]
    assert get_spec(DocType.CAN_CUOC).validity.field == "co_gia_tri_den"  # type: ignore[union-attr]
    assert DOC_TYPE_FIELDS[DocType.KHAC] == ()
