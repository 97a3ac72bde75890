"""Font discovery: the installed TrueType families that carry every Vietnamese glyph.

Families are looked up by file name in the system font folders (``fc-list`` lists
them; the set-up script installs DejaVu, Liberation, FreeFont and Noto). A family
is offered only when its regular, bold and italic faces all cover the precomposed
Vietnamese letters, so nothing renders as a missing-glyph box.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from schemas.errors import EngineError, ErrorCode

#: Every precomposed letter Vietnamese uses, plus the signs the documents print.
VIETNAMESE_SAMPLE = (
    "ĂÂĐÊÔƠƯăâđêôơư"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ²…"
)


@dataclass(frozen=True)
class FontFamily:
    """One family's faces as file paths.

    Attributes:
        name: the family name, as the truth records it (``Liberation Serif``).
        regular: path of the regular face.
        bold: path of the bold face.
        italic: path of the italic (or oblique) face.
        kind: ``serif``, ``sans`` or ``mono``.
    """

    name: str
    regular: str
    bold: str
    italic: str
    kind: str


# name, kind, regular, bold, italic (file names; looked up in the font folders)
_CATALOG: tuple[tuple[str, str, str, str, str], ...] = (
    ("Liberation Serif", "serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
     "LiberationSerif-Italic.ttf"),
    ("FreeSerif", "serif", "FreeSerif.ttf", "FreeSerifBold.ttf", "FreeSerifItalic.ttf"),
    ("Noto Serif", "serif", "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    ("DejaVu Serif", "serif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    ("DejaVu Serif Condensed", "serif", "DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf",
     "DejaVuSerifCondensed-Italic.ttf"),
    ("Liberation Sans", "sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
     "LiberationSans-Italic.ttf"),
    ("FreeSans", "sans", "FreeSans.ttf", "FreeSansBold.ttf", "FreeSansOblique.ttf"),
    ("Noto Sans", "sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"),
    ("DejaVu Sans", "sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    ("DejaVu Sans Condensed", "sans", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
     "DejaVuSansCondensed-Oblique.ttf"),
    ("Liberation Mono", "mono", "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf",
     "LiberationMono-Italic.ttf"),
    ("FreeMono", "mono", "FreeMono.ttf", "FreeMonoBold.ttf", "FreeMonoOblique.ttf"),
    ("Charis SIL", "serif", "CharisSIL-Regular.ttf", "CharisSIL-Bold.ttf", "CharisSIL-Italic.ttf"),
)

#: families kept out of training and tuning: only the held-out style (``style="held_out"``) draws them,
#: so the benchmark can measure papers set in a face the pipeline never saw
HELD_OUT_FAMILIES: tuple[str, ...] = ("Charis SIL",)

_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


def _font_files() -> dict[str, str]:
    """Basename → path of every TrueType file fontconfig knows (or found in the font folders)."""
    found: dict[str, str] = {}
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
        paths = [Path(p) for p in out.splitlines() if p.endswith(".ttf")]
    except (OSError, subprocess.SubprocessError):
        paths = []
    if not paths:
        paths = [p for d in _FONT_DIRS if d.is_dir() for p in d.rglob("*.ttf")]
    for p in sorted(paths):
        found.setdefault(p.name, str(p))
    return found


def covers_vietnamese(path: str) -> bool:
    """Whether the font at ``path`` has a glyph for every letter of :data:`VIETNAMESE_SAMPLE`."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return all(ord(c) in cmap for c in VIETNAMESE_SAMPLE)


@functools.lru_cache(maxsize=1)
def available_families() -> tuple[FontFamily, ...]:
    """The catalog families installed here whose faces all cover Vietnamese, in catalog order.

    Raises:
        EngineError: ``engine_missing`` when no serif or no sans family is installed.
    """
    files = _font_files()
    families: list[FontFamily] = []
    for name, kind, *faces in _CATALOG:
        paths = [files.get(f) for f in faces]
        if all(p is not None for p in paths) and all(covers_vietnamese(str(p)) for p in paths):
            regular, bold, italic = (str(p) for p in paths)
            families.append(FontFamily(name, regular, bold, italic, kind))
    kinds = {f.kind for f in families}
    if not {"serif", "sans", "mono"} <= kinds:
        raise EngineError(
            "no Vietnamese-capable serif, sans and mono fonts found: run scripts/setup.sh",
            code=ErrorCode.ENGINE_MISSING,
            detail={"found": [f.name for f in families]},
        )
    return tuple(families)


def family(name: str) -> FontFamily:
    """The installed family called ``name``.

    Raises:
        EngineError: ``engine_missing`` when it is not installed or lacks Vietnamese glyphs.
    """
    for fam in available_families():
        if fam.name == name:
            return fam
    raise EngineError(
        f"font family {name!r} is not installed with Vietnamese glyphs",
        code=ErrorCode.ENGINE_MISSING,
        detail={"font": name, "available": [f.name for f in available_families()]},
    )


def text_families(*, held_out: bool = False) -> tuple[FontFamily, ...]:
    """Families used for document text (serif and sans): the usual ones, or the held-out ones.

    Raises:
        EngineError: ``engine_missing`` when ``held_out`` and no held-out family is installed.
    """
    found = tuple(f for f in available_families() if f.kind != "mono" and (f.name in HELD_OUT_FAMILIES) == held_out)
    if held_out and not found:
        raise EngineError("the held-out font family is not installed: run scripts/setup.sh",
                          code=ErrorCode.ENGINE_MISSING, detail={"fonts": list(HELD_OUT_FAMILIES)})
    return found


def mono_families() -> tuple[FontFamily, ...]:
    """Monospace families (MRZ lines)."""
    return tuple(f for f in available_families() if f.kind == "mono")


@functools.lru_cache(maxsize=256)
def pil_font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A cached Pillow font (basic layout: precomposed Vietnamese needs no shaping)."""
    return ImageFont.truetype(path, size_px, layout_engine=ImageFont.Layout.BASIC)


_MEASURE_PX = 200


def text_width(path: str, text: str, size_pt: float) -> float:
    """Width of ``text`` in points at ``size_pt`` (measured once at a large size, then scaled)."""
    return pil_font(path, _MEASURE_PX).getlength(text) * size_pt / _MEASURE_PX
