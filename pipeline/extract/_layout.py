"""The text of a document as lines of tokens, each token tied to the OCR word (and box) it came from.

An OCR word may hold several tokens (``sinh/Date``, ``tên:NGUYỄN``): it is split at ``/ : ; |``
so that each half can anchor a label, and the separator is remembered because a short label
only counts at the start of a line or right after a ``/`` (bilingual ID-card labels).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.lexicon import fold_key, nfc
from pipeline.types import OcrPage, Word
from schemas.documents import BBox

_SPLIT_RE = re.compile(r"([/:;|])")
_GLUED_NUMBER_RE = re.compile(r"^(\d{1,2}[.)])(?=[^\W\d_])")  # "2.Ngàysinh" → "2." + "Ngàysinh"
#: a form's footnote mark glued to a label ("tên(1):", "CMND(*):"): it points to a note, it is not text
_FOOTNOTE_RE = re.compile(r"(?<=[^\W\d_])\((?:\d{1,2}|\*{1,3})\)")
#: a short token of letters and digits mixed ("C9", "l1"): a misread word, neither a number nor a word
GARBLED_RE = re.compile(r"^(?=.*\d)(?=.*[^\W\d_])\w{2,3}$")
NUMBERING_RE = re.compile(r"^(\(?\d{1,2}[.)]|\(?[a-zđ][.)]|[-+•*–—·])$", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    """A piece of an OCR word.

    Attributes:
        text: the piece as read (NFC), without the separator.
        key: diacritic-folded, lower case, punctuation removed; ``""`` for pure punctuation.
        word: the OCR word it came from.
        page: the page number of that word.
        after_slash: a ``/`` stood right before this piece (inside the word or as the previous word).
        colon_after: a ``:`` follows the piece.
        tail: the separators that followed the piece inside its word (``/`` of ``12/2023``).
    """

    text: str
    key: str
    word: Word
    page: int
    after_slash: bool = False
    colon_after: bool = False
    tail: str = ""


@dataclass(frozen=True)
class Line:
    """One OCR line of one page, as tokens.

    Attributes:
        page: page number.
        index: position of the line in the document (all pages), from 0.
        tokens: the tokens in reading order.
        width: width of the page image in pixels.
        height: height of the page image in pixels.
    """

    page: int
    index: int
    tokens: tuple[Token, ...]
    width: int
    height: int

    @property
    def text(self) -> str:
        words: list[Word] = []
        for tok in self.tokens:
            if not words or words[-1] is not tok.word:
                words.append(tok.word)
        return " ".join(w.text for w in words)

    @property
    def top(self) -> int:
        return min((t.word.box[1] for t in self.tokens), default=0)

    @property
    def left(self) -> int:
        return min((t.word.box[0] for t in self.tokens), default=0)

    @property
    def right(self) -> int:
        return max((t.word.box[2] for t in self.tokens), default=0)

    def start(self) -> int:
        """Index of the first token after list numbering (``1.``, ``a)``, ``-``)."""
        i = 0
        while i < len(self.tokens) and (
            NUMBERING_RE.match(self.tokens[i].text) or not self.tokens[i].key
            or (len(self.tokens[i].text) == 1 and not self.tokens[i].text.isdigit())  # specks, bullets
            or GARBLED_RE.match(self.tokens[i].text)  # "C9 giá trị đến": a label's first letters misread
        ):
            i += 1
        return i


def _split_word(word: Word, page: int, slash_before: bool) -> list[Token]:
    text = _FOOTNOTE_RE.sub("", nfc(word.text))
    glued = _GLUED_NUMBER_RE.match(text)
    parts = ([glued.group(1)] if glued else []) + _SPLIT_RE.split(text[glued.end():] if glued else text)
    tokens: list[Token] = []
    pending_slash = slash_before
    for part in parts:
        if not part:
            continue
        if _SPLIT_RE.fullmatch(part):
            if tokens:
                last = tokens[-1]
                tokens[-1] = Token(last.text, last.key, last.word, last.page, last.after_slash,
                                   last.colon_after or part in ":;", last.tail + part)
            pending_slash = pending_slash or part in "/|"
            continue
        tokens.append(Token(part, fold_key(part), word, page, pending_slash))
        pending_slash = False
    return tokens


_ADMIN_UNITS = {"phuong", "xa", "quan", "huyen", "tinh", "thanh", "thi"}
#: first halves of two-word unit names: "Thành" alone is a name ("Châu Thành A"), "Thành phố" a unit
_HALF_UNITS = {"thanh": {"pho"}, "thi": {"xa", "tran"}}


def tokens_text(tokens: Sequence[Token]) -> str:
    """The text of consecutive tokens as printed (separators inside a word kept).

    Where a value wraps onto a new row that opens with an administrative unit ("Thị xã …")
    and the row above ended without a comma, the comma OCR lost is put back.
    """
    out = ""
    for i, tok in enumerate(tokens):
        out += tok.text
        if i + 1 == len(tokens):
            break
        nxt = tokens[i + 1]
        if nxt.word is tok.word:
            out += tok.tail
            continue
        new_row = nxt.word.box[1] > tok.word.box[3]
        after = tokens[i + 2].key if i + 2 < len(tokens) else ""
        unit = nxt.key in _ADMIN_UNITS and (nxt.key not in _HALF_UNITS or after in _HALF_UNITS[nxt.key])
        if new_row and unit and nxt.text[:1].isupper() and not out.endswith((",", "-")):
            out += ","
        out += " "
    return out


def _rows(page: OcrPage) -> list[list[Word]]:
    """OCR lines merged into visual rows: tesseract reads wide two-column rows as separate blocks."""
    boxes = []
    for words in page.lines():
        x0, y0 = min(w.box[0] for w in words), min(w.box[1] for w in words)
        x1, y1 = max(w.box[2] for w in words), max(w.box[3] for w in words)
        boxes.append(((x0, y0, x1, y1), words))
    rows: list[tuple[list[tuple[int, int, int, int]], list[Word]]] = []
    for box, words in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        for row_boxes, row_words in rows:
            if all(_same_row(box, other) for other in row_boxes):
                row_boxes.append(box)
                row_words.extend(words)
                break
        else:
            rows.append(([box], list(words)))
    ordered = sorted(rows, key=lambda r: min(b[1] for b in r[0]))
    return [sorted(words, key=lambda w: w.box[0]) for _, words in ordered]


def _same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    height = min(a[3] - a[1], b[3] - b[1])
    apart = a[2] <= b[0] or b[2] <= a[0]
    return apart and height > 0 and overlap >= 0.5 * height


def build_lines(pages: Sequence[OcrPage]) -> list[Line]:
    """All lines of ``pages`` in reading order, tokenized (side-by-side OCR lines joined into rows).

    Args:
        pages: OCR pages of one document, in order.

    Returns:
        One :class:`Line` per visual row that holds at least one token.
    """
    lines: list[Line] = []
    for page in pages:
        for words in _rows(page):
            tokens: list[Token] = []
            slash = False
            for word in words:
                split = _split_word(word, page.number, slash)
                slash = word.text.strip().endswith(("/", "|")) or (not split and "/" in word.text)
                tokens.extend(split)
            if tokens:
                lines.append(Line(page.number, len(lines), tuple(tokens), page.width, page.height))
    return lines


def union_box(words: Sequence[Word]) -> BBox | None:
    """The smallest box holding every word, or ``None`` for no words."""
    if not words:
        return None
    return BBox(
        x0=min(w.box[0] for w in words), y0=min(w.box[1] for w in words),
        x1=max(w.box[2] for w in words), y1=max(w.box[3] for w in words),
    )


def distinct_words(tokens: Sequence[Token]) -> list[Word]:
    """The OCR words behind ``tokens``, each once, in order."""
    out: list[Word] = []
    for tok in tokens:
        if not any(w is tok.word for w in out):
            out.append(tok.word)
    return out
