"""Every document type renders, and its truth is exactly what its layout shows, normalized."""

from __future__ import annotations

import re
import unicodedata

import cv2
import numpy as np
import pytest

from corpus import layouts, render_document
from schemas.documents import DOC_TYPE_FIELDS, METADATA_FIELDS, DocType

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: fields a layout may legitimately not show (old forms, CMND instead of a personal number)
OPTIONAL = {
    DocType.KHAI_SINH: {"so_dinh_danh"},
    DocType.KET_HON: {"so_dinh_danh_chong", "so_dinh_danh_vo"},
    DocType.QSDD: {"so_dinh_danh"},
}
CARD_FIELDS = {
    "cccd": {"so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "quoc_tich", "que_quan", "noi_thuong_tru",
             "ngay_cap", "co_gia_tri_den"},
    "cc": {"so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "quoc_tich", "noi_cu_tru",
           "noi_dang_ky_khai_sinh", "ngay_cap", "co_gia_tri_den"},
}
CASES = [(t, layout) for t in DocType for layout in layouts(t)]


def _check_values(fields: dict[str, str]) -> None:
    for name, value in fields.items():
        assert value == unicodedata.normalize("NFC", value), name
        assert value.strip() == value and value, name
        if name.startswith(("ngay_", "co_gia_tri_den")):
            assert ISO.match(value), (name, value)
        if name.startswith("so_dinh_danh"):
            assert re.fullmatch(r"\d{12}", value), (name, value)
        if name == "gioi_tinh":
            assert value in {"Nam", "Nữ"}
        if name.startswith("ho_ten"):
            assert value == " ".join(w[:1].upper() + w[1:].lower() for w in value.split()), value
    if "dien_tich" in fields:
        assert re.fullmatch(r"\d+(\.\d)?", fields["dien_tich"])
    if "von_kinh_doanh" in fields:
        assert fields["von_kinh_doanh"].isdigit()


def _check_id(fields: dict[str, str]) -> None:
    """The personal number agrees with the birth date and sex shown on the same paper."""
    if "so_dinh_danh" in fields and "ngay_sinh" in fields:
        number, born = fields["so_dinh_danh"], fields["ngay_sinh"]
        assert number[4:6] == born[2:4]
        assert 19 + int(number[3]) // 2 == int(born[:2])
        if "gioi_tinh" in fields:
            assert (int(number[3]) % 2 == 0) == (fields["gioi_tinh"] == "Nam")


@pytest.mark.parametrize(("doc_type", "layout"), CASES, ids=[f"{t.value}-{lay}" for t, lay in CASES])
def test_document_renders_with_exactly_the_fields_its_layout_shows(doc_type: DocType, layout: str) -> None:
    doc = render_document(doc_type, seed=21, layout=layout)
    assert doc.pages and all(p.mode == "RGB" for p in doc.pages)
    assert doc.pages[0].size in {(2480, 3508), (3508, 2480)}
    assert len(doc.page_texts) == len(doc.pages) == len(doc.specs)
    assert all(t == unicodedata.normalize("NFC", t) for t in doc.page_texts)
    expected = set(DOC_TYPE_FIELDS[doc_type])
    if doc_type is DocType.CAN_CUOC:
        expected = CARD_FIELDS[layout.split("_", maxsplit=1)[0]]
    assert set(doc.fields) <= expected
    assert expected - set(doc.fields) <= OPTIONAL.get(doc_type, set())
    assert set(doc.metadata) <= set(METADATA_FIELDS)
    assert "ten_giay_to" in doc.metadata
    _check_values(doc.fields)
    _check_id(doc.fields)


def test_qsdd_has_two_pages_and_its_title_is_recorded_as_printed() -> None:
    for layout in layouts(DocType.QSDD):
        doc = render_document(DocType.QSDD, seed=4, layout=layout)
        assert len(doc.pages) == 2
        assert doc.metadata["ten_giay_to"].startswith("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU")
        assert "GIẤY CHỨNG NHẬN" in doc.page_texts[0]


def test_metadata_follows_the_validity_rules() -> None:
    status = render_document(DocType.TINH_TRANG_HON_NHAN, seed=2)
    issued, until = status.metadata["ngay_cap"], status.metadata["thoi_han_hieu_luc"]
    assert (int(until[:4]) * 12 + int(until[5:7])) - (int(issued[:4]) * 12 + int(issued[5:7])) == 6
    residence = render_document(DocType.XAC_NHAN_CU_TRU, seed=2)
    assert int(residence.metadata["thoi_han_hieu_luc"][:4]) == int(residence.metadata["ngay_cap"][:4]) + 1
    card = render_document(DocType.CAN_CUOC, seed=2)
    assert card.metadata["thoi_han_hieu_luc"] == card.fields["co_gia_tri_den"]


def test_rendering_is_deterministic_and_seeds_differ() -> None:
    a = render_document(DocType.KHAI_SINH, seed=8)
    b = render_document(DocType.KHAI_SINH, seed=8)
    c = render_document(DocType.KHAI_SINH, seed=9)
    assert a.pages[0].tobytes() == b.pages[0].tobytes() and a.fields == b.fields
    assert a.fields != c.fields


def test_several_fonts_and_label_variants_are_used() -> None:
    docs = [render_document(DocType.TO_KHAI, seed=s) for s in range(16)]
    assert len({d.font for d in docs}) >= 4
    birth_labels = {lab for d in docs for lab in ("Ngày, tháng, năm sinh:", "Ngày sinh:", "Sinh ngày:")
                    if lab in d.page_texts[0]}
    assert len(birth_labels) >= 2


@pytest.mark.parametrize("layout", ["cccd_2021_one_page", "cc_2024_two_pages"])
def test_id_card_qr_decodes_to_the_truth_and_mrz_verifies(layout: str) -> None:
    from corpus import verify_td1

    doc = render_document(DocType.CAN_CUOC, seed=5, layout=layout)
    assert doc.qr_payload is not None and doc.mrz is not None
    found = None
    for page in doc.pages:
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR))
        found = found or text
    assert found == doc.qr_payload
    parts = found.split("|")
    f = doc.fields
    assert parts[0] == f["so_dinh_danh"] and parts[2] == f["ho_ten"] and parts[4] == f["gioi_tinh"]
    born = f["ngay_sinh"]
    assert parts[3] == born[8:10] + born[5:7] + born[:4]
    assert parts[6] == f["ngay_cap"][8:10] + f["ngay_cap"][5:7] + f["ngay_cap"][:4]
    assert verify_td1((doc.mrz[0], doc.mrz[1], doc.mrz[2]))
    assert doc.mrz[0][15:27] == f["so_dinh_danh"]
    assert doc.mrz[1][:6] == born[2:4] + born[5:7] + born[8:10]
    assert "\n".join(doc.mrz) in "\n".join(doc.page_texts)


def test_every_type_renders_across_many_seeds() -> None:
    """Random people and dates stay within their ranges whatever the seed (an elderly holder, say)."""
    for doc_type in DocType:
        for seed in range(12):
            doc = render_document(doc_type, seed=seed)
            _check_values(doc.fields)
            _check_id(doc.fields)


def test_the_held_out_style_sets_papers_in_ruled_tables_in_a_font_training_never_sees() -> None:
    from corpus._fonts import HELD_OUT_FAMILIES, text_families

    held = render_document(DocType.TINH_TRANG_HON_NHAN, seed=7, style="held_out")
    usual = render_document(DocType.TINH_TRANG_HON_NHAN, seed=7)
    assert held.font in HELD_OUT_FAMILIES and held.layout.endswith("@grid")
    assert usual.font not in HELD_OUT_FAMILIES and "@" not in usual.layout
    assert not {f.name for f in text_families()} & set(HELD_OUT_FAMILIES)
    # a table row: the label cell holds no colon, the value stands beside it
    name = held.fields["ho_ten"].upper()
    assert any(line.upper().endswith(name) and ":" not in line for line in held.page_texts[0].splitlines())
    rules = [op for op in held.specs[0].ops if type(op).__name__ == "LineOp"]
    assert len(rules) > 20  # every row has its rules


def test_an_unknown_style_is_refused() -> None:
    from schemas.errors import ErrorCode, InputError

    with pytest.raises(InputError) as e:
        render_document(DocType.KHAI_SINH, seed=1, style="other")
    assert e.value.code is ErrorCode.INVALID_VALUE
