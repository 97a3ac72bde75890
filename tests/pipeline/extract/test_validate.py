"""Validation flags what OCR got wrong; it never changes a value."""

from __future__ import annotations

from datetime import date

from pipeline.extract import _validate as v


def test_consistent_id_number_has_no_flags() -> None:
    assert v.check_id_number("001090012345", birth="1990-03-05", sex="Nam") == ()
    assert v.check_id_number("035199000123", birth="1999-01-01", sex="Nữ") == ()
    assert v.check_id_number("079305001234", birth="2005-06-01", sex="Nữ") == ()


def test_birth_year_disagreeing_with_the_id_is_flagged() -> None:
    assert v.ID_BIRTH_YEAR_MISMATCH in v.check_id_number("001090012345", birth="1991-03-05")


def test_century_digit_disagreeing_with_the_birth_year_is_flagged() -> None:
    assert v.ID_CENTURY_MISMATCH in v.check_id_number("001290012345", birth="1990-03-05")


def test_sex_digit_disagreeing_with_the_sex_is_flagged() -> None:
    assert v.check_id_number("001090012345", sex="Nữ") == (v.ID_SEX_MISMATCH,)


def test_province_code_outside_the_table_is_flagged() -> None:
    assert v.ID_PROVINCE_UNKNOWN in v.check_id_number("003090012345")


def test_an_id_of_the_wrong_shape_is_flagged() -> None:
    assert v.check_id_number("00109001234") == (v.INVALID_ID_FORMAT,)


def test_birth_in_the_future_and_before_1900_are_flagged() -> None:
    today = date(2025, 1, 1)
    assert v.check_date("2030-01-01", today=today, past_only=True) == (v.DATE_IN_FUTURE,)
    assert v.check_date("1850-01-01", today=today, past_only=True) == (v.IMPLAUSIBLE_DATE,)
    assert v.check_date("2030-01-01", today=today, past_only=False) == ()


def test_expiry_before_birth_is_flagged() -> None:
    assert v.check_order("1990-01-01", "1989-12-31", v.EXPIRY_BEFORE_BIRTH) == (v.EXPIRY_BEFORE_BIRTH,)
    assert v.check_order("1990-01-01", "2030-01-01", v.EXPIRY_BEFORE_BIRTH) == ()
