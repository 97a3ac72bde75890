"""The real-document bench's scoring helpers: CER normalization, the quality proxy, transcript lookup."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bench._real import cer, quality, split_pages, transcript
from bench.real import OurPage, Row, totals


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


def _row(cer_ours: float | None, cer_raw: float | None, *, words: int = 10, second: bool = False,
         source: str = "ocr") -> Row:
    truth_words = 10 if cer_ours is not None else None
    return Row("f", 1, truth_words, cer_ours, cer_raw, words, words, 1.0, 1.0,
               OurPage("", "khac", None, source, None, second, None), 1.0, 2.0)


def test_totals_mean_cer_gain_worse_pages_and_second_reads() -> None:
    rows = [_row(0.10, 0.20), _row(0.30, 0.20, second=True), _row(None, None, source="text_layer"),
            _row(0.0, 0.1, words=4)]
    t = totals(rows)
    assert t["transcript_pages"] == 3
    assert t["mean_cer_sohoa"] == pytest.approx(0.4 / 3)
    assert t["mean_cer_raw"] == pytest.approx(0.5 / 3)
    assert t["relative_gain"] == pytest.approx(1 - 0.4 / 0.5)
    assert t["worse_pages"] == ["f p1"]
    assert t["empty_transcript_pages"] == ["f p1"]  # 4 words of 10
    assert t["proxy_worse_pages"] == []
    assert (t["second_reads"], t["ocr_pages"]) == (1, 3)
    assert t["pages_per_minute_sohoa"] == pytest.approx(4 / 4 * 60)
    assert t["pages_per_minute_raw"] == pytest.approx(4 / 8 * 60)


def test_pages_without_transcript_are_flagged_on_fewer_valid_words_not_on_more_text() -> None:
    def proxy(name: str, words: int, valid: float, raw_words: int, raw_valid: float) -> Row:
        return Row(name, 1, None, None, None, words, raw_words, valid, raw_valid,
                   OurPage("", None, None, "ocr", None, False, None), 1.0, 1.0)

    rows = [proxy("fewer", 50, 1.0, 100, 1.0), proxy("garbled", 100, 0.90, 100, 0.95),
            proxy("more but noisier", 60, 0.74, 12, 0.92), proxy("same", 100, 0.95, 100, 0.95)]
    assert totals(rows)["proxy_worse_pages"] == ["fewer p1", "garbled p1"]
