"""Reading order: rows for forms (lines that share a row on the page become one line), blocks for text.

Tesseract's layout analysis may cut a printed row in two when the row has a
wide gap ("Ngày sinh: 25/06/1984        Giới tính: Nữ") or two columns (the
agency header beside the national motto), and then orders the halves by block,
not by row. Forms are read row by row, label then value, so lines whose
vertical extents overlap are joined left to right, and rows are ordered top to
bottom. Words keep their boxes, so a wide gap inside a row is still visible.

The text a person reads (a component's text, the records' search text) is
ordered by blocks instead (:func:`reading_lines`): extraction keeps its rows.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from statistics import median

from pipeline.ocr._check import word_is_plausible
from pipeline.types import Word

#: share of the smaller line height two lines must overlap vertically to share a row
ROW_OVERLAP = 0.5


def _band(words: list[Word]) -> tuple[float, float, float]:
    """(top, bottom, x0) of a line, using the median word top and bottom (robust to accents and commas)."""
    return (median(w.box[1] for w in words), median(w.box[3] for w in words), min(w.box[0] for w in words))


def rows(words: list[Word]) -> list[Word]:
    """Renumber ``line`` so that each printed row is one line, in reading order.

    Args:
        words: tesseract's words in its own reading order, with its line indices.

    Returns:
        The same words, ordered by row then left to right, ``line`` numbered from 0.
    """
    return [w for row in row_lines(words) for w in row]


def row_lines(words: list[Word]) -> list[list[Word]]:
    """The printed rows of the page (see :func:`rows`), each a list of its words left to right."""
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    bands = sorted(((_band(ws), ws) for ws in lines.values()), key=lambda b: (b[0][0] + b[0][1]) / 2)
    grouped: list[tuple[float, float, list[tuple[float, list[Word]]]]] = []
    for (top, bottom, x0), ws in bands:
        if grouped:
            g_top, g_bottom, members = grouped[-1]
            overlap = min(bottom, g_bottom) - max(top, g_top)
            if overlap >= ROW_OVERLAP * min(bottom - top, g_bottom - g_top):
                members.append((x0, ws))
                grouped[-1] = (min(top, g_top), max(bottom, g_bottom), members)
                continue
        grouped.append((top, bottom, [(x0, ws)]))
    out: list[list[Word]] = []
    for row, (_, _, members) in enumerate(grouped):
        out.append([replace(w, line=row) for _, ws in sorted(members, key=lambda m: m[0])
                    for w in sorted(ws, key=lambda w: w.box[0])])
    return out


#: a gutter between two side-by-side blocks is at least this many word heights wide (measured: word gaps in
#: justified body text stay under one; the gutter beside a signature block or the national motto is 3–20)
GUTTER = 2.0
#: a block beside another starts with this many consecutive rows that have text on both sides of the gutter
#: (one is a row with a wide gap in it: "1. Sinh ngày: 13/02/1992        Giới tính: Nam")
MIN_SHARED_ROWS = 2
#: … and fewer than this share of its rows have text on both sides: where most do, the two sides are pairs
#: read across (a form's label/value grid, a card's fields, the agency and motto headers of our own forms)
MAX_SHARED_SHARE = 0.5

#: a word read with less confidence than this that is no syllable, number or code is a speck, not text: it
#: neither closes a gutter nor makes a row two-sided (the seal beside a signature block, through JPEG)
NOISE_CONF = 0.5
#: … and below this, any word is (tesseract's own guess on a seal's specks: "vi", "NN", "-#1*⁄2" at 0.0–0.1)
GUESS_CONF = 0.25

_FAR = 1 << 30


def _solid(line: list[Word]) -> list[Word]:
    """The words of a row that are text, not specks a seal or a signature left (unsure and no syllable)."""
    return [w for w in line if w.conf >= NOISE_CONF or (w.conf >= GUESS_CONF and word_is_plausible(w.text) is True)]


def _free_span(line: list[Word], lo: float, hi: float) -> tuple[float, float]:
    """The widest stretch of ``[lo, hi]`` that no word of ``line`` covers (``(lo, lo)`` when none)."""
    xs = sorted(line, key=lambda w: w.box[0])
    if not xs:
        return lo, hi
    spans = [(-_FAR, xs[0].box[0]), *((a.box[2], b.box[0]) for a, b in pairwise(xs)),
             (max(w.box[2] for w in xs), _FAR)]
    best: tuple[float, float] = (lo, lo)
    for a, b in spans:
        start, end = max(float(a), lo), min(float(b), hi)
        if end - start > best[1] - best[0]:
            best = (start, end)
    return best


def reading_lines(words: list[Word]) -> list[list[Word]]:
    """The page's lines in reading order: side-by-side blocks one after the other, not row by row.

    Rows (:func:`rows`) suit forms, where a label and its value share a row. A letter's
    signature block printed beside its recipients list is another text: interleaving
    the two row by row mixes them line by line (the notice's last page read at CER 0.08
    in rows, 0.01 in blocks). A run of consecutive rows that share an empty vertical
    stretch at least :data:`GUTTER` word heights wide is read left block first when it
    starts with :data:`MIN_SHARED_ROWS` rows with text on both sides and fewer than
    :data:`MAX_SHARED_SHARE` of its rows have: a short block beside a long one. Where
    most rows have text on both sides, the sides are pairs and stay rows (a form's
    fields; headers too, though a real letter's text layer puts the agency before the
    motto: our generator's truth and extraction read them across).

    Args:
        words: a page's words (any line numbering; they are grouped into rows first).

    Returns:
        Lines of words, each left to right, in reading order.
    """
    lines = row_lines(words)
    if not lines:
        return []
    gutter = GUTTER * median(w.box[3] - w.box[1] for line in lines for w in line)
    out: list[list[Word]] = []
    i = 0
    while i < len(lines):
        lo, hi = _widest_gap(_solid(lines[i]))
        if hi - lo < gutter:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            a, b = _free_span(_solid(lines[j]), lo, hi)
            if b - a < gutter:
                break
            lo, hi, j = a, b, j + 1
        mid = (lo + hi) / 2
        left = [[w for w in line if w.box[0] + w.box[2] < 2 * mid] for line in lines[i:j]]
        right = [[w for w in line if w.box[0] + w.box[2] >= 2 * mid] for line in lines[i:j]]
        shared = [bool(_solid(a)) and bool(_solid(b)) for a, b in zip(left, right, strict=True)]
        if not all(shared[:MIN_SHARED_ROWS]) or sum(shared) >= MAX_SHARED_SHARE * len(shared):
            out.append(lines[i])
            i += 1
            continue
        out.extend(line for line in left + right if line)
        i = j
    return out


def _widest_gap(line: list[Word]) -> tuple[float, float]:
    """The widest gap between two words of a row."""
    xs = sorted(line, key=lambda w: w.box[0])
    return max(((a.box[2], b.box[0]) for a, b in pairwise(xs)), key=lambda g: g[1] - g[0], default=(0, 0))


def reading_text(words: list[Word]) -> str:
    """The page's text in reading order (:func:`reading_lines`): one line per line, words joined by spaces."""
    return "\n".join(" ".join(w.text for w in line) for line in reading_lines(words))
