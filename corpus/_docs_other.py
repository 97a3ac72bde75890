"""``khac``: papers that are none of the known types, so a classifier learns "not one of ours".

Công văn, quyết định, thông báo, giấy mời, biên bản, hợp đồng, hóa đơn, đơn khiếu
nại, giấy ủy quyền — with the same headers, names and ID numbers the known types
carry, so that only the document itself tells them apart.
"""

from __future__ import annotations

from datetime import date, timedelta

from corpus._common import Doc, commune_agency, national_header, province_agency, signer, title
from corpus._people import data, person, person_name, random_date
from corpus._vn import group_thousands, iso, money, place_date

KHAC_LAYOUTS: tuple[str, ...] = ("cong_van", "quyet_dinh", "thong_bao", "giay_moi", "bien_ban", "hop_dong",
                                 "hoa_don", "don_khieu_nai", "giay_uy_quyen")

_SYMBOL = {"cong_van": "UBND-VP", "quyet_dinh": "QĐ-UBND", "thong_bao": "TB-UBND", "giay_moi": "GM-UBND",
           "bien_ban": "BB-UBND"}


def _sentences(doc: Doc, pool: str, n: int, **slots: str) -> list[str]:
    texts = data("texts")
    chosen = doc.rng.sample(texts[pool], k=min(n, len(texts[pool])))
    return [t.format(**slots) for t in chosen]


def khac(doc: Doc, layout: str) -> None:
    """One of :data:`KHAC_LAYOUTS`."""
    if layout in _SYMBOL:
        _official(doc, layout)
    elif layout == "hoa_don":
        _invoice(doc)
    else:
        _private(doc, layout)


def _official(doc: Doc, layout: str) -> None:
    rng, s = doc.rng, doc.sheet
    issued = random_date(rng, date(2015, 1, 1), date(2025, 11, 30))
    where = person(rng).residence
    agency = commune_agency(rng, where) if rng.random() < 0.6 else province_agency(
        rng, where.province, rng.choice(["SỞ NỘI VỤ", "SỞ TÀI CHÍNH", "SỞ Y TẾ", "VĂN PHÒNG UBND TỈNH"]),
        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"))
    subject = rng.choice(data("texts")["subjects"]).format(year=issued.year)
    national_header(doc, agency, so=f"{rng.randint(1, 999):02d}/{_SYMBOL[layout]}", place_date_on=issued)
    if layout == "cong_van":
        s.y -= s.line_height * 0.6
        s.paragraph(f"V/v {subject}", size=doc.style.size - 1, x1=s.left + 200)
        doc.metadata.update(trich_yeu=f"V/v {subject}", ten_giay_to="CÔNG VĂN")
        s.newline(0.5)
        s.center(f"Kính gửi: {rng.choice(['Các phòng, ban chuyên môn', 'Ủy ban nhân dân các xã, phường'])}")
    else:
        kind = {"quyet_dinh": "QUYẾT ĐỊNH", "thong_bao": "THÔNG BÁO", "giay_moi": "GIẤY MỜI",
                "bien_ban": "BIÊN BẢN"}[layout]
        title(doc, [kind])
        s.center(f"Về việc {subject}", bold=True)
        doc.metadata["trich_yeu"] = f"Về việc {subject}"
    day = (issued + timedelta(days=rng.randint(5, 40))).strftime("%d/%m/%Y")
    if layout == "quyet_dinh":
        s.paragraph("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", first=20, italic=True)
        s.center("QUYẾT ĐỊNH:", bold=True)
    for i, text in enumerate(_sentences(doc, "sentences", rng.randint(3, 6), subject=subject,
                                        agency=agency.name.capitalize(), day=day)):
        prefix = f"Điều {i + 1}. " if layout == "quyet_dinh" else ""
        s.paragraph(prefix + text, first=20)
    if layout == "giay_moi":
        s.paragraph(f"Thời gian: 08 giờ 00 phút, ngày {day}. Địa điểm: Hội trường {agency.name.capitalize()}.",
                    first=20)
    signer(doc, agency.authority, person_name(rng, male=rng.random() < 0.7), seal_text=agency.seal_text,
           left_lines=("Nơi nhận:", "- Như trên;", "- Lưu: VT, VP."))


def _private(doc: Doc, layout: str) -> None:
    rng, s = doc.rng, doc.sheet
    signed = random_date(rng, date(2015, 1, 1), date(2025, 11, 30))
    a, b = person(rng, born_to=date(1995, 1, 1)), person(rng, born_to=date(1998, 1, 1))
    s.center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=min(doc.style.size, 13))
    s.center("Độc lập - Tự do - Hạnh phúc", bold=True, underline=1.0)
    s.newline(0.5)
    kind = {"hop_dong": "HỢP ĐỒNG MUA BÁN TÀI SẢN", "don_khieu_nai": "ĐƠN KHIẾU NẠI",
            "giay_uy_quyen": "GIẤY ỦY QUYỀN"}[layout]
    title(doc, [kind])
    if layout == "don_khieu_nai":
        s.field("Kính gửi:", f"Chủ tịch Ủy ban nhân dân {a.residence.ward}")
    parties = (("BÊN A (Bên bán):", a), ("BÊN B (Bên mua):", b)) if layout == "hop_dong" else \
        (("Người khiếu nại:", a),) if layout == "don_khieu_nai" else (("BÊN ỦY QUYỀN:", a), ("BÊN ĐƯỢC ỦY QUYỀN:", b))
    for head, p in parties:
        s.put(s.left, head, bold=True)
        s.newline()
        s.field("Ông/Bà:" if rng.random() < 0.5 else "Họ và tên:", doc.name(p.name), bold_value=True)
        s.row([("Sinh năm:", str(p.birth.year)), ("CCCD số:", p.id_number)], starts=[0.0, 0.45])
        s.field("Địa chỉ:", p.residence.text())
    price = money(rng.randint(10, 3000) * 1_000_000)
    pool = {"hop_dong": "contract_terms", "don_khieu_nai": "complaints"}.get(layout, "complaints")
    count = 5 if layout == "hop_dong" else 3
    for text in _sentences(doc, pool, count, money=price, day=(signed - timedelta(days=40)).strftime("%d/%m/%Y")):
        s.paragraph(text, first=20)
    s.put(s.right - 250, place_date(a.residence.province_name, signed), italic=True)
    s.newline()
    doc.metadata["ten_giay_to"] = kind
    who = ("BÊN A",) if layout != "don_khieu_nai" else ("NGƯỜI KHIẾU NẠI",)
    signer(doc, who, a.name, seal_text=None, note="(Ký, ghi rõ họ tên)")


def _invoice(doc: Doc) -> None:
    rng, s = doc.rng, doc.sheet
    issued = random_date(rng, date(2019, 1, 1), date(2025, 11, 30))
    buyer = person(rng)
    s.center("HÓA ĐƠN GIÁ TRỊ GIA TĂNG", bold=True, size=doc.style.size + 3, color=(180, 20, 30))
    s.center(f"Ngày {issued:%d} tháng {issued:%m} năm {issued.year}", italic=True)
    serial = f"1C{issued.year % 100}T{rng.choice('ABCDE')}{rng.choice('ABCDE')}"
    s.row([("Ký hiệu:", serial), ("Số:", f"{rng.randint(1, 99999):08d}")], starts=[0.0, 0.55])
    s.field("Đơn vị bán hàng:", f"CÔNG TY TNHH {rng.choice(['MINH PHÁT', 'HOÀNG LONG', 'AN KHANG', 'ĐỨC THỊNH'])}",
            bold_value=True)
    s.field("Mã số thuế:", f"{rng.randrange(10**10):010d}")
    s.field("Họ tên người mua hàng:", doc.name(buyer.name))
    s.field("Địa chỉ:", buyer.residence.text())
    s.row([("STT", ""), ("Tên hàng hóa, dịch vụ", ""), ("Số lượng", ""), ("Thành tiền", "")],
          starts=[0.0, 0.08, 0.55, 0.75])
    total = 0
    for i, item in enumerate(rng.sample(data("texts")["goods"], k=rng.randint(2, 5))):
        qty, price = rng.randint(1, 50), rng.randint(2, 500) * 1000
        total += qty * price
        s.row([(str(i + 1), ""), (item, ""), (str(qty), ""), (group_thousands(qty * price), "")],
              starts=[0.0, 0.08, 0.55, 0.75])
    s.field("Cộng tiền hàng:", money(total))
    s.field("Thuế suất GTGT: 10%. Tiền thuế GTGT:", money(total // 10))
    s.field("Tổng cộng tiền thanh toán:", money(total + total // 10), bold_value=True)
    doc.metadata.update(ten_giay_to="HÓA ĐƠN GIÁ TRỊ GIA TĂNG", ngay_cap=iso(issued))
    signer(doc, ("NGƯỜI BÁN HÀNG",), person_name(rng, male=rng.random() < 0.5), seal_text=None,
           left_lines=("NGƯỜI MUA HÀNG", buyer.name))
