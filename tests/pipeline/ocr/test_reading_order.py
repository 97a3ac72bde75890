"""A page's text is read block by block where two blocks stand side by side, and row by row elsewhere."""

from __future__ import annotations

from pipeline.ocr import reading_lines, reading_text, rows
from pipeline.types import Word

#: word height in pixels of these made-up pages (a 200-dpi page's 13-pt text)
H = 30


def _row(y: int, *parts: tuple[int, str], line: int) -> list[Word]:
    """Words of one printed row: each part starts at its x and its words are 12 px apart."""
    words: list[Word] = []
    for x, text in parts:
        for token in text.split():
            width = 16 * len(token)
            words.append(Word(text=token, box=(x, y, x + width, y + H), conf=0.9, line=line))
            x += width + 12
    return words


def _page(*layout: tuple[tuple[int, str], ...]) -> list[Word]:
    return [w for i, parts in enumerate(layout) for w in _row(100 + 45 * i, *parts, line=i)]


def test_a_recipients_list_beside_a_signature_block_is_read_list_first() -> None:
    words = _page(
        ((100, "Nay thông báo để các sở, ngành, đơn vị có liên quan triển khai thực hiện ./."),),
        ((100, "Nơi nhận:"), (1100, "TL. CHỦ TỊCH")),
        ((100, "- Thường trực Tỉnh ủy;"), (1020, "KT. CHÁNH VĂN PHÒNG")),
        ((100, "- Các sở, ngành: Kế hoạch và Đầu tư,"),),
        ((100, "- Hội LHPN tỉnh;"),),
        ((100, "- Tỉnh Đoàn;"),),
        ((100, "- Cổng TTĐT tỉnh;"),),
        ((100, "- UBND các huyện, thị xã, thành phố;"),),
        ((100, "- Lưu: VT."), (1100, "Phùng Tô Long")),
    )
    assert reading_text(words).splitlines() == [
        "Nay thông báo để các sở, ngành, đơn vị có liên quan triển khai thực hiện ./.",
        "Nơi nhận:", "- Thường trực Tỉnh ủy;", "- Các sở, ngành: Kế hoạch và Đầu tư,", "- Hội LHPN tỉnh;",
        "- Tỉnh Đoàn;", "- Cổng TTĐT tỉnh;", "- UBND các huyện, thị xã, thành phố;", "- Lưu: VT.",
        "TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "Phùng Tô Long",
    ]


def test_pairs_across_a_gutter_stay_rows() -> None:
    """Where most rows have text on both sides (a header, a form's fields), each row is read across."""
    words = _page(
        ((120, "ỦY BAN NHÂN DÂN"), (900, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")),
        ((120, "TỈNH QUẢNG NGÃI"), (980, "Độc lập - Tự do - Hạnh phúc")),
        ((100, "Kính gửi các sở, ban, ngành thuộc tỉnh và Ủy ban nhân dân các huyện, thị xã."),),
        ((100, "Sinh năm: 1989"), (900, "CCCD số: 068089799408")),
        ((100, "Giới tính: Nam"), (900, "Quốc tịch: Việt Nam")),
        ((100, "Dân tộc: Kinh"), (900, "Tôn giáo: Không")),
    )
    assert [" ".join(w.text for w in line) for line in reading_lines(words)] == [
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc",
        "Kính gửi các sở, ban, ngành thuộc tỉnh và Ủy ban nhân dân các huyện, thị xã.",
        "Sinh năm: 1989 CCCD số: 068089799408", "Giới tính: Nam Quốc tịch: Việt Nam", "Dân tộc: Kinh Tôn giáo: Không",
    ]


def test_one_row_with_a_wide_gap_stays_a_row() -> None:
    """A form's "label: value … label: value" row between lines of text: nothing stands beside a block."""
    words = _page(
        ((100, "Họ, chữ đệm và tên người yêu cầu: NGUYỄN VĂN AN"),),
        ((100, "Ngày sinh: 25/06/1984"), (900, "Giới tính: Nam")),
        ((100, "Nơi cư trú: thôn An Hòa, xã Tịnh Hà, huyện Sơn Tịnh, tỉnh Quảng Ngãi"),),
    )
    assert reading_text(words).splitlines()[1] == "Ngày sinh: 25/06/1984 Giới tính: Nam"


def test_running_text_keeps_its_lines_and_rows_are_unchanged() -> None:
    words = _page(*(((100, f"dòng thứ {i} của một đoạn văn bản dài chạy hết bề ngang trang giấy"),) for i in range(5)))
    assert reading_text(words).splitlines() == [f"dòng thứ {i} của một đoạn văn bản dài chạy hết bề ngang trang giấy"
                                               for i in range(5)]
    assert [w.line for w in rows(words)] == [w.line for w in words]


def test_no_words_no_lines() -> None:
    assert reading_lines([]) == []
    assert reading_text([]) == ""
