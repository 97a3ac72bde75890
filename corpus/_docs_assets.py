"""Land-use certificates, household-business registrations and diplomas."""

from __future__ import annotations

import random
from datetime import date, timedelta

from corpus import _marks
from corpus._common import QUOC_HIEU, RED, TIEU_NGU, Agency, Doc, national_header, signer, title
from corpus._docs_civil import REFORM
from corpus._layout import MM, Sheet
from corpus._people import address, person, person_name, phone, random_date, short_name
from corpus._types import ImageOp, LineOp, RectOp
from corpus._vn import area, area_words, iso, money, money_words, place_date, upper

_LAND_USE = ("Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng lúa", "Đất trồng cây lâu năm",
             "Đất trồng cây hằng năm khác", "Đất nuôi trồng thủy sản")
_ORIGIN = ("Nhà nước công nhận quyền sử dụng đất", "Nhận chuyển nhượng đất được công nhận QSDĐ",
           "Được Nhà nước giao đất có thu tiền sử dụng đất", "Nhận thừa kế quyền sử dụng đất")


def _plot_sketch(s: Sheet, rng: random.Random, top: float) -> None:
    """A land-plot sketch: a quadrilateral with its edge lengths."""
    cx, cy, r = (s.left + s.right) / 2, top + 60, 50
    pts = [(cx + dx * r * rng.uniform(0.7, 1.2), cy + dy * r * rng.uniform(0.6, 1.0))
           for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
        s.add(LineOp(x0, y0, x1, y1, 1.0))
    s.y = cy + 4
    s.center(str(rng.randint(100, 999)), cx=cx, bold=True)
    s.y = top + 130


def qsdd(doc: Doc, layout: str) -> None:
    """GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT … on two pages (the 2014 or the 2024 form)."""
    rng, s = doc.rng, doc.sheet
    new_form = layout == "gcn_2024"
    issued = random_date(rng, date(2024, 8, 1) if new_form else date(2010, 1, 1),
                         date(2025, 11, 30) if new_form else date(2024, 7, 31))
    owner = person(rng, born_from=date(1945, 1, 1), born_to=issued - timedelta(days=20 * 365),
                   post_2025=issued >= REFORM)
    plot = address(rng, province=owner.residence.province_name, post_2025=issued >= REFORM)
    plot = type(plot)(None, plot.hamlet or "Thôn Đông", plot.ward, plot.district, plot.province)
    if new_form:
        s.image(ImageOp(s.left, s.y - 12, 22 * MM, 22 * MM, _marks.qr_image(f"GCN|{rng.randrange(10**10)}")))
        s.image(ImageOp((s.left + s.right) / 2 - 14 * MM, s.y - 12, 28 * MM, 28 * MM, _marks.emblem()))
        s.y += 28 * MM
    s.center(QUOC_HIEU, bold=True, color=RED if not new_form else (0, 0, 0))
    s.center(TIEU_NGU, bold=True, underline=1.0)
    second = "QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT" if new_form else \
        "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"
    title(doc, ["GIẤY CHỨNG NHẬN", f"QUYỀN SỬ DỤNG ĐẤT, {second}"], color=RED, size=doc.style.size + 3)
    head = "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:" if new_form else \
        "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất"
    s.paragraph(head, bold=True)
    label = rng.choice(["Ông:" if owner.male else "Bà:", "Ông/Bà:", "Họ và tên:"])
    s.row([(label, doc.name(owner.name)), ("Năm sinh:", str(owner.birth.year))], bold_values=True,
          starts=[0.0, 0.68])
    doc.fields["ho_ten"] = owner.name
    if rng.random() < 0.8 or new_form:
        s.field(rng.choice(["CCCD số:", "Số định danh cá nhân:", "Căn cước công dân số:"]), owner.id_number)
        doc.fields["so_dinh_danh"] = owner.id_number
        doc.metadata["ma_dinh_danh_chu_so_huu"] = owner.id_number
    else:
        s.field("CMND số:", owner.cmnd)
    s.field("Địa chỉ thường trú:", owner.residence.text())
    serial = f"{rng.choice(['CS', 'CT', 'BV', 'CH', 'DA', 'AA', 'AB'])} {rng.randrange(10**6):06d}"
    place = upper(plot.district) if plot.district else upper(plot.province)
    issuer = f"ỦY BAN NHÂN DÂN {place}" if not new_form else f"SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG {upper(plot.province)}"
    if new_form:
        _plot(doc, plot.text(rng.choice(["full", "capitalized"])), new_form)
        _qsdd_signer(doc, issuer, short_name(plot.district or plot.province), issued, serial)
        s.new_page()
        _sketch_and_changes(doc, new_form)
    else:
        s.y = max(s.y, s.height * 0.8)
        s.center(serial, bold=True, color=RED, size=doc.style.size + 2)
        doc.metadata["so_ky_hieu"] = serial
        s.new_page()
        _plot(doc, plot.text(rng.choice(["full", "capitalized"])), new_form)
        _sketch_and_changes(doc, new_form)
        _qsdd_signer(doc, issuer, short_name(plot.district or plot.province), issued, None)
    s.field("Số vào sổ cấp GCN:", f"{rng.choice(['CH', 'CS', 'VP'])}{rng.randrange(10**5):05d}")


def _qsdd_signer(doc: Doc, issuer: str, place: str, issued: date, serial: str | None) -> None:
    s, rng = doc.sheet, doc.rng
    authority = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") if issuer.startswith("SỞ") else \
        ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    s.put(s.right - 260, place_date(place, issued), italic=True)
    doc.metadata.update(ngay_cap=iso(issued), co_quan_cap=issuer)
    s.newline()
    s.center(issuer, cx=s.left + (s.right - s.left) * 0.7, bold=True, size=doc.style.size - 1)
    signer(doc, authority, person_name(rng, male=rng.random() < 0.7), seal_text=issuer)
    if serial:
        s.center(serial, bold=True, color=RED)
        doc.metadata["so_ky_hieu"] = serial


def _sketch_and_changes(doc: Doc, new_form: bool) -> None:
    s = doc.sheet
    s.paragraph("4. Sơ đồ thửa đất:" if new_form else "III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất",
                bold=True)
    _plot_sketch(s, doc.rng, s.y)
    if new_form:
        _changes(doc)


def _plot(doc: Doc, where: str, new_form: bool) -> None:
    rng, s = doc.rng, doc.sheet
    s.paragraph("2. Thông tin thửa đất:" if new_form else
                "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True)
    if not new_form:
        s.paragraph("1. Thửa đất:", bold=True)
    parcel, sheet_no = str(rng.randint(1, 1500)), str(rng.randint(1, 90))
    s.row([("a) Thửa đất số:", parcel), ("Tờ bản đồ số:", sheet_no)])
    s.field("b) Địa chỉ:", where)
    tenths = rng.randint(300, 20000) if rng.random() < 0.8 else rng.randint(20000, 120000)
    printed, value = area(tenths)
    s.field("c) Diện tích:", f"{printed} (Bằng chữ: {area_words(tenths)})")
    s.field("d) Hình thức sử dụng:", rng.choice(["Sử dụng riêng", "Sử dụng chung"]))
    use = rng.choice(_LAND_USE)
    s.field("đ) Mục đích sử dụng:", use)
    term = "Lâu dài" if use.startswith("Đất ở") else f"Đến ngày 01/7/{rng.choice([2043, 2064, 2074])}"
    s.field("e) Thời hạn sử dụng:", term)
    s.field("g) Nguồn gốc sử dụng:", rng.choice(_ORIGIN))
    doc.fields.update(thua_dat_so=parcel, to_ban_do_so=sheet_no, dia_chi_thua_dat=where, dien_tich=value,
                      muc_dich_su_dung=use)
    s.paragraph("3. Thông tin tài sản gắn liền với đất: -" if new_form else "2. Nhà ở: -", bold=not new_form)


def _changes(doc: Doc) -> None:
    s = doc.sheet
    s.paragraph("5. Ghi chú: -", bold=True)
    s.paragraph("6. Những thay đổi sau khi cấp Giấy chứng nhận:", bold=True)
    top = s.y - s.style.size
    s.row([("Nội dung thay đổi và cơ sở pháp lý", ""), ("Xác nhận của cơ quan có thẩm quyền", "")],
          starts=[0.05, 0.6])
    s.add(RectOp(s.left, top, s.right - s.left, 200, stroke=(0, 0, 0)))
    s.add(LineOp((s.left + s.right) / 2 + 20, top, (s.left + s.right) / 2 + 20, top + 200))
    s.y = top + 225


_SHOPS = ("CỬA HÀNG TẠP HÓA", "QUÁN CƠM BÌNH DÂN", "TIỆM TÓC", "CỬA HÀNG VẬT LIỆU XÂY DỰNG", "TIỆM BÁNH",
          "CỬA HÀNG ĐIỆN THOẠI", "XƯỞNG MỘC", "QUÁN CÀ PHÊ", "TIỆM SỬA XE")
_TRADES = ("Bán lẻ lương thực, thực phẩm, đồ uống trong các cửa hàng chuyên doanh",
           "Dịch vụ ăn uống phục vụ lưu động và cố định", "Cắt tóc, làm đầu, gội đầu",
           "Bán lẻ đồ ngũ kim, sơn, kính và thiết bị lắp đặt khác trong xây dựng",
           "Sản xuất bánh, mứt, kẹo", "Bảo dưỡng, sửa chữa mô tô, xe máy", "Sản xuất đồ gỗ xây dựng")


def ho_kinh_doanh(doc: Doc, layout: str) -> None:
    """GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH (Decree 01/2021, Appendix VI-1)."""
    rng, s = doc.rng, doc.sheet
    first = random_date(rng, date(2012, 1, 1), date(2025, 11, 30))
    change = random_date(rng, first + timedelta(days=30), first + timedelta(days=900)) \
        if rng.random() < 0.4 and first < date(2025, 6, 1) else None
    issued = change or first
    owner = person(rng, born_from=date(1955, 1, 1), born_to=first - timedelta(days=20 * 365),
                   post_2025=issued >= REFORM)
    shop = owner.residence
    if issued >= REFORM or shop.district is None:
        agency = Agency(f"UBND {upper(shop.ward)}", ("PHÒNG KINH TẾ",), short_name(shop.ward),
                        f"PHÒNG KINH TẾ {upper(shop.ward)}", ("TRƯỞNG PHÒNG",))
    else:
        dist = upper(shop.district)
        agency = Agency(f"UBND {dist}", ("PHÒNG TÀI CHÍNH - KẾ HOẠCH",), short_name(shop.district),
                        f"PHÒNG TÀI CHÍNH KẾ HOẠCH {dist}", ("TRƯỞNG PHÒNG",))
    national_header(doc, agency, so=None, place_date_on=None)
    title(doc, ["GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH"])
    code = f"{rng.randint(1, 96):02d}{rng.choice('ABCDEFGHKLMN')}{rng.choice('89')}{rng.randrange(10**6):06d}"
    s.center(f"Mã số hộ kinh doanh: {code}", bold=True)
    s.center(f"Đăng ký lần đầu: ngày {first:%d} tháng {first:%m} năm {first.year}", italic=True)
    if change:
        s.center(f"Đăng ký thay đổi lần thứ: 1, ngày {change:%d} tháng {change:%m} năm {change.year}", italic=True)
    name = f"{rng.choice(_SHOPS)} {upper(' '.join(owner.name.split()[-2:]))}"
    s.field("1. Tên hộ kinh doanh:", name, bold_value=True)
    s.field("2. Địa điểm kinh doanh:", shop.text())
    printed_phone, _ = phone(rng)
    s.row([("Điện thoại:", printed_phone), ("Fax:", "")])
    trade = rng.choice(_TRADES)
    s.field("3. Ngành, nghề kinh doanh:", trade, next_line=rng.random() < 0.5)
    capital = rng.randint(4, 400) * 5_000_000
    s.field("4. Vốn kinh doanh:", money(capital))
    s.field("Bằng chữ:", money_words(capital))
    s.paragraph("5. Thông tin về chủ hộ kinh doanh:", bold=True)
    doc.person_block(owner, ("ho_ten", "ngay_sinh"))
    s.field("Loại giấy tờ pháp lý của cá nhân:", "Căn cước công dân")
    s.field(rng.choice(["Số giấy tờ pháp lý của cá nhân:", "Số định danh cá nhân:"]), owner.id_number)
    s.field("Địa chỉ thường trú:", owner.residence.text())
    doc.fields.update(ten_ho_kinh_doanh=name, ma_so_ho_kinh_doanh=code, dia_diem_kinh_doanh=shop.text(),
                      nganh_nghe=trade, von_kinh_doanh=str(capital), so_dinh_danh=owner.id_number)
    doc.metadata.update(so_ky_hieu=code, ngay_cap=iso(issued), ma_dinh_danh_chu_so_huu=owner.id_number)
    signer(doc, agency.authority, person_name(rng, male=rng.random() < 0.6), seal_text=agency.seal_text)


_UNIVERSITIES = ("TRƯỜNG ĐẠI HỌC SƯ PHẠM HÀ NỘI", "TRƯỜNG ĐẠI HỌC KINH TẾ QUỐC DÂN", "TRƯỜNG ĐẠI HỌC CẦN THƠ",
                 "TRƯỜNG ĐẠI HỌC VINH", "TRƯỜNG ĐẠI HỌC ĐÀ LẠT", "TRƯỜNG ĐẠI HỌC LUẬT HÀ NỘI",
                 "TRƯỜNG ĐẠI HỌC NÔNG LÂM THÀNH PHỐ HỒ CHÍ MINH")


def bang_tot_nghiep(doc: Doc, layout: str) -> None:
    """BẰNG TỐT NGHIỆP … (upper secondary from a Sở GD&ĐT, or a university degree)."""
    rng, s = doc.rng, doc.sheet
    year = rng.randint(2000, 2025)
    p = person(rng, born_from=date(year - 24, 1, 1), born_to=date(year - 18, 12, 31))
    s.add(RectOp(18, 18, s.width - 36, s.height - 36, stroke=(150, 30, 40), width=3))
    s.add(RectOp(26, 26, s.width - 52, s.height - 52, stroke=(190, 150, 60), width=1.2))
    s.center(QUOC_HIEU, bold=True)
    s.center(TIEU_NGU, bold=True, underline=1.0)
    if layout == "thpt":
        province = p.hometown.province_name
        issuer = f"SỞ GIÁO DỤC VÀ ĐÀO TẠO {upper(p.hometown.province)}"
        s.center(f"GIÁM ĐỐC {issuer}", bold=True)
        kind = rng.choice(["TRUNG HỌC PHỔ THÔNG", "TRUNG HỌC CƠ SỞ"])
    else:
        issuer = rng.choice(_UNIVERSITIES)
        province = "Hà Nội" if "HÀ NỘI" in issuer else p.hometown.province_name
        s.center(f"HIỆU TRƯỞNG {issuer}", bold=True)
        kind = rng.choice(["ĐẠI HỌC", "CAO ĐẲNG"])
    s.center("cấp", italic=True)
    title(doc, [f"BẰNG TỐT NGHIỆP {kind}"], color=RED, size=doc.style.size + 6)
    s.field(rng.choice(["Cho:", "Họ và tên:", "Ông/Bà:"]), doc.name(p.name), bold_value=True)
    s.row([(doc.label("ngay_sinh"), p.birth.strftime("%d/%m/%Y")), ("Giới tính:", p.sex)], starts=[0.0, 0.6])
    birthplace = p.hometown.province_name
    s.field(doc.label("noi_sinh"), birthplace)
    s.field("Năm tốt nghiệp:", str(year))
    s.field("Xếp loại tốt nghiệp:", rng.choice(["Trung bình", "Khá", "Giỏi", "Xuất sắc"]))
    if layout != "thpt":
        s.field("Hình thức đào tạo:", rng.choice(["Chính quy", "Vừa làm vừa học"]))
    issued = date(year, rng.randint(6, 12), rng.randint(1, 28))
    s.newline()
    s.put(s.right - 240, place_date(province, issued), italic=True)
    s.newline()
    so_hieu = f"{rng.choice('ABCDQ')}{rng.randrange(10**7):07d}"
    s.put(s.left + 10, f"Số hiệu: {so_hieu}")
    s.newline()
    s.put(s.left + 10, f"Số vào sổ cấp bằng: {rng.randint(1, 9999)}/{year}")
    signer(doc, ("GIÁM ĐỐC" if layout == "thpt" else "HIỆU TRƯỞNG",), person_name(rng, male=True),
           seal_text=issuer)
    doc.fields.update(ho_ten=p.name, ngay_sinh=iso(p.birth), noi_sinh=birthplace, nam_tot_nghiep=str(year),
                      so_hieu=so_hieu)
    doc.metadata.update(ngay_cap=iso(issued), co_quan_cap=issuer, so_ky_hieu=so_hieu)
