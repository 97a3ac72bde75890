"""A stack is split where a new document starts; blank pages and separator sheets belong to none."""

from __future__ import annotations

from pipeline.stacks import PageVerdict, is_separator, split
from pipeline.types import OcrPage, Word
from schemas.documents import DocType

T = DocType


def _page(number: int, text: str, *, blank: bool = False) -> OcrPage:
    words = tuple(Word(text=t, box=(i * 10, 0, i * 10 + 9, 10), conf=0.9, line=0) for i, t in enumerate(text.split()))
    return OcrPage(number=number, words=() if blank else words, width=100, height=100, dpi=300, blank=blank)


def _judge(table: dict[int, PageVerdict]):
    return lambda page: table[page.number]


def test_form_then_id_card_front_and_back_then_birth_certificate() -> None:
    pages = [_page(i, f"page {i} text with enough words") for i in range(1, 6)]
    verdicts = {
        1: PageVerdict(T.TO_KHAI, 0.95, True),
        2: PageVerdict(T.TO_KHAI, 0.40, False),  # second page of the form: no title
        3: PageVerdict(T.CAN_CUOC, 0.97, True),
        4: PageVerdict(T.CAN_CUOC, 0.90, False),  # the card's back
        5: PageVerdict(T.KHAI_SINH, 0.93, True),
    }
    segments = split(pages, _judge(verdicts))
    assert [s.page_range for s in segments] == [(1, 2), (3, 4), (5, 5)]


def test_blank_pages_and_separator_sheets_split_and_belong_to_no_document() -> None:
    pages = [
        _page(1, "to khai text"),
        _page(2, "", blank=True),
        _page(3, "TỜ PHÂN CÁCH HỒ SƠ"),
        _page(4, "giay khai sinh"),
        _page(5, "trang hai"),
    ]
    verdicts = {n: PageVerdict(T.KHAC, 0.3, False) for n in (1, 4, 5)}
    segments = split(pages, _judge(verdicts))
    assert [s.pages for s in segments] == [(1,), (4, 5)]


def test_confident_other_type_without_a_title_still_opens_a_document() -> None:
    pages = [_page(i, "some words here") for i in (1, 2)]
    verdicts = {1: PageVerdict(T.KHAI_SINH, 0.95, True), 2: PageVerdict(T.KET_HON, 0.92, False)}
    assert len(split(pages, _judge(verdicts))) == 2


def test_unsure_page_stays_with_the_document_before_it() -> None:
    pages = [_page(i, "some words here") for i in (1, 2, 3)]
    verdicts = {
        1: PageVerdict(T.QSDD, 0.95, True),
        2: PageVerdict(T.HO_KINH_DOANH, 0.60, False),
        3: PageVerdict(T.QSDD, 0.50, False),
    }
    assert [s.pages for s in split(pages, _judge(verdicts))] == [(1, 2, 3)]


def test_only_blank_pages_keep_every_page_in_one_segment() -> None:
    pages = [_page(1, "", blank=True), _page(2, "", blank=True)]
    assert [s.pages for s in split(pages, _judge({}))] == [(1, 2)]


def test_separator_needs_few_words_and_the_word() -> None:
    assert is_separator(_page(1, "PHAN CACH"))
    assert not is_separator(_page(1, " ".join(["phân cách"] + ["chữ"] * 40)))
    assert not is_separator(_page(1, "Họ và tên Nguyễn Văn An"))
