"""Where a value starts, where it ends and whether the next row carries it on.

A value starts after its label (and after what still belongs to the label: "(ghi bằng
chữ in hoa)", "người yêu cầu:"), ends at the next label, a wide gap or the end of the row,
and may wrap onto the rows below. Only the part of a row under the value's own column
counts: on an ID card the photo and the expiry stand to the left of the fields, and what
OCR reads there is no part of an address.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.extract._layout import Line, Token
from pipeline.lexicon import fold, nfc

PLACE_DATE_RE = re.compile(r",?\s*ngay\s*\S{1,3}\s*thang\s*\S{1,3}\s*nam\s*\S{2,5}\s*$")
#: words an address line may start with when it continues the line above
UNIT_WORDS = {"phuong", "xa", "quan", "huyen", "tinh", "thanh", "thi", "thon", "ap", "to", "khu", "so", "duong",
              "pho", "ngo", "hem", "ban", "xom", "tp", "khoi", "lang", "tt", "tx", "p", "q", "h", "kp", "cum"}
#: unit words that cannot end an address: a value ending with one goes on below ("…, Phường" / "Minh Khai")
_OPEN_UNITS = {"phường", "xã", "quận", "huyện", "tỉnh", "thành phố", "thị xã", "thị trấn", "thôn", "ấp", "xóm", "tổ",
               "đường", "phố", "ngõ", "hẻm", "số", "số nhà", "khu", "bản"}


def height_of(tokens: Sequence[Token]) -> int:
    """The typical text height of ``tokens`` (their median box height), at least 1."""
    heights = sorted(t.word.box[3] - t.word.box[1] for t in tokens)
    return max(1, heights[len(heights) // 2]) if heights else 1


def text_right(lines: Sequence[Line]) -> dict[int, int]:
    """The right edge of each page's text: where most full rows end (a speck at the border does not count)."""
    rights: dict[int, list[int]] = {}
    for line in lines:
        if len(line.tokens) >= 3:
            rights.setdefault(line.page, []).append(line.right)
    out = {page: sorted(r)[int(0.9 * (len(r) - 1))] for page, r in rights.items()}
    for line in lines:
        out.setdefault(line.page, line.right)
    return out


def in_span(tokens: Sequence[Token], left: int, right: int | None = None) -> list[Token]:
    """The tokens whose word starts at or right of ``left`` (and left of ``right``, if given)."""
    return [t for t in tokens if t.word.box[0] >= left and (right is None or t.word.box[0] < right)]


#: a form's footnote mark after its label, its opening parenthesis lost in OCR ("Số CMND/CCCD 2) …")
_FOOTNOTE_RE = re.compile(r"^\(?(?:\d{1,2}|\*{1,3})\)$")


def skip_parenthetical(tokens: Sequence[Token]) -> Sequence[Token]:
    """Drop what still belongs to the label: "(ghi bằng chữ in hoa)", "người yêu cầu:", "(nếu có):", "(2)"."""
    if len(tokens) > 1 and _FOOTNOTE_RE.match(tokens[0].text):
        return skip_parenthetical(tokens[1:])
    if tokens and tokens[0].text.startswith("("):
        for i, tok in enumerate(tokens):
            if tok.text.endswith(")"):
                return skip_parenthetical(tokens[i + 1:])
    for i, tok in enumerate(tokens[:4]):
        english = tok.after_slash or (i > 0 and tok.text.isascii() and tok.text.isalpha())
        if not (tok.text[:1].islower() or tok.text.startswith("(") or tok.text.endswith(")") or english):
            break
        if tok.colon_after:
            return tokens[i + 1:]
    return tokens


def _open_end(value: Sequence[Token]) -> bool:
    """The value ends with a unit word or a separator: the address cannot stop there."""
    last = value[-1]
    if last.text.endswith((",", "-")):
        return True
    words = [nfc(t.text).lower().strip(".:;") for t in value[-2:]]
    return words[-1] in _OPEN_UNITS or " ".join(words) in _OPEN_UNITS


def continues(value: list[Token], row: Sequence[Token], line: Line, *, wrapped: bool) -> bool:
    """Whether the tokens ``row`` (a row under the value, in its column) carry on the value.

    Args:
        value: the value so far.
        row: the tokens of the next row that stand in the value's column.
        line: that row.
        wrapped: the row above ran to the right margin (a long value wrapped).
    """
    keyed = [t for t in row if t.key]
    if not keyed:
        return False
    first = keyed[0]
    words = len({t.word.box for t in row})
    if row[0].text in {"-", "–"} or first.text[:1].islower():
        return True  # "- Tháp Chàm, …", "doanh"
    if value and _open_end(value):
        return True
    if first.key in UNIT_WORDS and words <= 10:
        return True  # "Thị xã Duy Tiên, Tỉnh Hà Nam"
    if value and _place_tail(value, keyed, line):
        return True
    text = " ".join(t.text for t in row)
    sentence = first.text[:1].isupper() and (("," not in text and words >= 4) or words > 8)
    return wrapped and not sentence and words <= 12


def _place_tail(value: list[Token], names: list[Token], line: Line) -> bool:
    """"Minh Khai, Tân An," / "Long An": a short capitalized row under an address in progress."""
    left = min(t.word.box[0] for t in names)
    aligned = abs(left - value[0].word.box[0]) <= 0.1 * line.width or abs(left - min(
        t.word.box[0] for t in value)) <= 0.1 * line.width
    return (any("," in t.text for t in value) and 0 < len(names) <= 3 and aligned
            and all(t.text[:1].isupper() and t.text.strip(",.").isalpha() for t in names))


def until_gap(value: list[Token]) -> list[Token]:
    """A value ends where a wide gap opens on its row (the next column of a table starts)."""
    for k in range(1, len(value)):
        a, b = value[k - 1].word, value[k].word
        if a is b or b.box[1] > a.box[3] or b.box[3] < a.box[1]:
            continue  # same word, or the value goes on on the next row
        height = max(1, a.box[3] - a.box[1], b.box[3] - b.box[1])
        if b.box[0] - a.box[2] > 3 * height and any(t.key for t in value[:k]):
            return value[:k]
    return value


def is_structural(line: Line) -> bool:
    """Place-date lines and upper-case headings are never part of a value."""
    text = line.text
    if PLACE_DATE_RE.search(fold(text)):
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) / len(letters) > 0.9
