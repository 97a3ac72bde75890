"""Reading order for forms: lines that share a row on the page become one line.

Tesseract's layout analysis may cut a printed row in two when the row has a
wide gap ("Ngày sinh: 25/06/1984        Giới tính: Nữ") or two columns (the
agency header beside the national motto), and then orders the halves by block,
not by row. Forms are read row by row, label then value, so lines whose
vertical extents overlap are joined left to right, and rows are ordered top to
bottom. Words keep their boxes, so a wide gap inside a row is still visible.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

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
    out: list[Word] = []
    for row, (_, _, members) in enumerate(grouped):
        for _, ws in sorted(members, key=lambda m: m[0]):
            out.extend(replace(w, line=row) for w in sorted(ws, key=lambda w: w.box[0]))
    return out
