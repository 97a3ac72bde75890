"""The stamp font: a TrueType font with Vietnamese glyphs, cut down once per process.

pyHanko embeds a subset of the font in every signed file, and subsetting a
full 400 KB TrueType font is most of a stamp's cost. We cut the font once to
the characters Vietnamese text uses (Latin, Latin-1, Latin Extended-A/B, the
Vietnamese block of Latin Extended Additional, punctuation) and hand pyHanko
the small font: its per-signature subsetting then has little left to do.
The cut font is also scaled to 1000 units per em, the unit PDF glyph widths use.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

from schemas.errors import ConfigError, ErrorCode

#: Times-like first (Decree 30/2020 asks for Times New Roman), then other Vietnamese-capable fonts
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)

_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x323), (0x1EA0, 0x1EF9), (0x2010, 0x2026), (0x20AB, 0x20AB))
_PROBE = "ẮẰẲẴẶắằẳẵặƠƯơưĐđỆệỮữ"


def find_font(configured: Path | None) -> Path:
    """The configured font, or the first installed candidate with Vietnamese glyphs.

    Raises:
        ConfigError: ``config_invalid`` when no usable font exists.
    """
    candidates = [configured] if configured is not None else [Path(p) for p in FONT_CANDIDATES]
    for path in candidates:
        if path.is_file() and _has_vietnamese(str(path)):
            return path
    raise ConfigError(
        "no TrueType font with Vietnamese glyphs: install fonts-liberation2 or set SOHOA_SIGN__FONT_PATH",
        code=ErrorCode.CONFIG_INVALID,
        detail={"tried": [str(p) for p in candidates]},
    )


@lru_cache(maxsize=8)
def _has_vietnamese(path: str) -> bool:
    try:
        cmap = TTFont(path, lazy=True).getBestCmap()
    except Exception:  # not a font file at all
        return False
    return all(ord(ch) in cmap for ch in _PROBE)


@lru_cache(maxsize=4)
def vietnamese_subset(path: str) -> bytes:
    """The font at ``path`` cut down to the Vietnamese repertoire (cached per process)."""
    font = TTFont(path)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[c for lo, hi in _RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        # pyHanko writes glyph widths in font units into /W, which PDF reads per 1000 em:
        # a 2048-unit font would be drawn with double spacing
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class SubsetFontFactory(FontEngineFactory):
    """A pyHanko font factory over the pre-cut font held in memory."""

    def __init__(self, path: Path, font_size: float) -> None:
        self._data = vietnamese_subset(str(path))
        self._size = font_size

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        """A glyph accumulator for one signing run (pyHanko calls this)."""
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(self._data), font_size=self._size,
                                bcp47_lang_code="vi", obj_stream=obj_stream)
