"""The printed title of a paper: the catalog's variants matched fuzzily near the top of page one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.doctypes import DocTypeSpec
from pipeline.extract._cleanup import clean_text
from pipeline.extract._layout import Line
from pipeline.lexicon import fold, fold_key

#: words of the national motto rows, which belong to no agency or title
NATIONAL_MOTTO = ("cong hoa xa hoi", "doc lap", "tu do", "hanh phuc", "socialist", "independence",
                  "viet nam", "freedom", "happiness")
#: the paper's number, "Số: 15/QĐ-UBND", on folded text
SO_RE = re.compile(r"(?:^|\s)s[o0]\s*[:.]\s*(?P<code>[0-9a-z][0-9a-z./\-]*\d[0-9a-z./\-]*|\d[0-9a-z./\-]*)",
                   re.IGNORECASE)
_AGENCY_HEADS = ("uy ban nhan dan", "ubnd", "cong an", "phong", "so", "trung tam", "cuc", "bo", "chi cuc",
                 "van phong", "truong", "dai hoc", "ban", "toa an", "vien", "hoi dong", "tong cuc", "benh vien",
                 "chi nhanh", "nha xuat ban", "hoc vien")


#: rows that continue an agency's name ("ỦY BAN NHÂN DÂN" / "PHƯỜNG KHƯƠNG MAI"), never a title
_UNIT_HEADS = {"phuong", "xa", "quan", "huyen", "tinh", "thi", "thanh"}
#: type names of administrative papers (Decree 30/2020 App. III), to spell an unknown paper's title
_TYPE_NAMES = {fold_key(t): t for t in (
    "QUYẾT ĐỊNH", "THÔNG BÁO", "BIÊN BẢN", "BÁO CÁO", "TỜ TRÌNH", "KẾ HOẠCH", "CÔNG VĂN", "GIẤY MỜI", "NGHỊ QUYẾT",
    "CHỈ THỊ", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "ĐỀ ÁN", "HỢP ĐỒNG", "GIẤY ỦY QUYỀN", "GIẤY GIỚI THIỆU",
    "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", "ĐƠN KHIẾU NẠI", "ĐƠN TỐ CÁO", "GIẤY PHÉP XÂY DỰNG", "GIẤY PHÉP LÁI XE", "HỘ CHIẾU",
)}


def printed_number(lines: Sequence[Line]) -> tuple[Line, str] | None:
    """The paper's own "Số: …" line near its top, and the number as printed.

    "CCCD số: …" or "Giấy tờ tùy thân số: …" number a person, not the paper: "Số" must open
    its line or follow something that is not a word.

    Args:
        lines: the paper's lines.

    Returns:
        ``(line, number)``, or ``None`` when the top of the paper prints none.
    """
    for line in lines[:12]:
        key = fold(line.text)
        for m in SO_RE.finditer(key):
            before = key[:m.start()].rstrip()
            if before and before[-1].isalnum():
                continue
            start = m.start("code")
            return line, line.text[start:start + len(m.group("code"))].strip(".-/")
    return None


def starts_agency(key: str) -> bool:
    """Whether folded ``key`` opens with an agency head word (ỦY BAN NHÂN DÂN, SỞ, PHÒNG …)."""
    return any(key == h or key.startswith(h + " ") for h in _AGENCY_HEADS)


@dataclass(frozen=True)
class Title:
    """The title found on the paper: its text and the lines it spans."""

    text: str
    first: int
    last: int


def upper_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0


def _runs(lines: Sequence[Line]) -> list[tuple[int, int, str]]:
    first_page = lines[0].page if lines else 0
    runs: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        if line.page != first_page or line.top > line.height * 0.75:
            break
        text = ""
        for j in range(i, min(i + 3, len(lines))):
            if lines[j].page != first_page:
                break
            text = (text + " " + lines[j].text).strip()
            runs.append((i, j, text))
    return runs


def _title_tail(text: str) -> bool:
    """A line that can continue a title: short, upper case, no colon, no list numbering."""
    words = text.split()
    return 0 < len(words) <= 7 and ":" not in text and not re.match(r"^[IVX\d]+[.)]", text) and upper_ratio(text) > 0.8


def find_title(spec: DocTypeSpec, lines: Sequence[Line]) -> Title | None:
    """The printed title of a ``spec`` paper, within the upper part of its first page.

    Args:
        spec: the catalog entry.
        lines: the document's lines.

    Returns:
        The title (canonical spelling for a fixed title, the read words for a prefix title
        such as "TỜ KHAI …"), or ``None`` when none is found.
    """
    best: tuple[float, Title] | None = None
    for i, j, text in _runs(lines):
        key = fold_key(text)
        for variant in spec.titles:
            vkey = fold_key(variant)
            score = fuzz.ratio(key, vkey)
            if score < 85 and spec.title_prefix and key.startswith(vkey[:3]):
                score = fuzz.ratio(key[: len(vkey)], vkey) - 1
                if score >= 85 and upper_ratio(text) > 0.8 and all(_title_tail(ln.text) for ln in lines[i + 1:j + 1]):
                    title = Title(clean_text(variant + text[len(variant):]).upper(), i, j)
                    score += (j - i) / 100  # the whole multi-line title
                    if best is None or score > best[0]:
                        best = (score, title)
                continue
            score += len(vkey) / 1000  # a tie goes to the longer title (two printed lines)
            if score >= 85 and (best is None or score > best[0]):
                best = (score, Title(variant, i, j))
    return best[1] if best else None


def khac_title_index(lines: Sequence[Line]) -> int:
    """Index of the first upper-case heading that is neither the national motto nor an agency."""
    for i, line in enumerate(lines[:12]):
        text = clean_text(line.text)
        key = fold_key(text)
        if (len(text) > 4 and upper_ratio(text) > 0.9 and not any(m in key for m in NATIONAL_MOTTO)
                and not starts_agency(key) and not SO_RE.search(fold(text)) and i >= 1
                and key.split()[0] not in _UNIT_HEADS):
            return i
    return min(len(lines), 6)


def type_name(text: str) -> str | None:
    """The type name of an administrative paper ``text`` reads as ("QUYET DINH" → "QUYẾT ĐỊNH"), if any."""
    key = fold_key(clean_text(text))
    if key in _TYPE_NAMES:
        return _TYPE_NAMES[key]
    best = max(_TYPE_NAMES, key=lambda k: fuzz.ratio(key, k))
    return _TYPE_NAMES[best] if len(key) >= 6 and fuzz.ratio(key, best) >= 90 else None


def khac_title(lines: Sequence[Line]) -> str | None:
    """The heading of an unknown paper (its title), if one stands out, spelled as its type name if it is one."""
    i = khac_title_index(lines)
    if i < len(lines) and i < 12:
        text = clean_text(lines[i].text)
        if upper_ratio(text) > 0.9 and not starts_agency(fold_key(text)):
            return type_name(text) or text
    return None
