"""ICAO 9303 machine-readable zones: check digits and the TD1 (ID card, 3 × 30) layout.

The Vietnamese chip card (2021) and the CĂN CƯỚC card (2024) carry a TD1 zone on
the back: ``IDVNM`` + the last 9 digits of the personal number as document
number + its check digit + the full 12-digit number as optional data; birth
date, sex, expiry and nationality on line 2 with the composite check digit;
the name without diacritics on line 3.
"""

from __future__ import annotations

import unicodedata
from datetime import date

_WEIGHTS = (7, 3, 1)


def _value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValueError(f"not an MRZ character: {ch!r}")


def check_digit(field: str) -> str:
    """The ICAO 9303 check digit of ``field`` (weights 7, 3, 1; A=10 … Z=35, ``<``=0).

    Raises:
        ValueError: ``field`` holds a character outside ``0-9A-Z<``.
    """
    return str(sum(_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def mrz_name(full_name: str) -> str:
    """A Vietnamese name as MRZ characters: diacritics removed, Đ→D, family name first.

    ``"Nguyễn Văn An"`` → ``"NGUYEN<<VAN<AN"``.
    """
    plain = unicodedata.normalize("NFD", full_name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if unicodedata.category(c) != "Mn").upper()
    words = [w for w in "".join(c if c.isalnum() else " " for c in plain).split() if w]
    if not words:
        return ""
    return f"{words[0]}<<{'<'.join(words[1:])}"


def _pad(text: str, n: int) -> str:
    return (text + "<" * n)[:n]


def _yymmdd(d: date) -> str:
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"


def td1(*, id_number: str, name: str, birth: date, male: bool, expiry: date | None,
        country: str = "VNM") -> tuple[str, str, str]:
    """The three 30-character lines of a TD1 zone for a Vietnamese ID card.

    Args:
        id_number: the 12-digit personal number.
        name: full name as printed on the card (any case, with diacritics).
        birth: date of birth.
        male: sex (``M``/``F``).
        expiry: date of expiry; ``None`` writes ``<<<<<<`` with check digit ``<``.
        country: issuing state and nationality.
    """
    doc = id_number[-9:]
    line1 = _pad(f"ID{country}{doc}{check_digit(doc)}{id_number}", 30)
    dob = _yymmdd(birth)
    exp = _yymmdd(expiry) if expiry else "<<<<<<"
    exp_check = check_digit(exp) if expiry else "<"
    body = f"{dob}{check_digit(dob)}{'M' if male else 'F'}{exp}{exp_check}{country}"
    body = _pad(body, 29)
    composite = line1[5:30] + body[0:7] + body[8:15] + body[18:29]
    line2 = body + check_digit(composite)
    line3 = _pad(mrz_name(name), 30)
    return line1, line2, line3


def verify_td1(lines: tuple[str, str, str]) -> bool:
    """Whether all four check digits of a TD1 zone hold (document, birth, expiry, composite)."""
    l1, l2, _ = lines
    if len(l1) != 30 or len(l2) != 30:
        return False
    ok = check_digit(l1[5:14]) == l1[14] and check_digit(l2[0:6]) == l2[6]
    ok = ok and (l2[14] == "<" if l2[8:14] == "<<<<<<" else check_digit(l2[8:14]) == l2[14])
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    return ok and check_digit(composite) == l2[29]
