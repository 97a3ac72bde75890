"""Diacritic folding for search, and the key-field fingerprint that spots a document seen before.

Folding is done here, in Python, for both databases: PostgreSQL's ``unaccent``
and SQLite FTS5's ``remove_diacritics`` disagree on ``đ``/``Đ`` (FTS5 keeps it),
and NFD input would slip past both. ``Nguyễn Văn Đức`` → ``nguyen van duc``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping

_NON_WORD = re.compile(r"[^0-9a-z]+")

#: fields that identify one paper of a type: same type + same values = the same document
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "can_cuoc": ("so_dinh_danh", "ngay_cap"),
    "khai_sinh": ("ho_ten", "ngay_sinh", "ngay_dang_ky"),
    "ket_hon": ("so_dinh_danh_chong", "so_dinh_danh_vo", "ngay_dang_ky"),
    "tinh_trang_hon_nhan": ("so_dinh_danh", "ngay_cap"),
    "xac_nhan_cu_tru": ("so_dinh_danh", "ngay_cap"),
    "ly_lich_tu_phap": ("so_dinh_danh", "ngay_cap"),
    "qsdd": ("thua_dat_so", "to_ban_do_so", "dia_chi_thua_dat"),
    "ho_kinh_doanh": ("ma_so_ho_kinh_doanh",),
    "khai_tu": ("so_dinh_danh", "ngay_chet"),
    "bang_tot_nghiep": ("so_hieu",),
}
#: used for any type when its own key fields are missing: the paper's number and issue date
FALLBACK_KEY_FIELDS = ("so_ky_hieu", "ngay_cap")


def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``, runs of non-alphanumerics → one space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _NON_WORD.sub(" ", bare.lower()).strip()


def search_tokens(query: str) -> list[str]:
    """The folded words of a search query (alphanumeric only, so safe in FTS and regex)."""
    return [t for t in fold(query).split(" ") if t]


def search_text(parts: Iterable[str | None]) -> str:
    """One folded line of everything searchable in a record."""
    return " ".join(f for f in (fold(p) for p in parts if p) if f)


def key_hash(doc_type: str, values: Mapping[str, str | None]) -> str | None:
    """A fingerprint of the document's identifying values, ``None`` when they are not all known.

    Args:
        doc_type: the document type.
        values: field and metadata values by name.
    """
    for names in (KEY_FIELDS.get(doc_type, ()), FALLBACK_KEY_FIELDS):
        picked = [values.get(n) for n in names]
        if names and all(picked):
            joined = "\x1f".join([doc_type, *(fold(v or "") for v in picked)])
            return hashlib.sha256(joined.encode()).hexdigest()
    return None
