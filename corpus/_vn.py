"""How Vietnamese papers print values: dates, numbers in words, money, areas, names.

Each printer has a matching normalized form in the truth (DESIGN.md "Domain
contract"): dates ISO, money an integer string, areas with a ``.`` decimal.
"""

from __future__ import annotations

import unicodedata
from datetime import date

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

#: Date styles a paper may use for one value.
DATE_STYLES: tuple[str, ...] = ("slash", "dash", "dot", "words")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, as every truth value is."""
    return unicodedata.normalize("NFC", text)


def title_name(name: str) -> str:
    """A person's name in title case ("NGUYỄN VĂN AN" → "Nguyễn Văn An")."""
    return nfc(" ".join(w[:1].upper() + w[1:].lower() for w in name.split()))


def upper(text: str) -> str:
    """Upper case that keeps Vietnamese letters precomposed."""
    return nfc(nfc(text).upper())


def iso(d: date) -> str:
    """``YYYY-MM-DD``."""
    return d.isoformat()


def _month_word(m: int) -> str:
    # Decree 30/2020: months 1 and 2 take a leading zero, 3–12 do not.
    return f"{m:02d}" if m < 3 else str(m)


def fmt_date(d: date, style: str) -> str:
    """A date as printed: ``slash`` 05/03/1990, ``dash`` 05-03-1990, ``dot`` 05.03.1990,
    ``words`` "ngày 05 tháng 3 năm 1990"."""
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "words":
        return f"ngày {d.day:02d} tháng {_month_word(d.month)} năm {d.year}"
    raise ValueError(f"unknown date style {style!r}")


def place_date(place: str, d: date) -> str:
    """The place-date line of Decree 30/2020: "Hà Nội, ngày 05 tháng 3 năm 2024"."""
    return f"{place}, {fmt_date(d, 'words')}"


def _two_digits(n: int, *, padded: bool) -> str:
    tens, unit = divmod(n, 10)
    if tens == 0:
        if unit == 0:
            return ""
        return f"lẻ {_DIGITS[unit]}" if padded else _DIGITS[unit]
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        tail = "lăm"
    elif unit == 1 and tens > 1:
        tail = "mốt"
    else:
        tail = _DIGITS[unit]
    return f"{head} {tail}"


def _three_digits(n: int, *, padded: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not padded:
        return _two_digits(rest, padded=False)
    words = f"{_DIGITS[hundreds]} trăm"
    tail = _two_digits(rest, padded=True)
    return f"{words} {tail}".strip()


def number_words(n: int) -> str:
    """A non-negative integer read out in Vietnamese ("một trăm năm mươi triệu").

    Raises:
        ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError("negative numbers are not printed in words")
    if n == 0:
        return "không"
    groups: list[int] = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    units = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ")
    parts: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words = _three_digits(g, padded=i < len(groups) - 1)
        parts.append(f"{words} {units[i]}".strip())
    return " ".join(parts)


def date_in_words(d: date) -> str:
    """A birth date written out, as a birth certificate prints it under the figures."""
    month = "tư" if d.month == 4 else number_words(d.month)  # April is read "tháng tư"
    text = f"ngày {number_words(d.day)}, tháng {month}, năm {number_words(d.year)}"
    return text[:1].upper() + text[1:]


def group_thousands(n: int) -> str:
    """``1500000`` → ``1.500.000`` (the dot groups thousands in Vietnamese)."""
    return f"{n:,}".replace(",", ".")


def money(n: int) -> str:
    """Money as printed: "1.500.000.000 đồng"."""
    return f"{group_thousands(n)} đồng"


def area(value_tenths: int) -> tuple[str, str]:
    """An area of ``value_tenths`` tenths of m²: (printed "120,5 m²", normalized "120.5")."""
    whole, tenth = divmod(value_tenths, 10)
    if tenth == 0:
        return f"{group_thousands(whole)} m²", str(whole)
    return f"{group_thousands(whole)},{tenth} m²", f"{whole}.{tenth}"


def area_words(value_tenths: int) -> str:
    """An area read out ("Một trăm hai mươi phẩy năm mét vuông")."""
    whole, tenth = divmod(value_tenths, 10)
    text = number_words(whole)
    if tenth:
        text += f" phẩy {number_words(tenth)}"
    text += " mét vuông"
    return text[:1].upper() + text[1:]


def money_words(n: int) -> str:
    """Money read out ("Một trăm năm mươi triệu đồng")."""
    text = f"{number_words(n)} đồng"
    return text[:1].upper() + text[1:]


def add_months(d: date, months: int) -> date:
    """``d`` plus whole months, clamped to the month's last day (31/8 + 6 months → 28/2 or 29/2)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover
