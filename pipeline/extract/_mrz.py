"""The ICAO 9303 TD1 machine-readable zone (3 lines of 30) on the back of Vietnamese ID cards.

OCR reads the zone with errors: ``<`` comes out as ``«``, ``(`` or ``K``, and ``O``/``0``,
``I``/``1``, ``B``/``8`` swap in numeric fields. Numeric fields are repaired by position
(letters there can only be misread digits) and every field is checked against its check
digit (weights 7-3-1, ``<`` = 0, ``A`` = 10 … ``Z`` = 35). Vietnamese cards carry the 9 last
digits of the personal number as document number and the full 12 digits in the optional data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

_FILLER_LOOKALIKE = str.maketrans({"«": "<", "‹": "<", "(": "<", "[": "<", "{": "<", "£": "<", "¢": "<",
                                   "≤": "<", "=": "<", "-": "<", "_": "<", "‘": "<"})
_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "1", "Z": "2",
                           "S": "5", "G": "6", "B": "8", "A": "4", "<": "0"})
_WEIGHTS = (7, 3, 1)
_MRZ_CHARS = re.compile(r"^[A-Z0-9<]+$")


def check_digit(data: str) -> int:
    """The ICAO 9303 check digit of ``data`` (digits, capitals and ``<``)."""
    total = 0
    for i, ch in enumerate(data):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - 55
        else:
            value = 0
        total += value * _WEIGHTS[i % 3]
    return total % 10


@dataclass(frozen=True)
class MrzResult:
    """What a TD1 zone says, and which of its check digits hold.

    Attributes:
        lines: the three lines as repaired (30 characters each).
        document_number: the document number field.
        id_number: the 12-digit personal number found in the optional data, if any.
        birth: ``YYYY-MM-DD`` (century guessed: a year after this one means 19xx).
        sex: ``Nam``/``Nữ``/``None``.
        expiry: ``YYYY-MM-DD`` or ``None``.
        nationality: three letters.
        surname: family name, upper case without diacritics.
        given_names: the other names.
        checks: field → whether its check digit holds (``number``, ``birth``, ``expiry``, ``composite``).
    """

    lines: tuple[str, str, str]
    document_number: str
    id_number: str | None
    birth: str | None
    sex: str | None
    expiry: str | None
    nationality: str
    surname: str
    given_names: str
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given_names}".strip()


def normalize_line(raw: str) -> str:
    """Upper case, no spaces, filler look-alikes turned into ``<``."""
    text = raw.upper().translate(_FILLER_LOOKALIKE)
    return re.sub(r"\s+", "", text)


def _digits(text: str) -> str:
    return text.translate(_TO_DIGIT)


def _fit(line: str) -> str:
    return (line + "<" * 30)[:30]


def _yymmdd(text: str, *, past: bool, today: date) -> str | None:
    if not text.isdigit():
        return None
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:6])
    year = 2000 + yy
    if past and year > today.year:
        year -= 100
    try:
        return date(year, mm, dd).isoformat()
    except ValueError:
        return None


def _name_line(line: str) -> tuple[str, str]:
    line = re.sub(r"[^A-Z<]", "", line)  # specks OCR read inside the name ("QUOCŒ<THUAN")
    # the filler after the name: '<' read as 'K' leaves a run no name ends with
    line = re.sub(r"(?:[<K]*<[<K]*|K{3,})$", "", line)
    surname, _, given = line.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _align_first(line: str) -> str:
    """Line 1 with the issuing state where it belongs: "T1DVNM…" (an I read as two marks) → "IDVNM…"."""
    k = line.find("VNM", 0, 7)
    if k in (-1, 2):
        return line
    return "ID" + line[k:] if k > 2 else line


def _checks_hold(line: str) -> bool:
    """Birth and expiry are real dates and their check digits hold."""
    birth, expiry = _digits(line[0:6]), _digits(line[8:14])
    dates = all(d.isdigit() and 1 <= int(d[2:4]) <= 12 and 1 <= int(d[4:6]) <= 31 for d in (birth, expiry))
    return (dates and _digits(line[6]) == str(check_digit(birth)) and _digits(line[14]) == str(check_digit(expiry))
            and line[7] in "MF<")


def _align_second(line: str) -> str:
    """Line 2 with a mark OCR added before the nationality taken out, where the check digits tell which.

    Birth, sex and expiry take positions 0–14 and the nationality 15–17; a speck read as a
    character shifts them. Every one-character deletion before the nationality is tried, and
    one is kept only when it alone makes the birth and expiry check digits hold.
    """
    k = line.find("VNM")
    if k != 16:
        return line
    if _checks_hold(line):
        return line[:15] + line[16:]  # the speck stands between the expiry's check digit and the nationality
    fixed = {line[:j] + line[j + 1:] for j in range(k)}
    good = [c for c in fixed if _checks_hold(c)]
    return good[0] if len(good) == 1 else line


def parse_td1(raw_lines: Sequence[str], *, today: date | None = None) -> MrzResult:
    """Parse and check a TD1 zone.

    Args:
        raw_lines: the three lines as OCR read them.
        today: reference day for the birth century (default: the real date).

    Returns:
        The parsed zone with its check results.

    Raises:
        ValueError: not three lines.
    """
    if len(raw_lines) != 3:
        raise ValueError("a TD1 zone has three lines")
    today = today or date.today()
    l1 = _fit(_align_first(normalize_line(raw_lines[0])))
    l2 = _fit(_align_second(normalize_line(raw_lines[1])))
    l3 = _fit(normalize_line(raw_lines[2]))
    if l1[0] in "1TL|":  # the document code starts with I on ID cards
        l1 = "I" + l1[1:]
    number_raw, check1 = l1[5:14], l1[14]
    optional1 = l1[15:30]
    checks: dict[str, bool] = {}
    if check1 == "<":  # long document number continues in the optional data
        overflow = optional1.split("<")[0]
        number_raw += overflow[:-1]
        check1 = overflow[-1:] or "<"
    check1 = _digits(check1)
    # a document number may hold letters: keep it as read unless only the digit reading checks
    if check1 != str(check_digit(number_raw)) and check1 == str(check_digit(_digits(number_raw))):
        number_raw = _digits(number_raw)
    checks["number"] = check1 == str(check_digit(number_raw))
    birth_raw, expiry_raw = _digits(l2[0:6]), _digits(l2[8:14])
    l2 = birth_raw + _digits(l2[6]) + l2[7] + expiry_raw + _digits(l2[14]) + l2[15:29] + _digits(l2[29])
    l1 = l1[:5] + number_raw[:9] + (check1 if len(number_raw) <= 9 else l1[14]) + l1[15:]
    checks["birth"] = l2[6] == str(check_digit(birth_raw))
    checks["expiry"] = l2[14] == str(check_digit(expiry_raw))
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    checks["composite"] = l2[29] == str(check_digit(composite))
    ids = re.findall(r"\d{12}", _digits(optional1.split("<<")[0]) if optional1[:1] != "<" else "")
    surname, given = _name_line(l3)
    sex = {"M": "Nam", "F": "Nữ"}.get(l2[7])
    return MrzResult(
        lines=(l1, l2, l3), document_number=number_raw, id_number=ids[0] if ids else None,
        birth=_yymmdd(birth_raw, past=True, today=today), sex=sex,
        expiry=_yymmdd(expiry_raw, past=False, today=today), nationality=l2[15:18],
        surname=surname, given_names=given, checks=checks,
    )


def _mrz_like(text: str) -> bool:
    line = normalize_line(text)
    if len(line) < 24 or len(line) > 36:
        return False
    good = sum(1 for ch in line if (ch.isalnum() and ch.isascii()) or ch == "<")
    return good / len(line) > 0.85 and (line.count("<") >= 2 or line[1:5] in {"DVNM", "<VNM"})


def find_td1(texts: Sequence[str]) -> list[str] | None:
    """The three lines of a TD1 zone among OCR lines, or ``None``.

    Args:
        texts: OCR lines of a page in reading order.

    Returns:
        Three consecutive MRZ-looking lines whose first starts like a TD1 card (``I?VNM`` or
        ``I``/``A``/``C`` + filler), else ``None``.
    """
    for i in range(len(texts) - 2):
        window = texts[i:i + 3]
        if all(_mrz_like(t) for t in window):
            first = normalize_line(window[0])
            clean = sum(bool(_MRZ_CHARS.match(ch)) for ch in first[1:]) >= len(first) - 3  # a speck or two
            if first[:1] in {"I", "1", "A", "C", "T", "L", "|"} and (clean or "VNM" in first[1:7]):
                return list(window)
    return None
