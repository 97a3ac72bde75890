"""The words the pages show for the API's codes: field names, document types, states and flags.

The API speaks in stable snake_case codes (``so_dinh_danh``, ``done``,
``id_birth_year_mismatch``); an officer reads "Số định danh cá nhân", "Đã đọc
xong", "Số định danh không khớp năm sinh". Every field of the contract and
every flag the extractor sets has its words here (a test checks them).
"""

from __future__ import annotations

from typing import Any

from api.web._errors_vi import CLIENT_MESSAGES, ERROR_MESSAGES
from schemas.codes import DOSSIER_CODE_RE, PROCEDURE_CODE_RE, PROVINCE_CODES

FIELD_LABELS: dict[str, str] = {
    "so_dinh_danh": "Số định danh cá nhân",
    "ho_ten": "Họ, chữ đệm và tên",
    "ngay_sinh": "Ngày sinh",
    "gioi_tinh": "Giới tính",
    "quoc_tich": "Quốc tịch",
    "que_quan": "Quê quán",
    "noi_thuong_tru": "Nơi thường trú",
    "noi_cu_tru": "Nơi cư trú",
    "noi_dang_ky_khai_sinh": "Nơi đăng ký khai sinh",
    "ngay_cap": "Ngày cấp",
    "co_gia_tri_den": "Có giá trị đến",
    "dan_toc": "Dân tộc",
    "noi_sinh": "Nơi sinh",
    "ho_ten_me": "Họ tên mẹ",
    "ho_ten_cha": "Họ tên cha",
    "ngay_dang_ky": "Ngày đăng ký",
    "ho_ten_chong": "Họ tên chồng",
    "ngay_sinh_chong": "Ngày sinh của chồng",
    "so_dinh_danh_chong": "Số định danh của chồng",
    "ho_ten_vo": "Họ tên vợ",
    "ngay_sinh_vo": "Ngày sinh của vợ",
    "so_dinh_danh_vo": "Số định danh của vợ",
    "tinh_trang_hon_nhan": "Tình trạng hôn nhân",
    "tinh_trang_an_tich": "Tình trạng án tích",
    "so_dien_thoai": "Số điện thoại",
    "thua_dat_so": "Thửa đất số",
    "to_ban_do_so": "Tờ bản đồ số",
    "dia_chi_thua_dat": "Địa chỉ thửa đất",
    "dien_tich": "Diện tích (m²)",
    "muc_dich_su_dung": "Mục đích sử dụng",
    "ten_ho_kinh_doanh": "Tên hộ kinh doanh",
    "ma_so_ho_kinh_doanh": "Mã số hộ kinh doanh",
    "dia_diem_kinh_doanh": "Địa điểm kinh doanh",
    "nganh_nghe": "Ngành, nghề kinh doanh",
    "von_kinh_doanh": "Vốn kinh doanh (đồng)",
    "ngay_chet": "Ngày chết",
    "noi_chet": "Nơi chết",
    "nam_tot_nghiep": "Năm tốt nghiệp",
    "so_hieu": "Số hiệu",
    # Art. 9 metadata (Circular 01/2023/TT-VPCP)
    "ma_loai_giay_to": "Mã loại giấy tờ",
    "ma_dinh_danh_chu_so_huu": "Mã định danh chủ sở hữu",
    "ten_giay_to": "Tên giấy tờ",
    "so_ky_hieu": "Số, ký hiệu",
    "co_quan_cap": "Cơ quan cấp",
    "trich_yeu": "Trích yếu",
    "thoi_han_hieu_luc": "Thời hạn hiệu lực",
    "pham_vi_hieu_luc": "Phạm vi hiệu lực",
}

DOC_TYPE_NAMES: dict[str, str] = {
    "can_cuoc": "Căn cước / Căn cước công dân",
    "khai_sinh": "Giấy khai sinh",
    "ket_hon": "Giấy chứng nhận kết hôn",
    "tinh_trang_hon_nhan": "Giấy xác nhận tình trạng hôn nhân",
    "xac_nhan_cu_tru": "Xác nhận thông tin về cư trú (CT07)",
    "ly_lich_tu_phap": "Phiếu lý lịch tư pháp",
    "to_khai": "Tờ khai, đơn đề nghị",
    "qsdd": "Giấy chứng nhận quyền sử dụng đất",
    "ho_kinh_doanh": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "khai_tu": "Trích lục khai tử",
    "bang_tot_nghiep": "Bằng tốt nghiệp",
    "khac": "Loại khác (cán bộ chọn)",
}

STATUS_WORDS: dict[str, str] = {
    # a component's job
    "queued": "Đang chờ xử lý",
    "running": "Đang đọc",
    "done": "Đã đọc xong",
    "failed": "Không đọc được",
    # a document record
    "pending": "Chờ đọc",
    "extracted": "Chờ xác nhận",
    "confirmed": "Đã xác nhận",
    "signed": "Đã ký số",
    "revoked": "Đã thu hồi",
    "reused": "Dùng lại từ kho",
}

#: what a line of the access log says was done (the audit log's action codes)
ACTION_WORDS: dict[str, str] = {
    "read_document": "xem một giấy tờ",
    "read_documents": "xem danh sách giấy tờ",
    "read_dossier": "xem hồ sơ",
    "read_file": "tải tệp giấy tờ",
    "read_history": "xem lịch sử sửa đổi",
    "search_documents": "tìm trong giấy tờ",
    "reuse_document": "dùng lại giấy tờ cho hồ sơ",
    "confirm_document": "xác nhận giấy tờ",
    "correct_document": "sửa thông tin giấy tờ",
}

ROLE_WORDS: dict[str, str] = {
    "officer": "Cán bộ",
    "citizen": "Bạn",
    "resolution_system": "Hệ thống giải quyết TTHC",
    "admin": "Quản trị viên",
    "system": "Hệ thống",
}

#: why a field or a document deserves a second look, as the extractor flags it
FLAG_WORDS: dict[str, str] = {
    "id_birth_year_mismatch": "Số định danh không khớp năm sinh",
    "id_century_mismatch": "Số định danh không khớp thế kỷ sinh",
    "id_sex_mismatch": "Số định danh không khớp giới tính",
    "id_province_unknown": "Ba số đầu của số định danh không phải mã tỉnh nào",
    "invalid_id_format": "Số định danh không đúng dạng",
    "invalid_id_length": "Số định danh không đủ 12 chữ số",
    "id_repaired": "Đã sửa một chữ số của số định danh cho khớp ngày sinh: hãy đối chiếu",
    "date_in_future": "Ngày ở tương lai",
    "implausible_date": "Ngày khó có thật",
    "invalid_date": "Ngày không tồn tại",
    "year_only": "Chỉ đọc được năm, thiếu ngày và tháng",
    "date_repaired": "Đã sửa năm cho khớp số định danh: hãy đối chiếu",
    "expiry_before_birth": "Ngày hết hạn trước ngày sinh",
    "issue_before_birth": "Ngày cấp trước ngày sinh",
    "expiry_before_issue": "Ngày hết hạn trước ngày cấp",
    "death_before_birth": "Ngày chết trước ngày sinh",
    "invalid_number": "Không đọc được thành số",
    "lexicon_corrected": "Đã sửa chính tả tên theo từ điển: hãy đối chiếu",
    "invalid_syllable": "Có chữ không phải âm tiết tiếng Việt",
    "weak_label": "Nhãn in mờ hoặc khác mẫu: giá trị đoán theo vị trí",
    "unlabelled": "Không thấy nhãn: giá trị đoán theo vị trí trên thẻ",
    "number_line": "Lấy từ dòng \"Số: …\" dưới tiêu đề, không có nhãn riêng: hãy đối chiếu",
    "mrz_checksum_failed": "Dòng mã MRZ mặt sau sai số kiểm tra",
    "mrz_mismatch": "Dòng mã MRZ không khớp nội dung mặt trước",
    "mrz_corrected": "Đã sửa theo dòng mã MRZ",
    "from_mrz": "Lấy từ dòng mã MRZ",
    "qr_mismatch": "Mã QR không khớp nội dung in",
    "qr_confirmed": "Khớp với mã QR",
    "from_qr": "Lấy từ mã QR",
    "low_confidence": "Độ tin cậy thấp: hãy đối chiếu với bản giấy",
    "owner_mismatch": "Giấy tờ này ghi chủ sở hữu khác với công dân của hồ sơ",
    "registry_mismatch": "Khác với Cơ sở dữ liệu quốc gia về dân cư: hãy đối chiếu",
    "corrected": "Cán bộ đã sửa theo bản giấy",
}

#: flags that confirm a value rather than question it (shown, not highlighted)
REASSURING_FLAGS: frozenset[str] = frozenset({"qr_confirmed", "from_qr", "from_mrz", "corrected"})


def flag_words(flag: str) -> str:
    """The words for a flag; a flag this page does not know is shown as "Cần kiểm tra" with its code."""
    return FLAG_WORDS.get(flag, f"Cần kiểm tra ({flag})")


def page_words() -> dict[str, Any]:
    """Everything a page needs to put codes into words, as one JSON-ready object."""
    return {
        "errors": ERROR_MESSAGES,
        "client": CLIENT_MESSAGES,
        "fields": FIELD_LABELS,
        "doc_types": DOC_TYPE_NAMES,
        "status": STATUS_WORDS,
        "flags": FLAG_WORDS,
        "reassuring": sorted(REASSURING_FLAGS),
        "actions": ACTION_WORDS,
        "roles": ROLE_WORDS,
        # the same rules as schemas/codes.py, so the pages check codes as they are typed
        "codes": {
            "dossier": _js_pattern(DOSSIER_CODE_RE.pattern),
            "procedure": _js_pattern(PROCEDURE_CODE_RE.pattern),
            "provinces": PROVINCE_CODES,
        },
    }


def _js_pattern(pattern: str) -> str:
    """A Python regular expression as JavaScript writes it (named groups differ)."""
    return pattern.replace("(?P<", "(?<")
