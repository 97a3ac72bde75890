"""Working scale: the body text brought to the size tesseract reads best, measured on its glyphs.

A file's dpi says little: phones and messaging apps write 72 or 96 whatever the
paper, and a page photographed at 576 px across has letters a few pixels high.
Tesseract reads best when lower-case letters with their marks are about 15–25
px tall (measured on our real photo of a letter: 8-px glyphs read at CER 0.096
as they are, 0.067 at twice the size; a 300-dpi office scan reads the same from
half to full size). So the typical glyph height is measured from the page's
connected components, and only a page whose text is far outside that range is
scaled: up to :data:`UP_TO` when smaller than :data:`SMALL`, down to
:data:`DOWN_TO` when larger than :data:`LARGE`. Scans at ordinary resolutions are
left as they are.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess._shrink import shrink
from pipeline.preprocess._tone import even_light, ink_mask, to_gray
from pipeline.types import Image

#: glyphs smaller than this (pixels) are enlarged …
SMALL = 13.0
#: … to this height
UP_TO = 18.0
#: glyphs larger than this are reduced …
LARGE = 80.0
#: … to this height (a 300-dpi scan of 11-pt text)
DOWN_TO = 30.0
#: the measurement runs on at most this many pixels on the long side
_MEASURE_SIZE = 2400


def glyph_size(color: Image) -> float:
    """Median height in pixels of the page's letter-like components; 0 when there are too few."""
    gray = to_gray(color, drop_marks=False)
    h, w = gray.shape[:2]
    f = min(1.0, _MEASURE_SIZE / max(h, w))
    if f < 1.0:
        gray = shrink(gray, (max(1, int(w * f)), max(1, int(h * f))))
    ink = ink_mask(even_light(gray))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 30:
        return 0.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    widths = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    # letters: not specks or marks, not rules, frames or pictures
    keep = (heights >= 3) & (heights < 0.06 * max(gray.shape)) & (widths < 3 * heights + 5)
    if int(keep.sum()) < 30:
        return 0.0
    # letters, not their parts: Vietnamese marks are components of their own, and a form's dotted
    # leaders are hundreds of dots, enough to pull the median down to a dot (a 300-dpi form measured 6 px)
    kept = heights[keep]
    letters = kept[kept >= 0.5 * np.percentile(kept, 90)]
    return float(np.median(letters) / f)


def working_scale(size: float) -> float:
    """The factor that brings glyphs of ``size`` pixels into the range tesseract reads best (1.0: keep)."""
    if size <= 0:
        return 1.0
    if size < SMALL:
        return float(min(4.0, UP_TO / size))
    if size > LARGE:
        return float(max(0.2, DOWN_TO / size))
    return 1.0
