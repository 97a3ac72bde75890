"""The real-document bench's scoring helpers: CER normalization, the quality proxy, transcript lookup."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bench._real import cer, quality, split_pages, transcript


def test_cer_ignores_unicode_form_and_layout_white_space() -> None:
    truth = "Ủy ban nhân dân\ntỉnh Quảng Ngãi"
    decomposed = unicodedata.normalize("NFD", "Ủy  ban nhân dân   tỉnh\n\nQuảng Ngãi ")
    assert cer(decomposed, truth) == 0.0


def test_cer_drops_dotted_leaders_on_both_sides() -> None:
    assert cer("Họ và tên: ........ Nguyễn Văn A", "Họ và tên: Nguyễn Văn A") == 0.0


def test_cer_counts_diacritics_and_case_as_errors() -> None:
    # one substitution (ấ -> a) over 5 characters of truth
    assert cer("Sa số", "Sấ số") == pytest.approx(1 / 5)
    assert cer("sấ số", "Sấ số") == pytest.approx(1 / 5)


def test_cer_is_distance_over_truth_length_and_can_pass_one() -> None:
    assert cer("", "abcd") == 1.0
    assert cer("abcdabcd", "abcd") == 1.0
    assert cer("xyzxyzxyz", "ab") > 1.0
    assert cer("", "") == 0.0
    assert cer("a", "") == 1.0


def test_quality_counts_syllables_numbers_and_codes_as_valid_and_garbage_not() -> None:
    q = quality("Số: 299/UBND-TTHC ngày 15/01/2025, Quảng Ngãi. tiAmx ,,, |||")
    # words: Số 299/UBND-TTHC ngày 15/01/2025 Quảng Ngãi tiAmx ||| (",,," strips to nothing)
    assert q.words == 8
    assert q.valid == 6
    assert q.share == pytest.approx(6 / 8)
    assert quality("").share == 0.0


def test_quality_rejects_a_word_with_a_stray_digit() -> None:
    assert quality("Ngh1ị").valid == 0


def test_split_pages_drops_the_empty_page_after_the_last_form_feed() -> None:
    assert split_pages("one\ftwo\f") == ["one", "two"]
    assert split_pages("one") == ["one"]


def test_transcript_of_a_page_a_damaged_copy_and_a_split_dump(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text("# made by hand\n\nthe letter\n", encoding="utf-8")
    (tmp_path / "scan.p1.txt").write_text("# note\npage one\n", encoding="utf-8")
    (tmp_path / "notice.txt").write_text("first\fsecond\f", encoding="utf-8")

    assert transcript(tmp_path / "letter.jpg", 1, 1) == "the letter"
    assert transcript(tmp_path / "letter-blur.jpg", 1, 1) == "the letter"
    assert transcript(tmp_path / "scan.pdf", 1, 2) == "page one"
    assert transcript(tmp_path / "scan.pdf", 2, 2) is None
    assert transcript(tmp_path / "notice.pdf", 2, 2) == "second"
    # a dump whose page count differs from the file's is nobody's truth
    assert transcript(tmp_path / "notice.pdf", 1, 3) is None
    # a transcript without form feeds is the truth of a one-page file only
    assert transcript(tmp_path / "letter.pdf", 1, 2) is None
    assert transcript(tmp_path / "other.png", 1, 1) is None
