"""Texts of papers that are none of our types (``khac``), for training the classifier to say so.

Officers scan all kinds of paper: decisions, letters, contracts, invoices, driving
licences, passports, building permits, health certificates, CVs. Several of them carry the
same labels as our types (name, date of birth, address); only their titles and wording
differ, and the classifier must learn that a familiar label is not enough.
"""

from __future__ import annotations

import random

from pipeline.lexicon import default_lexicon

_TITLES = (
    "QUYẾT ĐỊNH", "THÔNG BÁO", "BIÊN BẢN", "BÁO CÁO", "GIẤY MỜI", "KẾ HOẠCH", "CÔNG VĂN", "TỜ TRÌNH",
    "HỢP ĐỒNG MUA BÁN", "HỢP ĐỒNG LAO ĐỘNG", "HỢP ĐỒNG THUÊ NHÀ", "GIẤY PHÉP XÂY DỰNG",
    "GIẤY PHÉP LÁI XE", "HỘ CHIẾU", "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", "HÓA ĐƠN GIÁ TRỊ GIA TĂNG",
    "BIÊN LAI THU PHÍ, LỆ PHÍ", "GIẤY ỦY QUYỀN", "GIẤY GIỚI THIỆU", "SƠ YẾU LÝ LỊCH", "HỌC BẠ",
    "GIẤY KHÁM SỨC KHỎE", "GIẤY RA VIỆN", "PHIẾU THU", "GIẤY BIÊN NHẬN", "BẢN CAM KẾT", "CHỨNG CHỈ",
    "GIẤY CHỨNG NHẬN BẢO HIỂM", "THẺ BẢO HIỂM Y TẾ", "SỔ TIẾT KIỆM", "PHIẾU XUẤT KHO", "BẢNG LƯƠNG",
    "GIẤY XÁC NHẬN THU NHẬP", "LỊCH CÔNG TÁC", "GIẤY ĐI ĐƯỜNG", "THÔNG BÁO NỘP THUẾ",
)
_SENTENCES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
    "Theo đề nghị của Trưởng phòng Nội vụ", "Quyết định này có hiệu lực kể từ ngày ký",
    "Điều 1. Phê duyệt kế hoạch thực hiện nhiệm vụ năm", "Điều 2. Giao Văn phòng tổ chức thực hiện",
    "Nơi nhận: Như Điều 3; Lưu: VT", "Hai bên thống nhất ký kết hợp đồng với các điều khoản sau",
    "Bên A cam kết thanh toán đầy đủ theo thời hạn đã thỏa thuận", "Tổng cộng tiền thanh toán",
    "Thuế suất GTGT 10%", "Số tiền viết bằng chữ", "Người mua hàng", "Người bán hàng", "Kính gửi",
    "Hạng giấy phép: B2", "Ngày trúng tuyển", "Passport No", "Type: P  Code of issuing State: VNM",
    "Chẩn đoán: viêm phổi, đã điều trị ổn định", "Kết luận: đủ sức khỏe học tập và làm việc",
    "Quá trình học tập và công tác", "Khen thưởng, kỷ luật", "Thời gian họp: 8 giờ 00 phút",
    "Thành phần tham dự gồm có", "Nội dung cuộc họp như sau", "Cuộc họp kết thúc vào lúc 11 giờ cùng ngày",
    "Đơn vị tính: đồng", "Số lượng", "Đơn giá", "Thành tiền", "Mã số thuế", "Số tài khoản",
    "Công trình được phép xây dựng theo thiết kế đã được phê duyệt", "Chiều cao công trình 12 m",
    "Vốn điều lệ 5.000.000.000 đồng", "Người đại diện theo pháp luật", "Giám đốc",
    "Trân trọng kính mời quý vị đến dự", "Đề nghị các đơn vị nghiêm túc thực hiện",
    "The quick brown fox jumps over the lazy dog", "Invoice total due within 30 days",
)
_LABELS = ("Họ và tên", "Ngày sinh", "Địa chỉ", "Số điện thoại", "Chức vụ", "Đơn vị", "Nghề nghiệp",
           "Quê quán", "Nơi ở hiện nay", "Số CCCD", "Email", "Mã số thuế", "Số tài khoản")


def _name(rng: random.Random) -> str:
    lex = default_lexicon()
    fam = rng.choice(sorted({w for v in lex.family.values() for w in v}))
    mid = rng.choice(sorted({w for v in lex.middle.values() for w in v}))
    giv = rng.choice(sorted({w for v in lex.given.values() for w in v}))
    return f"{fam} {mid} {giv}"


def _place(rng: random.Random) -> str:
    places = sorted({w for v in default_lexicon().places.values() for w in v})
    return f"Số {rng.randint(1, 200)} {rng.choice(places)}, {rng.choice(places)}"


def khac_text(rng: random.Random) -> str:
    """One page of text of a random paper that is none of the catalog's types.

    Args:
        rng: the random source.

    Returns:
        Lines of text, newline-separated, as printed (clean).
    """
    lines: list[str] = []
    if rng.random() < 0.7:
        lines += ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    if rng.random() < 0.5:
        lines.insert(0, rng.choice(("UBND HUYỆN ", "CÔNG TY TNHH ", "SỞ ", "BỆNH VIỆN ", "TRƯỜNG "))
                     + rng.choice(sorted({w for v in default_lexicon().places.values() for w in v})).upper())
    if rng.random() < 0.6:
        lines.append(f"Số: {rng.randint(1, 999)}/{rng.choice(('QĐ-UBND', 'TB', 'HĐ', 'BB', 'CV'))}")
    if rng.random() < 0.9:
        lines.append(rng.choice(_TITLES))
    for _ in range(rng.randint(4, 16)):
        r = rng.random()
        if r < 0.45:
            lines.append(rng.choice(_SENTENCES))
        elif r < 0.75:
            label = rng.choice(_LABELS)
            value = _name(rng) if "tên" in label else _place(rng) if "ịa" in label or "ơi" in label else str(
                rng.randint(10**5, 10**10))
            lines.append(f"{label}: {value}")
        else:
            lines.append(f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1950, 2025)} {_name(rng)}")
    if rng.random() < 0.6:
        lines.append(f"Hà Nội, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {rng.randint(2000, 2025)}")
    return "\n".join(lines)
