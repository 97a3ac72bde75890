"""The domain contract of a digitized document: types, fields, Art. 9 metadata, results.

Field names are Vietnamese without diacritics, snake_case, as the national
portal names them (``../shared/DESIGN.md``, "Domain contract"). Values are
normalized strings: dates ``YYYY-MM-DD``, ``gioi_tinh`` ``Nam``/``Nữ``,
``so_dinh_danh`` 12 digits, names in title case NFC, money as an integer string.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DocType(StrEnum):
    """The document types the classifier knows; ``khac`` means "an officer decides"."""

    CAN_CUOC = "can_cuoc"
    KHAI_SINH = "khai_sinh"
    KET_HON = "ket_hon"
    TINH_TRANG_HON_NHAN = "tinh_trang_hon_nhan"
    XAC_NHAN_CU_TRU = "xac_nhan_cu_tru"
    LY_LICH_TU_PHAP = "ly_lich_tu_phap"
    TO_KHAI = "to_khai"
    QSDD = "qsdd"
    HO_KINH_DOANH = "ho_kinh_doanh"
    KHAI_TU = "khai_tu"
    BANG_TOT_NGHIEP = "bang_tot_nghiep"
    KHAC = "khac"


#: The fields each document type carries, in the order a form shows them.
DOC_TYPE_FIELDS: dict[DocType, tuple[str, ...]] = {
    DocType.CAN_CUOC: (
        "so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "quoc_tich", "que_quan",
        "noi_thuong_tru", "noi_cu_tru", "noi_dang_ky_khai_sinh", "ngay_cap", "co_gia_tri_den",
    ),
    DocType.KHAI_SINH: (
        "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "quoc_tich", "noi_sinh", "que_quan",
        "so_dinh_danh", "ho_ten_me", "ho_ten_cha", "ngay_dang_ky",
    ),
    DocType.KET_HON: (
        "ho_ten_chong", "ngay_sinh_chong", "so_dinh_danh_chong",
        "ho_ten_vo", "ngay_sinh_vo", "so_dinh_danh_vo", "ngay_dang_ky",
    ),
    DocType.TINH_TRANG_HON_NHAN: (
        "ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "noi_cu_tru", "tinh_trang_hon_nhan",
    ),
    DocType.XAC_NHAN_CU_TRU: ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "noi_thuong_tru"),
    DocType.LY_LICH_TU_PHAP: (
        "ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "noi_cu_tru", "tinh_trang_an_tich",
    ),
    DocType.TO_KHAI: ("ho_ten", "ngay_sinh", "so_dinh_danh", "noi_cu_tru", "so_dien_thoai"),
    DocType.QSDD: (
        "ho_ten", "so_dinh_danh", "thua_dat_so", "to_ban_do_so", "dia_chi_thua_dat",
        "dien_tich", "muc_dich_su_dung",
    ),
    DocType.HO_KINH_DOANH: (
        "ten_ho_kinh_doanh", "ma_so_ho_kinh_doanh", "dia_diem_kinh_doanh", "nganh_nghe",
        "von_kinh_doanh", "ho_ten", "ngay_sinh", "so_dinh_danh",
    ),
    DocType.KHAI_TU: ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "ngay_chet", "noi_chet"),
    DocType.BANG_TOT_NGHIEP: ("ho_ten", "ngay_sinh", "noi_sinh", "nam_tot_nghiep", "so_hieu"),
    DocType.KHAC: (),
}

#: Art. 9 of Circular 01/2023/TT-VPCP: the minimum metadata of every digitized paper.
METADATA_FIELDS: tuple[str, ...] = (
    "ma_loai_giay_to", "ma_dinh_danh_chu_so_huu", "ten_giay_to", "so_ky_hieu", "ngay_cap",
    "co_quan_cap", "trich_yeu", "thoi_han_hieu_luc", "pham_vi_hieu_luc",
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class BBox(BaseModel):
    """A box in pixels of the normalized page image (upright, deskewed, cropped)."""

    model_config = _FROZEN

    x0: int
    y0: int
    x1: int
    y1: int

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]


class FieldValue(BaseModel):
    """One extracted value and where it came from, so an officer can see why.

    Attributes:
        value: the normalized value, or ``None`` when the label was seen but no value read.
        confidence: 0–1; OCR confidence tempered by validation.
        page: 1-based page number in the file, ``None`` when derived (e.g. from a QR code).
        bbox: where on that page, ``None`` when derived.
        flags: why to look twice (``id_birth_year_mismatch``, ``lexicon_corrected`` …).
    """

    model_config = _FROZEN

    value: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    page: int | None = None
    bbox: BBox | None = None
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "page": self.page,
            "bbox": self.bbox.as_list() if self.bbox else None,
            "flags": list(self.flags),
        }


class Metadata(BaseModel):
    """The Art. 9 metadata (Circular 01/2023/TT-VPCP); ``None`` where the paper does not show it."""

    model_config = _FROZEN

    ma_loai_giay_to: str | None = None
    ma_dinh_danh_chu_so_huu: str | None = None
    ten_giay_to: str | None = None
    so_ky_hieu: str | None = None
    ngay_cap: str | None = None
    co_quan_cap: str | None = None
    trich_yeu: str | None = None
    thoi_han_hieu_luc: str | None = None
    pham_vi_hieu_luc: str | None = None


class ComponentResult(BaseModel):
    """One document found in a file: its type, fields, metadata and the pages it spans.

    Attributes:
        doc_type: the classified type; ``khac`` below the confidence threshold.
        confidence: the classifier's confidence in ``doc_type`` (0–1).
        page_range: first and last 1-based page of the file this document spans.
        fields: name → value, for every field of the type that was found.
        metadata: Art. 9 metadata.
        text: the page text (OCR, or the PDF text layer for born-digital pages).
        flags: document-level flags (``qr_mismatch``, ``mrz_checksum_failed`` …).
    """

    model_config = _FROZEN

    doc_type: DocType
    confidence: float = Field(ge=0.0, le=1.0)
    page_range: tuple[int, int]
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    metadata: Metadata = Field(default_factory=Metadata)
    text: str = ""
    flags: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return self.page_range[1] - self.page_range[0] + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_type": str(self.doc_type),
            "confidence": round(self.confidence, 3),
            "pages": self.pages,
            "page_range": list(self.page_range),
            "fields": {k: v.to_json() for k, v in self.fields.items()},
            "metadata": self.metadata.model_dump(),
            "text": self.text,
            "flags": list(self.flags),
        }


class ErrorInfo(BaseModel):
    """A failure as shown to callers: a stable code, a sentence, and context."""

    model_config = _FROZEN

    code: str
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


class ReadCheck(BaseModel):
    """How a page's OCR checked itself (see ``pipeline.ocr._check``).

    Attributes:
        score: 0–1, of the read that was kept (confidence, plausible words, ink covered).
        second_read: the page was read a second way because the first read scored poorly.
        chosen: which read was kept.
        reason: why, in a few words.
    """

    model_config = _FROZEN

    score: float
    second_read: bool
    chosen: Literal["first", "second"]
    reason: str


class PageInfo(BaseModel):
    """Facts about one physical page, as the archive rules want them (Decree 30/2020 App. I)."""

    model_config = _FROZEN

    number: int
    source: str  # "text_layer" (born-digital PDF page) or "ocr"
    width: int
    height: int
    dpi: int
    color: bool
    rotation: int = 0  # degrees turned to make it upright
    skew: float = 0.0  # degrees of deskew applied
    blank: bool = False
    read: ReadCheck | None = None  # the read's self-check (OCR pages that are not blank)


class DigitizeResult(BaseModel):
    """Everything read from one input file; the top level describes its first document.

    ``components`` lists every document found when the file is a stack of several.
    On failure ``error`` is set, and the rest is empty.
    """

    model_config = _FROZEN

    file: str
    doc_type: DocType | None = None
    confidence: float = 0.0
    pages: int = 0
    page_info: tuple[PageInfo, ...] = ()
    components: tuple[ComponentResult, ...] = ()
    timings_ms: dict[str, float] = Field(default_factory=dict)
    sha256: str | None = None
    error: ErrorInfo | None = None

    @property
    def first(self) -> ComponentResult | None:
        return self.components[0] if self.components else None

    def to_json(self) -> dict[str, Any]:
        """The ``sohoa digitize --json`` object for this file."""
        first = self.first
        out: dict[str, Any] = {
            "file": self.file,
            "doc_type": str(self.doc_type) if self.doc_type else None,
            "confidence": round(self.confidence, 3),
            "pages": self.pages,
            "page_range": list(first.page_range) if first else None,
            "fields": {k: v.to_json() for k, v in first.fields.items()} if first else {},
            "metadata": first.metadata.model_dump() if first else Metadata().model_dump(),
            "text": first.text if first else "",
            "flags": list(first.flags) if first else [],
            "sha256": self.sha256,
            "page_info": [p.model_dump() for p in self.page_info],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "error": self.error.model_dump() if self.error else None,
        }
        if len(self.components) > 1:
            out["components"] = [c.to_json() for c in self.components]
        return out
