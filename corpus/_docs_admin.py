"""Residence, criminal-record and application papers: CT07, Phiếu LLTP, tờ khai / đơn đề nghị."""

from __future__ import annotations

from datetime import date, timedelta

from corpus._common import Agency, Doc, commune_agency, national_header, province_agency, signer, title
from corpus._docs_civil import REFORM
from corpus._people import person, person_name, phone, random_date
from corpus._types import LineOp
from corpus._vn import add_months, iso, place_date


def xac_nhan_cu_tru(doc: Doc, layout: str) -> None:
    """XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ (form CT07 of Circular 66/2023), valid one year."""
    rng = doc.rng
    issued = random_date(rng, date(2022, 1, 1), date(2025, 11, 30))
    p = person(rng, born_from=date(1945, 1, 1), born_to=issued - timedelta(days=16 * 365),
               post_2025=issued >= REFORM)
    agency = commune_agency(rng, p.residence, police=True)
    s = doc.sheet
    s.put(s.right - 150, "Mẫu CT07 ban hành kèm theo Thông tư số 66/2023/TT-BCA", size=8, italic=True)
    s.newline(0.8)
    national_header(doc, agency, so=f"{rng.randint(1, 2500)}/XN", place_date_on=issued)
    title(doc, [rng.choice(["XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"])])
    s.paragraph(f"{agency.name.capitalize()} xác nhận thông tin về cư trú như sau:", first=20)
    doc.person_block(p, ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh"))
    s.row([("Dân tộc:", p.ethnic), ("Tôn giáo:", rng.choice(["Không", "Phật giáo", "Công giáo"])),
           ("Quốc tịch:", "Việt Nam")])
    doc.person_block(p, ("que_quan", "noi_thuong_tru"))
    s.field(doc.numbered("Nơi tạm trú:"), rng.choice(["Không", "Không có"]))
    s.field(doc.numbered("Nơi ở hiện tại:"), p.residence.text())
    head = p if rng.random() < 0.5 else person(rng, born_from=p.birth - timedelta(days=50 * 365), born_to=p.birth)
    s.field(doc.numbered("Họ, chữ đệm và tên chủ hộ:"), doc.name(head.name))
    s.field("Quan hệ với chủ hộ:", "Chủ hộ" if head is p else rng.choice(["Con", "Vợ", "Chồng", "Cháu"]))
    s.paragraph("Giấy xác nhận có giá trị sử dụng 01 năm kể từ ngày cấp. Trường hợp thông tin về cư trú "
                "của công dân có thay đổi thì giấy xác nhận hết giá trị kể từ thời điểm thay đổi.",
                first=20, italic=True)
    doc.metadata.update(thoi_han_hieu_luc=iso(add_months(issued, 12)), ma_dinh_danh_chu_so_huu=p.id_number)
    signer(doc, agency.authority, person_name(rng, male=True), seal_text=agency.seal_text)


def ly_lich_tu_phap(doc: Doc, layout: str) -> None:
    """PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1 or SỐ 2, from a provincial Sở Tư pháp or the national centre."""
    rng = doc.rng
    issued = random_date(rng, date(2016, 1, 1), date(2025, 11, 30))
    p = person(rng, born_from=date(1950, 1, 1), born_to=issued - timedelta(days=18 * 365),
               post_2025=issued >= REFORM)
    if rng.random() < 0.75:
        agency = province_agency(rng, p.residence.province, "SỞ TƯ PHÁP", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"))
    else:
        agency = Agency("BỘ TƯ PHÁP", ("TRUNG TÂM LÝ LỊCH TƯ PHÁP QUỐC GIA",), "Hà Nội",
                        "TRUNG TÂM LÝ LỊCH TƯ PHÁP QUỐC GIA", ("GIÁM ĐỐC",))
    number = "SỐ 1" if layout == "so_1" else "SỐ 2"
    national_header(doc, agency, so=f"{rng.randint(100, 99999)}/{rng.choice(['LLTP', 'STP-LLTP'])}",
                    place_date_on=issued)
    title(doc, [f"PHIẾU LÝ LỊCH TƯ PHÁP {number}"])
    s = doc.sheet
    s.paragraph("Căn cứ Luật Lý lịch tư pháp ngày 17 tháng 6 năm 2009;", first=20, italic=True)
    s.paragraph(f"Xét đề nghị của ông/bà {doc.name(p.name)},", first=20, italic=True)
    s.put(s.left, "XÁC NHẬN:", bold=True)
    s.newline()
    doc.person_block(p, ("ho_ten", "gioi_tinh", "ngay_sinh"))
    s.field(doc.numbered("Nơi sinh:"), p.hometown.province[:1].upper() + p.hometown.province[1:])
    doc.person_block(p, ("quoc_tich", "noi_cu_tru", "so_dinh_danh"))
    status = "Không có án tích" if rng.random() < 0.85 else "Có án tích"
    if rng.random() < 0.4:
        s.put(s.left, "TÌNH TRẠNG ÁN TÍCH:", bold=True)
        s.newline()
        s.put(s.left + 20, status)
        s.newline()
    else:
        s.field("Tình trạng án tích:", status)
    doc.fields["tinh_trang_an_tich"] = status
    if status == "Có án tích":
        s.paragraph(f"Bản án số {rng.randint(10, 300)}/{rng.randint(2005, 2018)}/HS-ST, "
                    "đã chấp hành xong hình phạt.", first=20)
    s.paragraph("THÔNG TIN VỀ VIỆC CẤM ĐẢM NHIỆM CHỨC VỤ, THÀNH LẬP, QUẢN LÝ DOANH NGHIỆP, HỢP TÁC XÃ:",
                bold=True)
    s.paragraph("Không bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã.", first=20)
    doc.metadata["ma_dinh_danh_chu_so_huu"] = p.id_number
    signer(doc, agency.authority, person_name(rng, male=rng.random() < 0.6), seal_text=agency.seal_text)


_FORMS = (
    ("TỜ KHAI ĐĂNG KÝ KHAI SINH", "Ủy ban nhân dân"),
    ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "Công an"),
    ("TỜ KHAI ĐĂNG KÝ KẾT HÔN", "Ủy ban nhân dân"),
    ("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", "Sở Tư pháp"),
    ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "Ủy ban nhân dân"),
    ("ĐƠN ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", "Ủy ban nhân dân"),
    ("TỜ KHAI CĂN CƯỚC", "Công an"),
)


def to_khai(doc: Doc, layout: str) -> None:
    """A citizen's application form (tờ khai / đơn đề nghị); ``two_pages`` adds a members table."""
    rng = doc.rng
    signed = random_date(rng, date(2018, 1, 1), date(2025, 11, 30))
    p = person(rng, born_from=date(1950, 1, 1), born_to=signed - timedelta(days=18 * 365),
               post_2025=signed >= REFORM)
    form, addressee = rng.choice(_FORMS)
    s = doc.sheet
    s.center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=min(doc.style.size, 13))
    s.center("Độc lập - Tự do - Hạnh phúc", bold=True, underline=1.0)
    title(doc, [form])
    where = p.residence.ward if addressee != "Sở Tư pháp" else p.residence.province
    s.field("Kính gửi:", f"{addressee} {where}")
    label = doc.rng.choice(["Họ, chữ đệm, tên người yêu cầu:", "Họ và tên người khai:", "Họ, chữ đệm và tên:"])
    s.field(doc.numbered(label), doc.name(p.name), bold_value=True)
    doc.fields["ho_ten"] = p.name
    doc.person_block(p, ("ngay_sinh", "so_dinh_danh", "noi_cu_tru"))
    printed, digits = phone(rng)
    s.field(doc.label("so_dien_thoai"), printed)
    doc.fields["so_dien_thoai"] = digits
    s.field(doc.numbered("Email (nếu có):"), rng.choice(["", f"{p.name.split()[-1].lower()}{rng.randint(1, 99)}"
                                                            "@gmail.com"]) or "Không")
    s.paragraph(f"Đề nghị cơ quan có thẩm quyền giải quyết theo nội dung: {form.lower().split(' ', 2)[-1]}.",
                first=20)
    if layout == "two_pages":
        _members(doc, p.residence.text())
    s.paragraph("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp "
                "luật về cam đoan của mình.", first=20)
    line = place_date(f"Làm tại {p.residence.province_name}", signed)
    s.put(s.right - 250, line, italic=True)
    s.newline()
    doc.metadata["ten_giay_to"] = form
    doc.metadata["ma_dinh_danh_chu_so_huu"] = p.id_number
    signer(doc, ("NGƯỜI YÊU CẦU",), p.name, seal_text=None, note="(Ký, ghi rõ họ, chữ đệm, tên)")


def _members(doc: Doc, residence: str) -> None:
    """A table of household members, which pushes the form onto a second page."""
    s, rng = doc.sheet, doc.rng
    s.new_page()
    s.put(s.left, "NHỮNG THÀNH VIÊN TRONG HỘ GIA ĐÌNH CÙNG THAY ĐỔI:", bold=True)
    s.newline(1.4)
    cols = [s.left, s.left + 25, s.left + 190, s.left + 270, s.left + 320]
    heads = ["TT", "Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân"]
    for x, h in zip(cols, heads, strict=True):
        s.put(x, h, bold=True, size=doc.style.size - 1)
    s.newline()
    for i in range(rng.randint(2, 5)):
        m = person(rng)
        for x, v in zip(cols, [str(i + 1), m.name, m.birth.strftime("%d/%m/%Y"), m.sex, m.id_number],
                        strict=True):
            s.put(x, v, size=doc.style.size - 1)
        s.add(LineOp(s.left, s.y + 4, s.right, s.y + 4, 0.4))
        s.newline()
    s.paragraph(f"Địa chỉ nơi cư trú mới: {residence}")
    s.newline()
