"""Folding for search, the key-field fingerprint, and validity periods (pure functions)."""

from __future__ import annotations

from datetime import date

from store.records import fold, key_hash
from store.records._build import expiry_of
from store.records._fold import search_tokens


def test_fold_removes_diacritics_and_folds_d_with_stroke() -> None:
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐẶNG THỊ ÁNH") == "dang thi anh"
    assert fold("Nguye\u0302\u0303n") == "nguyen"  # NFD input folds the same way


def test_search_tokens_keep_only_letters_and_digits() -> None:
    assert search_tokens('"Nguyễn" OR Văn* -An') == ["nguyen", "or", "van", "an"]
    assert search_tokens("  —  ") == []


def test_key_hash_needs_every_key_field_and_ignores_diacritics() -> None:
    full = {"so_dinh_danh": "001090000001", "ngay_cap": "2021-05-01"}
    assert key_hash("can_cuoc", full) == key_hash("can_cuoc", dict(full))
    assert key_hash("can_cuoc", {"so_dinh_danh": "001090000001"}) is None
    assert key_hash("khai_sinh", {"ho_ten": "Lê Đức", "ngay_sinh": "2001-01-01", "ngay_dang_ky": "2001-02-01"}) \
        == key_hash("khai_sinh", {"ho_ten": "LE DUC", "ngay_sinh": "2001-01-01", "ngay_dang_ky": "2001-02-01"})
    assert key_hash("can_cuoc", full) != key_hash("xac_nhan_cu_tru", full)


def test_fallback_key_is_number_and_issue_date() -> None:
    assert key_hash("khac", {"so_ky_hieu": "15/QĐ-UBND", "ngay_cap": "2024-03-01"}) is not None
    assert key_hash("khac", {"so_ky_hieu": "15/QĐ-UBND"}) is None


def test_expiry_is_printed_or_counted_from_issue_by_type() -> None:
    assert expiry_of("can_cuoc", {"co_gia_tri_den": {"value": "2036-05-01"}}, {}) == date(2036, 5, 1)
    assert expiry_of("xac_nhan_cu_tru", {}, {"ngay_cap": "2024-02-29"}) == date(2025, 2, 28)
    assert expiry_of("tinh_trang_hon_nhan", {}, {"ngay_cap": "2025-08-31"}) == date(2026, 2, 28)
    assert expiry_of("khai_sinh", {}, {"ngay_cap": "2001-01-01"}) is None
    assert expiry_of("khac", {}, {"thoi_han_hieu_luc": "2030-12-31"}) == date(2030, 12, 31)
