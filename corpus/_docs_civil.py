"""Civil-status papers (hộ tịch): birth, marriage and death registration, marital status."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from corpus._common import Doc, commune_agency, national_header, signer, title
from corpus._fonts import text_width
from corpus._people import Person, address, person, person_name, random_date
from corpus._vn import add_months, date_in_words, iso

REFORM = date(2025, 7, 1)  # no district level, 34 provinces from here on


def _issued(doc: Doc, start: date = date(2012, 1, 1), end: date = date(2025, 11, 30)) -> date:
    return random_date(doc.rng, start, end)


def _id_paper(doc: Doc, p: Person, field: str) -> str:
    """A "Giấy tờ tùy thân" value; records ``field`` unless the paper is an old CMND."""
    kind = doc.rng.choices(["CCCD số", "Căn cước công dân số", "Số định danh cá nhân:", "CMND số"],
                           weights=[4, 2, 2, 1])[0]
    if kind == "CMND số":
        return f"{kind} {p.cmnd}"
    doc.fields[field] = p.id_number
    return f"{kind} {p.id_number}"


def khai_sinh(doc: Doc, layout: str) -> None:
    """GIẤY KHAI SINH (Circular 04/2020 form; ``old`` layout: before personal numbers)."""
    rng = doc.rng
    registered = _issued(doc, date(2008, 1, 1))
    child = person(rng, born_from=registered - timedelta(days=300), born_to=registered - timedelta(days=2))
    father = person(rng, male=True, born_from=child.birth - timedelta(days=45 * 365),
                    born_to=child.birth - timedelta(days=20 * 365))
    mother = person(rng, male=False, born_from=child.birth - timedelta(days=42 * 365),
                    born_to=child.birth - timedelta(days=18 * 365))
    child = dataclasses.replace(child, name=" ".join([father.name.split()[0], *child.name.split()[1:]]))
    where = address(rng, province=child.birth_province, post_2025=registered >= REFORM)
    agency = commune_agency(rng, where)
    national_header(doc, agency, so=f"{rng.randint(1, 480)}/{registered.year}", place_date_on=None)
    title(doc, ["GIẤY KHAI SINH"])
    if layout == "ban_sao":
        doc.sheet.center("(Bản sao)", italic=True)
    doc.person_block(child, ("ho_ten", "ngay_sinh"))
    doc.sheet.field("Ghi bằng chữ:", date_in_words(child.birth))
    doc.person_block(child, ("gioi_tinh", "dan_toc", "quoc_tich"))
    hospital = rng.choice([f"Bệnh viện Đa khoa {where.province}", f"Trạm Y tế {where.ward}",
                           f"Bệnh viện Phụ sản {where.province_name}"])
    birthplace = f"{hospital[:1].upper()}{hospital[1:]}"
    doc.sheet.field(doc.label("noi_sinh"), birthplace)
    doc.fields["noi_sinh"] = birthplace
    doc.person_block(child, ("que_quan",))
    if layout != "old":
        doc.person_block(child, ("so_dinh_danh",))
    for who, parent, key in (("mẹ", mother, "ho_ten_me"), ("cha", father, "ho_ten_cha")):
        label = rng.choice([f"Họ, chữ đệm, tên người {who}:", f"Họ và tên {who}:", f"Họ tên người {who}:"])
        doc.sheet.field(doc.numbered(label), doc.name(parent.name), bold_value=True)
        doc.fields[key] = parent.name
        doc.sheet.row([("Năm sinh:", str(parent.birth.year)), ("Dân tộc:", parent.ethnic),
                       ("Quốc tịch:", "Việt Nam")])
        doc.sheet.field("Nơi cư trú:", parent.residence.text())
    declarant = rng.choice([father, mother])
    doc.sheet.field("Người đi khai sinh:", doc.name(declarant.name))
    doc.sheet.field("Nơi đăng ký khai sinh:", agency.name.title().replace("Ủy Ban Nhân Dân", "Ủy ban nhân dân"))
    doc.sheet.field("Ngày, tháng, năm đăng ký:", doc.date(registered))
    doc.fields["ngay_dang_ky"] = iso(registered)
    doc.metadata["ngay_cap"] = iso(registered)
    if layout != "old":
        doc.metadata["ma_dinh_danh_chu_so_huu"] = child.id_number
    signer(doc, ("NGƯỜI KÝ GIẤY KHAI SINH",), person_name(rng, male=rng.random() < 0.5),
           seal_text=agency.seal_text, note="(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)")


def ket_hon(doc: Doc, layout: str) -> None:
    """GIẤY CHỨNG NHẬN KẾT HÔN: spouses side by side (``two_columns``) or one after the other."""
    rng = doc.rng
    registered = _issued(doc)
    husband = person(rng, male=True, born_from=registered - timedelta(days=60 * 365),
                     born_to=registered - timedelta(days=21 * 365), post_2025=registered >= REFORM)
    wife = person(rng, male=False, born_from=registered - timedelta(days=55 * 365),
                  born_to=registered - timedelta(days=19 * 365), post_2025=registered >= REFORM)
    agency = commune_agency(rng, wife.residence if rng.random() < 0.5 else husband.residence)
    national_header(doc, agency, so=f"{rng.randint(1, 300)}", place_date_on=None)
    title(doc, ["GIẤY CHỨNG NHẬN KẾT HÔN"])
    s = doc.sheet
    papers = [_id_paper(doc, husband, "so_dinh_danh_chong"), _id_paper(doc, wife, "so_dinh_danh_vo")]
    rows = [
        (doc.label("ho_ten"), [doc.name(husband.name), doc.name(wife.name)]),
        (doc.label("ngay_sinh"), [doc.date(husband.birth), doc.date(wife.birth)]),
        ("Dân tộc:", [husband.ethnic, wife.ethnic]),
        ("Quốc tịch:", ["Việt Nam", "Việt Nam"]),
        ("Nơi cư trú:", [husband.residence.text(), wife.residence.text()]),
        ("Giấy tờ tùy thân:", papers),
    ]
    if layout == "two_columns":
        label_w = max(text_width(s.font(), label, doc.style.size) for label, _ in rows) + 8
        col_w = (s.right - s.left - label_w) / 2
        xs = [s.left + label_w, s.left + label_w + col_w]
        s.columns("", ["Thông tin người chồng", "Thông tin người vợ"], xs, col_w, bold=True)
        for label, values in rows:
            s.columns(label, values, xs, col_w - 10, bold=label == rows[0][0])
    else:
        for side, i in (("Bên chồng", 0), ("Bên vợ", 1)):
            s.put(s.left, side, bold=True)
            s.newline()
            for label, values in rows:
                s.field(label, values[i], bold_value=label == rows[0][0])
    doc.fields.update(ho_ten_chong=husband.name, ngay_sinh_chong=iso(husband.birth),
                      ho_ten_vo=wife.name, ngay_sinh_vo=iso(wife.birth), ngay_dang_ky=iso(registered))
    s.field("Nơi đăng ký kết hôn:", agency.name)
    s.field("Ngày, tháng, năm đăng ký:", doc.date(registered))
    doc.metadata["ngay_cap"] = iso(registered)
    s.row([("Chồng", ""), ("Vợ", "")])
    s.newline(1.5)
    signer(doc, agency.authority, person_name(rng, male=rng.random() < 0.6), seal_text=agency.seal_text)


_STATUSES = ("Chưa đăng ký kết hôn với ai", "Hiện tại chưa đăng ký kết hôn với ai",
             "Đã đăng ký kết hôn, nhưng đã ly hôn", "Có đăng ký kết hôn, vợ/chồng đã chết",
             "Đang có vợ", "Đang có chồng")


def tinh_trang_hon_nhan(doc: Doc, layout: str) -> None:
    """GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN, valid 6 months from issue for a stated purpose."""
    rng = doc.rng
    issued = _issued(doc, date(2016, 1, 1))
    p = person(rng, born_from=issued - timedelta(days=70 * 365), born_to=issued - timedelta(days=19 * 365),
               post_2025=issued >= REFORM)
    agency = commune_agency(rng, p.residence)
    national_header(doc, agency, so=f"{rng.randint(1, 900)}/{rng.choice(['UBND-XNTTHN', 'XNTTHN'])}",
                    place_date_on=issued)
    title(doc, ["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"])
    doc.sheet.paragraph(f"Xét đề nghị của ông/bà {doc.name(p.name)} về việc xác nhận tình trạng hôn nhân,",
                        first=20)
    doc.sheet.put(doc.sheet.left, "XÁC NHẬN:", bold=True)
    doc.sheet.newline()
    doc.person_block(p, ("ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "quoc_tich", "so_dinh_danh",
                         "noi_cu_tru"))
    since = random_date(rng, p.birth + timedelta(days=18 * 365), issued - timedelta(days=200))
    doc.sheet.paragraph(f"Trong thời gian cư trú tại {p.residence.ward} từ ngày {since:%d/%m/%Y} "
                        f"đến ngày {issued:%d/%m/%Y}")
    status = rng.choice((*_STATUSES[:4], _STATUSES[4] if p.male else _STATUSES[5]))
    doc.sheet.field(doc.numbered("Tình trạng hôn nhân:"), status)
    doc.fields["tinh_trang_hon_nhan"] = status
    purpose = rng.choice(["đăng ký kết hôn", "bổ sung hồ sơ vay vốn ngân hàng", "làm thủ tục mua bán nhà đất",
                          "bổ sung hồ sơ xin việc"])
    doc.sheet.paragraph(f"Giấy này có giá trị 6 tháng kể từ ngày cấp, được sử dụng để: {purpose}.", first=20)
    doc.metadata.update(thoi_han_hieu_luc=iso(add_months(issued, 6)), pham_vi_hieu_luc=purpose,
                        ma_dinh_danh_chu_so_huu=p.id_number)
    signer(doc, agency.authority, person_name(rng, male=rng.random() < 0.6), seal_text=agency.seal_text)


def khai_tu(doc: Doc, layout: str) -> None:
    """TRÍCH LỤC KHAI TỬ (or the older GIẤY CHỨNG TỬ)."""
    rng = doc.rng
    registered = _issued(doc, date(2015, 1, 1))
    died = random_date(rng, registered - timedelta(days=14), registered - timedelta(days=1))
    p = person(rng, born_from=date(1925, 1, 1), born_to=died - timedelta(days=20 * 365))
    agency = commune_agency(rng, p.residence)
    code = rng.choice(["TLKT-BS", "TLKT", "KT"])
    national_header(doc, agency, so=f"{rng.randint(1, 200)}/{code}", place_date_on=registered)
    title(doc, ["TRÍCH LỤC KHAI TỬ" if layout == "trich_luc" else "GIẤY CHỨNG TỬ"])
    doc.person_block(p, ("ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "quoc_tich", "so_dinh_danh"))
    doc.sheet.field("Nơi cư trú cuối cùng:", p.residence.text())
    hour = f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút"
    doc.sheet.field(doc.numbered("Đã chết vào lúc:"), f"{hour}, ngày {died:%d/%m/%Y}")
    place = rng.choice([p.residence.text(), f"Bệnh viện Đa khoa {p.residence.province}",
                        f"Trạm Y tế {p.residence.ward}"])
    place = place[:1].upper() + place[1:]
    doc.sheet.field(doc.numbered("Nơi chết:"), place)
    doc.sheet.field("Nguyên nhân chết:", rng.choice(["Bệnh", "Già yếu", "Tai nạn giao thông", "Đột quỵ"]))
    doc.fields.update(ngay_chet=iso(died), noi_chet=place)
    doc.sheet.field("Ngày, tháng, năm đăng ký:", doc.date(registered))
    doc.metadata["ma_dinh_danh_chu_so_huu"] = p.id_number
    signer(doc, agency.authority, person_name(rng, male=rng.random() < 0.6), seal_text=agency.seal_text)
