"""ID cards on a scanner bed: the 2016 CCCD, the 2021 chip CCCD and the 2024 CĂN CƯỚC card,
front and back, lying on an A4 page (both sides on one page, or one side per page).

Printed fields follow Circular 06/2021/TT-BCA and Circular 16/2024/TT-BCA
(DOMAIN.md §4.3–4.4). The 2021 and 2024 cards carry a QR code with the
pipe-separated payload and a TD1 machine-readable zone on the back.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date

import numpy as np
from PIL import Image, ImageDraw

from corpus import _marks
from corpus._common import QUOC_HIEU, RED, TIEU_NGU, Doc
from corpus._fonts import FontFamily, mono_families, text_width
from corpus._layout import MM, wrap
from corpus._mrz import td1
from corpus._people import Person, hometown, person, person_name, random_date
from corpus._types import ImageOp, RectOp, TextOp
from corpus._vn import add_months, fmt_date, iso, upper

CARD_W, CARD_H = 85.6 * MM, 53.98 * MM
GENERATIONS: tuple[str, ...] = ("cccd_2016", "cccd_2021", "cc_2024")
CARD_LAYOUTS: tuple[str, ...] = tuple(f"{g}_{a}" for g in GENERATIONS for a in ("one_page", "two_pages"))
_ISSUERS = {
    "cccd_2016": "CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ",
    "cccd_2021": "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
    "cc_2024": "BỘ CÔNG AN",
}
_MARKS = ("Nốt ruồi C:1cm trên trước cánh mũi phải", "Sẹo chấm C:2cm dưới sau đuôi mắt trái",
          "Nốt ruồi C:1,5cm dưới trước mép phải", "Sẹo chấm C:3cm trên đuôi lông mày phải")


@functools.lru_cache(maxsize=8)
def _background(tint: tuple[int, int, int]) -> Image.Image:
    """A pale card background with wavy guilloche lines and rounded corners (300 dpi)."""
    w, h = round(85.6 / 25.4 * 300), round(53.98 / 25.4 * 300)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.array(tint, np.float32)[None, None, :] * (0.94 + 0.06 * (xx / w))[..., None]
    waves = (np.sin(xx / 23.0 + 6 * np.sin(yy / 57.0)) > 0.93) | (np.sin(yy / 19.0 + 5 * np.sin(xx / 71.0)) > 0.95)
    img = np.where(waves[..., None], base * 0.9, base).clip(0, 255).astype(np.uint8)
    card = Image.fromarray(img, "RGB").convert("RGBA")
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=38, fill=255)
    card.putalpha(mask)
    return card


@dataclass
class _Card:
    """Writes on one card side placed at (ox, oy) on the page; positions in mm on the card."""

    doc: Doc
    ox: float
    oy: float
    family: FontFamily

    def put(self, x: float, y: float, text: str, size: float, *, bold: bool = False,
            color: tuple[int, int, int] = (20, 20, 30), font: str | None = None) -> float:
        path = font or (self.family.bold if bold else self.family.regular)
        self.doc.sheet.add(TextOp(self.ox + x * MM, self.oy + y * MM, text, path, size, color))
        return text_width(path, text, size) / MM

    def center(self, cx: float, y: float, text: str, size: float, *, bold: bool = False,
               color: tuple[int, int, int] = (20, 20, 30)) -> None:
        w = text_width(self.family.bold if bold else self.family.regular, text, size) / MM
        self.put(cx - w / 2, y, text, size, bold=bold, color=color)

    def field(self, x: float, y: float, label: str, value: str, *, right: float = 83.0,
              size: float = 7.8, wrap_x: float | None = None) -> float:
        """Label then value; the value wraps under it. Returns the baseline after the field."""
        lw = self.put(x, y, label, 5.6)
        start = x + lw + 1.2
        font = self.family.bold
        lines = wrap(value, (right - start) * MM, font, size)
        if len(lines) > 1 or text_width(font, value, size) / MM > right - start:
            first = wrap(value, (right - start) * MM, font, size)[0]
            rest = wrap(value[len(first):].strip(), (right - (wrap_x or x)) * MM, font, size)
            lines = [first, *rest]
        step = size * 0.42
        for i, line in enumerate(lines):
            self.put(start if i == 0 else (wrap_x or x), y + i * step, line, size, bold=True)
        return y + len(lines) * step + 0.5

    def image(self, x: float, y: float, w: float, h: float, img: Image.Image, *, multiply: bool = False) -> None:
        self.doc.sheet.add(ImageOp(self.ox + x * MM, self.oy + y * MM, w * MM, h * MM, img, multiply=multiply))

    def outline(self, tint: tuple[int, int, int]) -> None:
        self.image(0, 0, 85.6, 53.98, _background(tint))
        self.doc.sheet.add(RectOp(self.ox, self.oy, CARD_W, CARD_H, stroke=(150, 150, 150), width=0.5))


def _expiry(birth: date, issued: date) -> date:
    for age in (25, 40, 60):
        milestone = add_months(birth, 12 * age)
        if issued < add_months(milestone, -24):
            return milestone
    return add_months(birth, 12 * 60)


def _header(c: _Card, bilingual: bool, title: str, english: str | None) -> None:
    c.image(3.5, 3.0, 12, 12, _marks.emblem())
    c.center(46, 5.5, QUOC_HIEU, 5.6, bold=True)
    c.center(46, 8.3, TIEU_NGU, 5.6, bold=True)
    y = 8.3
    if bilingual:
        c.center(46, 10.8, "SOCIALIST REPUBLIC OF VIET NAM", 4.8)
        c.center(46, 13.2, "Independence - Freedom - Happiness", 4.8)
        y = 13.2
    c.center(46, y + 4.0, title, 9.0, bold=True, color=RED)
    if english:
        c.center(46, y + 6.5, english, 5.4)


def can_cuoc(doc: Doc, layout: str) -> tuple[str | None, tuple[str, str, str] | None]:
    """Draw a card (front and back) per ``layout``; returns (QR payload, MRZ lines)."""
    rng = doc.rng
    gen = layout[: -len("_one_page")] if layout.endswith("_one_page") else layout[: -len("_two_pages")]
    start, end = {"cccd_2016": (date(2016, 1, 1), date(2020, 12, 31)),
                  "cccd_2021": (date(2021, 1, 23), date(2024, 6, 30)),
                  "cc_2024": (date(2024, 7, 1), date(2025, 11, 30))}[gen]
    issued = random_date(rng, start, end)
    p = person(rng, born_from=add_months(issued, -57 * 12), born_to=add_months(issued, -14 * 12),
               post_2025=issued >= date(2025, 7, 1))
    expiry = _expiry(p.birth, issued)
    page_w, page_h = doc.sheet.width, doc.sheet.height
    fx, fy = rng.uniform(12, 70) * MM, rng.uniform(12, 60) * MM
    two_pages = layout.endswith("two_pages")
    bx = fx + rng.uniform(-6, 6) * MM if not two_pages else rng.uniform(12, 70) * MM
    by = fy + CARD_H + rng.uniform(12, 45) * MM if not two_pages else rng.uniform(12, 60) * MM
    mono = rng.choice(mono_families())
    front = _Card(doc, fx, fy, doc.style.family)
    qr = _front(front, gen, p, expiry=expiry, issued=issued, rng=rng)
    doc.metadata.update(ten_giay_to="CĂN CƯỚC" if gen == "cc_2024" else "CĂN CƯỚC CÔNG DÂN",
                        so_ky_hieu=p.id_number, ma_dinh_danh_chu_so_huu=p.id_number)
    if gen != "cc_2024":
        doc.fields["co_gia_tri_den"] = iso(expiry)
        doc.metadata["thoi_han_hieu_luc"] = iso(expiry)
    if two_pages:
        doc.sheet.new_page()
        doc.sheet.pages[-1].clear()  # a card scan has no page number
    back = _Card(doc, min(bx, page_w - CARD_W - 10), min(by, page_h - CARD_H - 10), doc.style.family)
    mrz, back_qr = _back(back, gen, p, issued=issued, expiry=expiry, rng=rng, mono=mono)
    doc.fields["ngay_cap"] = iso(issued)
    doc.metadata.update(ngay_cap=iso(issued), co_quan_cap=_ISSUERS[gen])
    if gen == "cc_2024":
        doc.fields["co_gia_tri_den"] = iso(expiry)
        doc.metadata["thoi_han_hieu_luc"] = iso(expiry)
    return qr or back_qr, mrz


def _front(c: _Card, gen: str, p: Person, *, expiry: date, issued: date, rng: random.Random) -> str | None:
    doc = c.doc
    c.outline({"cccd_2016": (214, 230, 240), "cccd_2021": (220, 236, 228), "cc_2024": (236, 226, 232)}[gen])
    bilingual = gen != "cccd_2016"
    _header(c, bilingual, "CĂN CƯỚC" if gen == "cc_2024" else "CĂN CƯỚC CÔNG DÂN",
            {"cccd_2021": "Citizen Identity Card", "cc_2024": "IDENTITY CARD"}.get(gen))
    c.image(3.5, 17.5, 19, 25, _marks.portrait(rng))
    name = upper(p.name)
    dob = fmt_date(p.birth, "slash")
    f = doc.fields
    f.update(so_dinh_danh=p.id_number, ho_ten=p.name, ngay_sinh=iso(p.birth), gioi_tinh=p.sex,
             quoc_tich="Việt Nam")
    x = 25.0
    if gen == "cc_2024":
        c.put(x, 26.0, "Số định danh cá nhân/Personal identification number:", 5.4)
        c.put(x, 30.0, p.id_number, 10.5, bold=True)
        c.put(x, 33.6, "Họ, chữ đệm và tên khai sinh/Full name:", 5.4)
        c.put(x, 37.2, name, 8.6, bold=True)
        y = c.field(x, 41.2, "Ngày, tháng, năm sinh/Date of birth:", dob)
        c.field(x, y + 0.6, "Giới tính/Sex:", p.sex, right=52)
        c.field(53, y + 0.6, "Quốc tịch/Nationality:", "Việt Nam")
        return None
    no_label = "Số / No.:" if bilingual else "Số:"
    y = 24.2 if bilingual else 20.5
    c.put(x, y, no_label, 6.2)
    c.put(x + 12, y + 0.3, p.id_number, 10.5, bold=True, color=RED if gen == "cccd_2016" else (20, 20, 30))
    c.put(x, y + 3.4, "Họ và tên / Full name:" if bilingual else "Họ và tên:", 5.6)
    c.put(x, y + 6.7, name, 8.6, bold=True)
    y = c.field(x, y + 10.2, "Ngày sinh / Date of birth:" if bilingual else "Ngày, tháng, năm sinh:", dob)
    c.field(x, y, "Giới tính / Sex:" if bilingual else "Giới tính:", p.sex, right=50)
    y = c.field(50.5, y, "Quốc tịch / Nationality:" if bilingual else "Quốc tịch:", "Việt Nam", right=85,
                size=7.2)
    origin = p.hometown.text("compact")
    residence = p.residence.text("compact")
    y = c.field(x, y, "Quê quán / Place of origin:" if bilingual else "Quê quán:", origin, size=7.0)
    c.field(x, y, "Nơi thường trú / Place of residence:" if bilingual else "Nơi thường trú:", residence,
            size=7.0)
    f.update(que_quan=origin, noi_thuong_tru=residence)
    c.put(3.5, 46.0, "Có giá trị đến:", 5.2)
    if bilingual:
        c.put(3.5, 48.2, "Date of expiry", 4.8)
    c.put(3.5, 51.2, fmt_date(expiry, "slash"), 6.4, bold=True)
    if gen == "cccd_2021":
        cmnd = p.cmnd if rng.random() < 0.6 else ""
        payload = "|".join([p.id_number, cmnd, p.name, p.birth.strftime("%d%m%Y"), p.sex, residence,
                            issued.strftime("%d%m%Y")])
        qr = _marks.qr_image(payload, box_px=4)
        side = qr.width / 300 * 25.4  # whole pixels per module at 300 dpi: no resampling blur
        c.image(84.0 - side, 1.5, side, side, qr)
        return payload
    return None


def _back(c: _Card, gen: str, p: Person, *, issued: date, expiry: date, rng: random.Random,
          mono: FontFamily) -> tuple[tuple[str, str, str] | None, str | None]:
    """Draw the back; returns (MRZ lines, QR payload) where the generation has them."""
    c.outline({"cccd_2016": (214, 230, 240), "cccd_2021": (220, 236, 228), "cc_2024": (236, 226, 232)}[gen])
    if gen == "cc_2024":
        lines_2024, payload = _back_2024(c, p, issued, expiry, mono)
        return lines_2024, payload
    bilingual = gen == "cccd_2021"
    if not bilingual:
        c.image(4, 2.5, 40, 6, _marks.barcode(rng))
    top = 3.0 if bilingual else 12.0
    c.put(3.5, top + 2.5, "Đặc điểm nhân dạng / Personal identification:" if bilingual else
          "Đặc điểm nhân dạng:", 5.4)
    c.put(3.5, top + 5.8, rng.choice(_MARKS), 6.8)
    if bilingual:
        c.field(3.5, top + 10, "Ngày, tháng, năm / Date, month, year:", fmt_date(issued, "slash"), right=50)
    else:
        c.put(8, top + 10, fmt_date(issued, "words")[:1].upper() + fmt_date(issued, "words")[1:], 6.8,
              bold=True)
    chief = ["CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"] if bilingual else \
        ["CỤC TRƯỞNG CỤC CẢNH SÁT", "ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ"]
    for i, line in enumerate(chief):
        c.center(25, top + 14 + i * 2.6, line, 5.4, bold=True)
    if bilingual:
        c.center(25, top + 19.3, "DIRECTOR GENERAL OF THE POLICE DEPARTMENT", 4.3)
        c.center(25, top + 21.4, "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER", 4.3)
    c.image(14, top + 21, 22, 9, _marks.signature(rng))
    seal_img = _marks.seal(_ISSUERS[gen], rng, c.family, diameter_px=220)
    c.image(6, top + 17, 17, 17, seal_img, multiply=True)
    c.center(25, top + 32.5, person_name(rng, male=True), 6.6, bold=True)
    for i, (vi, en) in enumerate((("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger"))):
        x = 51 + i * 17
        c.image(x, 3.5, 15, 19, _marks.fingerprint(rng))
        c.put(x, 25, vi, 4.6)
        if bilingual:
            c.put(x, 27, en, 3.9)
    if not bilingual:
        return None, None
    c.image(64, 29, 11, 8.5, _marks.chip())
    lines = td1(id_number=p.id_number, name=p.name, birth=p.birth, male=p.male, expiry=expiry)
    _mrz(c, lines, mono)
    return lines, None


def _back_2024(c: _Card, p: Person, issued: date, expiry: date,
               mono: FontFamily) -> tuple[tuple[str, str, str], str]:
    doc, rng = c.doc, c.doc.rng
    residence = p.residence.text("capitalized")
    birthplace = hometown(rng, p.birth_province).text("capitalized")
    payload = "|".join([p.id_number, p.cmnd if rng.random() < 0.4 else "", p.name, p.birth.strftime("%d%m%Y"),
                        p.sex, residence, issued.strftime("%d%m%Y")])
    qr = _marks.qr_image(payload, box_px=4)
    side = qr.width / 300 * 25.4
    c.image(2.5, 2.5, side, side, qr)
    x = side + 4.0
    y = c.field(x, 5.0, "Nơi cư trú/Place of residence:", residence, size=6.8, wrap_x=x)
    y = c.field(x, y + 0.4, "Nơi đăng ký khai sinh/Place of birth:", birthplace, size=6.8, wrap_x=x)
    y = max(y, 22.5)
    y = c.field(3, y + 0.4, "Ngày, tháng, năm cấp/Date of issue:", fmt_date(issued, "slash"), right=50)
    c.field(3, y, "Ngày, tháng, năm hết hạn/Date of expiry:", fmt_date(expiry, "slash"), right=55)
    c.center(68, 24.5, "BỘ CÔNG AN", 6.2, bold=True)
    c.center(68, 26.8, "MINISTRY OF PUBLIC SECURITY", 4.6)
    c.image(60, 19, 16, 16, _marks.seal("BỘ CÔNG AN", rng, c.family, diameter_px=210), multiply=True)
    doc.fields.update(noi_cu_tru=residence, noi_dang_ky_khai_sinh=birthplace)
    lines = td1(id_number=p.id_number, name=p.name, birth=p.birth, male=p.male, expiry=expiry)
    _mrz(c, lines, mono)
    return lines, payload


def _mrz(c: _Card, lines: tuple[str, str, str], mono: FontFamily) -> None:
    size = 78 * MM / 30 / (text_width(mono.regular, "M", 1.0))
    for i, line in enumerate(lines):
        c.put(3.8, 41.5 + i * 4.6, line, size, font=mono.regular, color=(15, 15, 15))
