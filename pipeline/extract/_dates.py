"""Dates as printed in Vietnam, read into ``YYYY-MM-DD``, and digits OCR misread as letters.

``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``ngày 05 tháng 3 năm 1990`` and OCR's
versions of them: digits split by spaces, separators read as a one or a seven or lost,
a speck read before a day or a month.
"""

from __future__ import annotations

import re
from datetime import date

from pipeline.lexicon import fold, nfc

Parsed = tuple[str | None, tuple[str, ...]]

# OCR reads digits as look-alike letters; only fixed inside digit groups.
_DIGIT_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
                                  "|": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                                  "G": "6", "g": "9", "T": "7", "§": "8", "†": "1"})
_DIGITISH_RE = re.compile(r"(?<![A-Za-zÀ-ỹ])[0-9OoDQlIi|!SsBZzGgT§†]*\d[0-9OoDQlIi|!SsBZzGgT§†]*(?![A-Za-zÀ-ỹ])")
# "ngày 05 tháng 3 năm 1990", also as OCR garbles the words ("ngay II thong 01 nom 2025")
_WORD_DATE_RE = re.compile(  # "ngày" may have gone with the label: "Sinh ngày | 01 tháng 01 năm 2000"
    r"(?:ng[a-z]{1,2}|(?<![\w/.\-]))\s*([\dil|]{1,3})\s*,?\s*th[a-z]{2,3}\s*([\dil|]{1,3})\s*,?\s*n[a-z]m\s*(\d{4})")
_ONES = str.maketrans({"i": "1", "l": "1", "|": "1"})
_NUM_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[/\-.,:]\s*(\d{1,2})\s*[/\-.,:]\s*(\d{4})(?!\d)")  # ":": a misread "/"
_COMPACT_DATE_RE = re.compile(r"(?<!\d)(\d{2})(\d{2})((?:19|20)\d{2})(?!\d)")
YEAR_RE = re.compile(r"(?<!\d)((?:18|19|20|21)\d{2})(?!\d)")
_LEADING_ONE_RE = re.compile(r"(?<![A-Za-zÀ-ỹ])[Iil|](?=[.,]\d{3})")  # "I.220.000.000"


def fix_digits(text: str) -> str:
    text = _LEADING_ONE_RE.sub("1", text)
    return _DIGITISH_RE.sub(lambda m: m.group(0).translate(_DIGIT_LOOKALIKE), text)


def make_date(day: int, month: int, year: int) -> str | None:
    """``YYYY-MM-DD`` when the date exists, else ``None``."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _speck_date(day: str, month: str, year: int) -> str | None:
    """A day or month read with a speck in front ("tháng S8" → "58"): keep its last digit(s)."""
    if int(day) <= 31 and int(month) <= 12 and len(day) <= 2 and len(month) <= 2:
        return None  # a real but impossible date (31/02): not a speck
    for d in dict.fromkeys((day[-2:], day[-1:])):
        for mo in dict.fromkeys((month[-2:], month[-1:])):
            if (d, mo) != (day, month):
                iso = make_date(int(d), int(mo), year)
                if iso:
                    return iso
    return None


#: dotted leaders a date was written over ("…….……. 13 / …….……. 09 / ……. 1971"); single dots separate
_LEADERS_RE = re.compile(r"[.…_·]{2,}|…")


def parse_date(text: str) -> Parsed:
    """Any printed date → ``YYYY-MM-DD``.

    Accepts ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``ngày 05 tháng 3 năm 1990`` and
    digits split by OCR (``0 5/03/19 90``). A bare year gives no value (flag ``year_only``).

    Args:
        text: the printed value.

    Returns:
        The ISO date (or the year), and flags (``invalid_date`` for a day that does not exist).
    """
    s = fix_digits(fold(_LEADERS_RE.sub(" ", nfc(text))))
    squeezed = re.sub(r"(?<=\d)\s+(?=\d)", "", s)
    for pattern, source in ((_WORD_DATE_RE, s), (_WORD_DATE_RE, squeezed), (_NUM_DATE_RE, s),
                            (_NUM_DATE_RE, squeezed), (_COMPACT_DATE_RE, squeezed)):
        m = pattern.search(source)
        if m:
            day, month = m[1].translate(_ONES), m[2].translate(_ONES)
            iso = make_date(int(day), int(month), int(m[3])) or _speck_date(day, month, int(m[3]))
            return (iso, ()) if iso else (None, ("invalid_date",))
    repaired = _repaired_date(squeezed)
    if repaired:
        return repaired, (DATE_REPAIRED,)
    if YEAR_RE.search(squeezed):
        return None, ("year_only",)  # a birth year is not a date: leave the field to a full date
    return None, ()


DATE_REPAIRED = "date_repaired"
_DATE_RUN_RE = re.compile(r"\d[\d/.\-:]{6,11}\d")
#: what OCR makes of the "/" between the parts of a date: nothing, or a one or a seven
_MISREAD_SEPARATORS = ("", "1", "7")


def _date_readings(run: str) -> list[tuple[float, str]]:
    """Every way to read ``run`` as day, separator, month, separator, four-digit year, with its cost."""
    out: list[tuple[float, str]] = []
    for dl in (2, 1):
        day, rest = run[:dl], run[dl:]
        for sep1 in ("/", ".", "-", ":", *_MISREAD_SEPARATORS):
            if not day.isdigit() or not rest.startswith(sep1):
                continue
            after = rest[len(sep1):]
            for ml in (2, 1):
                month, tail = after[:ml], after[ml:]
                for sep2 in ("/", ".", "-", ":", *_MISREAD_SEPARATORS):
                    year = tail[len(sep2):]
                    if not (month.isdigit() and tail.startswith(sep2) and len(year) == 4 and year.isdigit()):
                        continue
                    iso = make_date(int(day), int(month), int(year))
                    if iso and 1900 <= int(year) <= 2100:
                        cost = sum(sep not in "/.-:" or not sep for sep in (sep1, sep2)) + 0.5 * ((dl == 1) + (ml == 1))
                        out.append((cost, iso))
    return out


def _repaired_date(text: str) -> str | None:
    """A ``dd/mm/yyyy`` date whose separator OCR lost or read as a digit ("210711965", "21/0712025").

    Every reading of the digit run is tried; the cheapest (fewest repaired separators, two-digit
    day and month preferred) wins when it is the only cheapest one.
    """
    for run in _DATE_RUN_RE.findall(text):
        readings = _date_readings(run)
        if readings:
            best = min(c for c, _ in readings)
            dates = {iso for c, iso in readings if c == best}
            if len(dates) == 1:
                return dates.pop()
    return None
