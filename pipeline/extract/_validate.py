"""Validation that catches OCR errors: the ID number's structure, impossible and implausible dates.

Nothing here changes a value: it returns flags the officer sees (DESIGN.md "Validation
that catches OCR errors"). ``so_dinh_danh`` is ``PPP G YY RRRRRR``: province of birth
registration, century-and-sex digit, last two digits of the birth year, six random digits.
"""

from __future__ import annotations

from datetime import date

from schemas.codes import PROVINCE_CODES

ID_BIRTH_YEAR_MISMATCH = "id_birth_year_mismatch"
ID_CENTURY_MISMATCH = "id_century_mismatch"
ID_SEX_MISMATCH = "id_sex_mismatch"
ID_PROVINCE_UNKNOWN = "id_province_unknown"
INVALID_ID_FORMAT = "invalid_id_format"
DATE_IN_FUTURE = "date_in_future"
IMPLAUSIBLE_DATE = "implausible_date"
EXPIRY_BEFORE_BIRTH = "expiry_before_birth"
ISSUE_BEFORE_BIRTH = "issue_before_birth"
EXPIRY_BEFORE_ISSUE = "expiry_before_issue"
DEATH_BEFORE_BIRTH = "death_before_birth"


def id_sex_century(number: str) -> tuple[str, int] | None:
    """The sex and the first year of the birth century an ID number encodes.

    Args:
        number: a 12-digit ``so_dinh_danh``.

    Returns:
        (``Nam``/``Nữ``, 1900/2000/…), or ``None`` when ``number`` is not 12 digits.
    """
    if len(number) != 12 or not number.isdigit():
        return None
    g = int(number[3])
    return ("Nam" if g % 2 == 0 else "Nữ"), 1900 + 100 * (g // 2)


def check_id_number(number: str, *, birth: str | None = None, sex: str | None = None) -> tuple[str, ...]:
    """Flags for a ``so_dinh_danh`` that disagrees with itself, the birth date or the sex.

    Args:
        number: the extracted number.
        birth: the extracted date of birth (``YYYY-MM-DD`` or ``YYYY``), if any.
        sex: the extracted sex (``Nam``/``Nữ``), if any.

    Returns:
        Flags such as ``id_birth_year_mismatch``; empty when all agree.
    """
    decoded = id_sex_century(number)
    if decoded is None:
        return () if len(number) == 9 and number.isdigit() else (INVALID_ID_FORMAT,)
    flags: list[str] = []
    if number[:3] not in PROVINCE_CODES:
        flags.append(ID_PROVINCE_UNKNOWN)
    id_sex, century = decoded
    if birth and birth[:4].isdigit():
        year = int(birth[:4])
        if year % 100 != int(number[4:6]):
            flags.append(ID_BIRTH_YEAR_MISMATCH)
        if not century <= year < century + 100:
            flags.append(ID_CENTURY_MISMATCH)
    if sex and sex != id_sex:
        flags.append(ID_SEX_MISMATCH)
    return tuple(flags)


def _as_date(value: str | None) -> date | None:
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_date(value: str, *, today: date, past_only: bool) -> tuple[str, ...]:
    """Flags for one date: in the future where it cannot be, or before 1900.

    Args:
        value: ``YYYY-MM-DD``.
        today: the reference day.
        past_only: the date cannot lie after ``today`` (birth, issue, registration).

    Returns:
        ``date_in_future`` or ``implausible_date``, or nothing.
    """
    d = _as_date(value)
    if d is None:
        return ()
    if past_only and d > today:
        return (DATE_IN_FUTURE,)
    if d.year < 1900 or d.year > today.year + 100:
        return (IMPLAUSIBLE_DATE,)
    return ()


def check_order(earlier: str | None, later: str | None, flag: str) -> tuple[str, ...]:
    """``(flag,)`` when both dates are known and ``later`` comes before ``earlier``."""
    a, b = _as_date(earlier), _as_date(later)
    if a and b and b < a:
        return (flag,)
    return ()
