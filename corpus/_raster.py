"""Drawing operations to pixels: a :class:`~corpus._types.PageSpec` rendered at any dpi with Pillow."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from corpus._fonts import pil_font
from corpus._types import ImageOp, LineOp, PageSpec, RectOp, TextOp


def rasterize(spec: PageSpec, dpi: int = 300) -> Image.Image:
    """The page as an RGB image at ``dpi``."""
    s = dpi / 72.0
    size = (round(spec.width * s), round(spec.height * s))
    page = Image.new("RGB", size, spec.paper)
    draw = ImageDraw.Draw(page)
    for op in spec.ops:
        if isinstance(op, TextOp):
            font = pil_font(op.font, max(1, round(op.size * s)))
            draw.text((op.x * s, op.y * s), op.text, font=font, fill=op.color, anchor="ls")
        elif isinstance(op, LineOp):
            _line(draw, op, s)
        elif isinstance(op, RectOp):
            box = (op.x * s, op.y * s, (op.x + op.w) * s, (op.y + op.h) * s)
            width = max(1, round(op.width * s)) if op.stroke else 0
            draw.rectangle(box, fill=op.fill, outline=op.stroke, width=width)
        else:
            _paste(page, op, s)
            draw = ImageDraw.Draw(page)
    return page


def _line(draw: ImageDraw.ImageDraw, op: LineOp, s: float) -> None:
    width = max(1, round(op.width * s))
    x0, y0, x1, y1 = op.x0 * s, op.y0 * s, op.x1 * s, op.y1 * s
    if op.dash is None:
        draw.line((x0, y0, x1, y1), fill=op.color, width=width)
        return
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    on, off = op.dash[0] * s, op.dash[1] * s
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    pos = 0.0
    while pos < length:
        end = min(pos + on, length)
        draw.line((x0 + ux * pos, y0 + uy * pos, x0 + ux * end, y0 + uy * end), fill=op.color, width=width)
        pos = end + off


def _paste(page: Image.Image, op: ImageOp, s: float) -> None:
    x, y = round(op.x * s), round(op.y * s)
    w, h = max(1, round(op.w * s)), max(1, round(op.h * s))
    img = op.image if op.image.size == (w, h) else op.image.resize((w, h), Image.Resampling.BILINEAR)
    if not op.multiply:
        if img.mode == "RGBA":
            page.paste(img, (x, y), img)
        else:
            page.paste(img.convert("RGB"), (x, y))
        return
    # multiply: ink over ink, as a stamp pad over toner
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, page.width), min(y + h, page.height)
    if x0 >= x1 or y0 >= y1:
        return
    crop = (x0 - x, y0 - y, x1 - x, y1 - y)
    src = np.asarray(img.convert("RGBA").crop(crop), dtype=np.float32) / 255.0
    dst = np.asarray(page.crop((x0, y0, x1, y1)), dtype=np.float32)
    alpha = src[..., 3:4]
    out = dst * (1.0 - alpha + alpha * src[..., :3])
    page.paste(Image.fromarray(out.clip(0, 255).astype(np.uint8), "RGB"), (x0, y0))
