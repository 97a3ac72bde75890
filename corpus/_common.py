"""What every administrative paper shares: agencies, the national header, the title, labels,
the signer block with its red seal, and the per-document drawing context.

Layout follows Decree 30/2020 App. I (agency top-left, Quốc hiệu and Tiêu ngữ
top-right, "Số:" under the agency, the italic place-date line beside it, the
title centred in bold) with the variations real offices print.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from corpus import _marks
from corpus._fonts import text_width
from corpus._layout import MM, Sheet, Style, wrap
from corpus._people import Address, Person
from corpus._types import RGB, ImageOp
from corpus._vn import fmt_date, iso, place_date, upper

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
RED: RGB = (200, 20, 30)

#: Label variants real papers print for the same field (DESIGN.md, DOMAIN.md §5).
LABELS: dict[str, tuple[str, ...]] = {
    "ho_ten": ("Họ, chữ đệm, tên:", "Họ và tên:", "Họ tên:", "Họ, chữ đệm và tên:"),
    "ngay_sinh": ("Ngày, tháng, năm sinh:", "Ngày sinh:", "Sinh ngày:"),
    "so_dinh_danh": ("Số định danh cá nhân:", "Số CCCD:", "CCCD số:", "Căn cước công dân số:",
                     "Số căn cước:"),
    "gioi_tinh": ("Giới tính:",),
    "dan_toc": ("Dân tộc:",),
    "quoc_tich": ("Quốc tịch:",),
    "noi_cu_tru": ("Nơi cư trú:", "Địa chỉ cư trú:", "Nơi ở hiện nay:"),
    "noi_thuong_tru": ("Nơi thường trú:", "Địa chỉ thường trú:"),
    "que_quan": ("Quê quán:",),
    "noi_sinh": ("Nơi sinh:",),
    "so_dien_thoai": ("Số điện thoại:", "Điện thoại:", "Điện thoại liên hệ:", "SĐT:"),
}


@dataclass(frozen=True)
class Agency:
    """An issuing agency as its papers print it.

    Attributes:
        parent: the superior body (upper line of the header), or ``None``.
        body: the issuing body's header lines (bold); ``co_quan_cap`` is them joined.
        place: the place name of the place-date line.
        seal_text: text around the seal's rim.
        authority: signer lines above the name ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH").
    """

    parent: str | None
    body: tuple[str, ...]
    place: str
    seal_text: str
    authority: tuple[str, ...]

    @property
    def name(self) -> str:
        return " ".join(self.body)


def _short(unit: str) -> str:
    for prefix in ("thành phố ", "thị xã ", "thị trấn ", "tỉnh ", "huyện ", "quận ", "phường ", "xã "):
        if unit.lower().startswith(prefix) and not unit[len(prefix):].isdigit():
            return unit[len(prefix):]
    return unit


def commune_agency(rng: random.Random, where: Address, *, police: bool = False) -> Agency:
    """The People's Committee (or police) of the commune/ward of ``where``."""
    ward = upper(where.ward)
    upper_unit = upper(where.district) if where.district else upper(where.province)
    parent: str | None
    authority: tuple[str, ...]
    if police:
        body: tuple[str, ...] = (f"CÔNG AN {ward}",)
        parent = f"CÔNG AN {upper_unit}"
        authority = ("TRƯỞNG CÔNG AN",) if rng.random() < 0.6 else ("KT. TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN")
    else:
        body = ("ỦY BAN NHÂN DÂN", ward) if rng.random() < 0.5 else (f"ỦY BAN NHÂN DÂN {ward}",)
        parent = rng.choice([upper_unit, f"UBND {upper_unit}", None])
        authority = rng.choice([("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
                                ("CÔNG CHỨC TƯ PHÁP - HỘ TỊCH",)])
    place = _short(where.ward) if rng.random() < 0.5 else _short(where.district or where.province)
    return Agency(parent, body, place, " ".join(body), authority)


def province_agency(rng: random.Random, province: str, body: str, authority: tuple[str, ...]) -> Agency:
    """A provincial department (Sở …) under the provincial People's Committee."""
    prov = upper(province)
    return Agency(f"UBND {prov}", (body,), _short(province), f"{body} {prov}", authority)


class PagedDict(dict[str, str]):
    """A dict that remembers on which page of ``sheet`` each key was last set."""

    def __init__(self, sheet: Sheet) -> None:
        super().__init__()
        self.sheet = sheet
        self.pages: dict[str, int] = {}

    def __setitem__(self, key: str, value: str) -> None:
        self.pages[key] = len(self.sheet.pages)
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: str) -> None:  # type: ignore[override]
        for k, v in dict(*args, **kwargs).items():
            self[k] = v


@dataclass
class Doc:
    """The drawing context of one document: its randomness, style, sheet and truth so far.

    ``fields`` and ``metadata`` remember the page each value is printed on, so a file that
    holds only some pages of a document claims only what those pages show.
    """

    rng: random.Random
    style: Style
    sheet: Sheet
    fields: PagedDict = field(init=False)
    metadata: PagedDict = field(init=False)
    counter: int = 0

    def __post_init__(self) -> None:
        self.fields = PagedDict(self.sheet)
        self.metadata = PagedDict(self.sheet)

    # values --------------------------------------------------------------------------------
    def name(self, full: str) -> str:
        """A person's name as this document prints it (upper case or as written)."""
        return upper(full) if self.style.upper_names else full

    def date(self, d: date) -> str:
        return fmt_date(d, self.style.date_style)

    def label(self, key: str) -> str:
        """A label variant for ``key``, numbered when the style numbers labels."""
        text = self.rng.choice(LABELS[key])
        return self.numbered(text)

    def numbered(self, text: str) -> str:
        if not self.style.numbered:
            return text
        self.counter += 1
        return f"{self.counter}. {text}"

    # common fields ---------------------------------------------------------------------------
    def person_block(self, p: Person, keys: tuple[str, ...], *, prefix: str = "") -> None:
        """The usual personal lines for ``keys`` (truth fields named ``{key}{prefix}``)."""
        for key in keys:
            printed, value = self._person_value(p, key)
            label = self.label(key)
            next_line = len(printed) > 50 and self.rng.random() < 0.25
            self.sheet.field(label, printed, bold_value=key == "ho_ten", next_line=next_line)
            if value is not None:
                self.fields[f"{key}{prefix}"] = value

    def _person_value(self, p: Person, key: str) -> tuple[str, str | None]:
        if key == "ho_ten":
            return self.name(p.name), p.name
        if key == "ngay_sinh":
            return self.date(p.birth), iso(p.birth)
        if key == "gioi_tinh":
            return p.sex, p.sex
        if key == "so_dinh_danh":
            return p.id_number, p.id_number
        if key == "dan_toc":
            return p.ethnic, p.ethnic
        if key == "quoc_tich":
            return "Việt Nam", "Việt Nam"
        if key == "que_quan":
            text = p.hometown.text(self.rng.choice(["full", "capitalized"]))
            return text, text
        if key in ("noi_cu_tru", "noi_thuong_tru"):
            text = p.residence.text(self.rng.choice(["full", "capitalized"]))
            return text, text
        raise KeyError(key)


def national_header(doc: Doc, agency: Agency | None, *, so: str | None, place_date_on: date | None) -> None:
    """Agency top-left, Quốc hiệu top-right, then "Số:" and the place-date line.

    Records ``co_quan_cap``, ``so_ky_hieu`` and ``ngay_cap`` in the metadata.
    """
    s, size = doc.sheet, doc.style.size
    text_w = s.right - s.left
    qh_size = min(size, 13.0)
    while text_width(s.font(bold=True), QUOC_HIEU, qh_size) > 0.6 * text_w and qh_size > 10:
        qh_size -= 0.5
    qh_w = text_width(s.font(bold=True), QUOC_HIEU, qh_size)
    right_cx = s.right - qh_w / 2 + min(12.0, s.style.margins[1] / 2)
    left_w = max(right_cx - qh_w / 2 - s.left - 4, 0.38 * text_w)
    left_cx = s.left + left_w / 2
    y0 = s.y
    s.y = y0
    if agency is not None:
        lines: list[tuple[str, bool]] = []
        if agency.parent:
            lines += [(t, False) for t in wrap(agency.parent, left_w, s.font(), qh_size)]
        for b in agency.body:
            lines += [(t, True) for t in wrap(b, left_w, s.font(bold=True), qh_size)]
        for i, (t, bold) in enumerate(lines):
            s.center(t, cx=left_cx, bold=bold, size=qh_size, underline=0.4 if i == len(lines) - 1 else 0.0)
        doc.metadata["co_quan_cap"] = agency.name
    left_end = s.y
    s.y = y0
    s.center(QUOC_HIEU, cx=right_cx, bold=True, size=qh_size)
    s.center(TIEU_NGU, cx=right_cx, bold=True, size=qh_size + 1, underline=1.0)
    s.y = max(s.y, left_end) + s.line_height * 0.3
    if so:
        text = f"Số: {so}"
        so_w = text_width(s.font(), text, qh_size)
        s.put(left_cx - so_w / 2 if agency else s.left, text, size=qh_size)
        doc.metadata["so_ky_hieu"] = so
    if place_date_on is not None and agency is not None:
        line = place_date(agency.place, place_date_on)
        w = text_width(s.font(italic=True), line, qh_size)
        s.put(min(right_cx - w / 2, s.right - w), line, italic=True, size=qh_size)
        doc.metadata["ngay_cap"] = iso(place_date_on)
    if so or place_date_on is not None:
        s.newline()
    s.newline(0.6)


def title(doc: Doc, lines: list[str], *, color: RGB = (0, 0, 0), size: float | None = None,
          record: bool = True) -> None:
    """The centred bold title; ``ten_giay_to`` is its lines joined by spaces."""
    s = doc.sheet
    sz = size or doc.style.size + doc.rng.choice([1.0, 2.0, 3.0])
    s.newline(0.4)
    for line in lines:
        for part in wrap(line, s.right - s.left, s.font(bold=True), sz):
            s.center(part, bold=True, size=sz, color=color)
    if record:
        doc.metadata["ten_giay_to"] = " ".join(lines)
    s.newline(0.5)


def signer(doc: Doc, authority: tuple[str, ...], signer_name: str, *, seal_text: str | None,
           note: str | None = None, left_lines: tuple[str, ...] = ()) -> None:
    """The signer block on the right (authority, signature, seal over its left third, name);
    ``left_lines`` go on the left at the same height (e.g. "Nơi nhận:")."""
    s, rng = doc.sheet, doc.rng
    s.newline(0.5)
    s.ensure(s.line_height * (len(authority) + 2) + 80)
    cx = s.left + (s.right - s.left) * rng.uniform(0.66, 0.74)
    y_top = s.y
    for i, line in enumerate(left_lines):
        s.put(s.left, line, size=doc.style.size - 1, italic=i == 0, bold=i == 0, y=y_top + i * s.line_height)
    for line in authority:
        s.center(line, cx=cx, bold=True)
    if note:
        s.center(note, cx=cx, italic=True, size=doc.style.size - 1)
    sig_top = s.y - s.style.size * 0.5
    sig = _marks.signature(rng)
    sw, sh = 34 * MM, 34 * MM * sig.height / sig.width
    s.image(ImageOp(cx - sw / 2 + rng.uniform(-8, 8), sig_top + rng.uniform(0, 12), sw, sh, sig))
    if seal_text:
        d_mm = rng.uniform(32, 40)
        img = _marks.seal(seal_text, rng, doc.style.family, diameter_px=round(d_mm / 25.4 * 300))
        d = d_mm * MM
        s.image(ImageOp(cx - sw / 2 - d * 0.45, sig_top - d * 0.35, d, d, img, multiply=True))
    s.y = sig_top + 62 + s.style.size
    s.center(doc.name(signer_name) if rng.random() < 0.5 else signer_name, cx=cx, bold=True)
    s.y = max(s.y, y_top + len(left_lines) * s.line_height)
