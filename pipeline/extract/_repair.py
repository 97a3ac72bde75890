"""Single-digit repairs where the ID number's structure leaves exactly one reading.

``so_dinh_danh`` encodes the province of birth registration, the sex and century, and the
year of birth (DESIGN.md). When the printed number fails that structure and exactly one
changed digit makes it agree with itself, the date of birth and the sex, that digit was
almost surely misread: the number is repaired and flagged ``id_repaired``. A printed birth
year that cannot be (before 1900) is repaired from the number the same way, only when one
digit separates the two, and flagged ``date_repaired``. Anything less certain is left to
the flags of :mod:`pipeline.extract._validate`.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.extract._dates import DATE_REPAIRED
from pipeline.extract._normalize import INVALID_ID_LENGTH
from pipeline.extract._validate import ID_PROVINCE_UNKNOWN, check_id_number, id_sex_century
from schemas.documents import FieldValue

ID_REPAIRED = "id_repaired"
_FACTOR = 0.7
#: the ages at which a citizen identity card expires (Law on Identification 2023 Art. 21)
_CARD_AGES = frozenset((25, 40, 60))


def repaired_number(number: str, *, birth: str | None, sex: str | None) -> str | None:
    """The one number a single changed digit makes consistent, when the province code is what fails.

    Args:
        number: a 12-digit ``so_dinh_danh`` as read.
        birth: the date of birth read beside it, if any.
        sex: the sex read beside it, if any.

    Returns:
        The repaired number, or ``None`` when the number is consistent already, fails for
        another reason, or several single-digit changes would fix it.
    """
    if len(number) != 12 or not number.isdigit():
        return None
    if check_id_number(number, birth=birth, sex=sex) != (ID_PROVINCE_UNKNOWN,):
        return None
    fixes = {number[:i] + d + number[i + 1:] for i in range(3) for d in "0123456789" if d != number[i]}
    fits = [n for n in fixes if not check_id_number(n, birth=birth, sex=sex)]
    return fits[0] if len(fits) == 1 else None


def restored_zero(number: str, *, birth: str | None) -> str | None:
    """An 11-digit number read without its leading zero (every province code starts with one),
    restored only when the date of birth confirms the century and year it then encodes."""
    if len(number) != 11 or not number.isdigit() or not birth:
        return None
    padded = "0" + number
    return padded if not check_id_number(padded, birth=birth) else None


def repaired_birth(birth: str, number: str | None, expiry: str | None = None) -> str | None:
    """The birth date with the year the ID number encodes, where one digit separates the two and the
    printed year cannot be: before 1900, or at odds with a card's expiry (a citizen card runs to the
    holder's 25th, 40th or 60th birthday) that agrees with the number.
    """
    if not number or len(birth) != 10 or not birth[:4].isdigit():
        return None
    decoded = id_sex_century(number)
    if decoded is None:
        return None
    year = decoded[1] + int(number[4:6])
    if sum(a != b for a, b in zip(str(year), birth[:4], strict=True)) != 1:
        return None
    printed = int(birth[:4])
    ends = int(expiry[:4]) if expiry and expiry[:4].isdigit() else None
    if printed >= 1900 and not (ends and ends - year in _CARD_AGES and ends - printed not in _CARD_AGES):
        return None
    return f"{year}{birth[4:]}"


def _mark(fv: FieldValue, value: str, flag: str) -> FieldValue:
    return fv.model_copy(update={"value": value, "confidence": fv.confidence * _FACTOR, "flags": (*fv.flags, flag)})


def set_aside_short(fields: dict[str, FieldValue], id_fields: Sequence[str]) -> dict[str, FieldValue]:
    """Take out ID numbers read with 11 digits, so later passes still look for a whole one."""
    return {name: fields.pop(name) for name in id_fields
            if name in fields and INVALID_ID_LENGTH in fields[name].flags}


def repair_ids(fields: dict[str, FieldValue], groups: Sequence[tuple[str, str, str | None]],
               short: dict[str, FieldValue] | None = None) -> None:
    """Repair, in place, each (number, birth, sex) group where the structure leaves one reading.

    Args:
        fields: the extracted fields, changed in place.
        groups: (number field, birth field, sex field or ``None``) triples.
        short: numbers set aside by :func:`set_aside_short`, restored where still missing.
    """
    for id_field, birth_field, sex_field in groups:
        number, birth = fields.get(id_field), fields.get(birth_field)
        sex = fields.get(sex_field) if sex_field else None
        lost = (short or {}).get(id_field)
        if number is None and lost is not None and lost.value:
            padded = restored_zero(lost.value, birth=birth.value if birth else None)
            if padded:
                flags = tuple(f for f in lost.flags if f != INVALID_ID_LENGTH)
                number = fields[id_field] = _mark(lost.model_copy(update={"flags": flags}), padded, ID_REPAIRED)
        if birth and birth.value and number and number.value:
            expiry = fields.get("co_gia_tri_den")
            fixed_birth = repaired_birth(birth.value, number.value, expiry.value if expiry else None)
            if fixed_birth:
                birth = fields[birth_field] = _mark(birth, fixed_birth, DATE_REPAIRED)
        if number and number.value:
            fixed = repaired_number(number.value, birth=birth.value if birth else None, sex=sex.value if sex else None)
            if fixed:
                fields[id_field] = _mark(number, fixed, ID_REPAIRED)
