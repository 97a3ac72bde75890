"""Pictures that go on papers: red seals, signature scribbles, QR codes, the emblem, card parts.

All are RGBA images drawn at 300 dpi from a seeded ``random.Random``; the seal is
meant to be multiplied over text (red ink over black toner).
"""

from __future__ import annotations

import math
import random

import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFilter

from corpus._fonts import FontFamily, pil_font

SEAL_RED = (205, 28, 38)


def _ink_texture(img: Image.Image, rng: random.Random, strength: float) -> Image.Image:
    """Thin the ink in soft patches, as a stamp pad leaves it."""
    w, h = img.size
    nrng = np.random.default_rng(rng.randrange(2**32))
    coarse = nrng.uniform(1 - strength, 1.0, size=(max(2, h // 24), max(2, w // 24))).astype(np.float32)
    patch = Image.fromarray((coarse * 255).astype(np.uint8), "L").resize((w, h), Image.Resampling.BICUBIC)
    alpha = np.asarray(img.getchannel("A"), dtype=np.float32) * (np.asarray(patch, np.float32) / 255.0)
    img.putalpha(Image.fromarray(alpha.clip(0, 255).astype(np.uint8), "L"))
    return img


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: tuple[int, ...]) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.38
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=fill)


def seal(text: str, rng: random.Random, family: FontFamily, *, diameter_px: int = 440,
         center_text: str | None = None) -> Image.Image:
    """A round agency seal: double ring, ``text`` around the rim, a star in the middle."""
    d = diameter_px
    img = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (*SEAL_RED, 235)
    c = d / 2
    draw.ellipse((4, 4, d - 4, d - 4), outline=red, width=max(3, d // 55))
    draw.ellipse((d * 0.2, d * 0.2, d * 0.8, d * 0.8), outline=red, width=max(2, d // 90))
    _star(draw, c, c, d * 0.13, red)
    font = pil_font(family.bold, max(10, d // 12))
    chars = list(text.upper())
    span = math.radians(300)
    radius = d * 0.39
    for i, ch in enumerate(chars):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        glyph = Image.new("RGBA", (d // 8, d // 8), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((d / 16, d / 16), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        x, y = c + radius * math.cos(a) - d / 16, c + radius * math.sin(a) - d / 16
        img.alpha_composite(glyph, (round(x), round(y)))
    if center_text:
        small = pil_font(family.bold, max(8, d // 16))
        draw.text((c, c + d * 0.2), center_text, font=small, fill=red, anchor="mm")
    img = img.rotate(rng.uniform(-40, 40), resample=Image.Resampling.BICUBIC)
    return _ink_texture(img, rng, 0.55)


def signature(rng: random.Random, *, width_px: int = 420, height_px: int = 170) -> Image.Image:
    """A signature scribble: a few smooth loops and a flourish, in blue or black ink."""
    img = Image.new("RGBA", (width_px, height_px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    ink = rng.choice([(25, 45, 160, 240), (20, 20, 30, 240), (30, 60, 140, 230)])
    n = rng.randint(7, 12)
    xs = np.linspace(width_px * 0.08, width_px * 0.85, n)
    ys = [height_px * rng.uniform(0.25, 0.75) for _ in range(n)]
    pts: list[tuple[float, float]] = []
    for i in range(n - 1):  # Catmull-Rom-like smoothing between anchor points
        for t in np.linspace(0, 1, 12, endpoint=False):
            x = xs[i] + (xs[i + 1] - xs[i]) * t + math.sin(t * math.pi * 2) * rng.uniform(-18, 18)
            y = ys[i] + (ys[i + 1] - ys[i]) * t + math.sin(t * math.pi) * rng.uniform(-30, 30)
            pts.append((x, y))
    draw.line(pts, fill=ink, width=rng.randint(3, 5), joint="curve")
    y_tail = height_px * rng.uniform(0.6, 0.85)
    draw.line([(width_px * 0.1, y_tail), (width_px * rng.uniform(0.7, 0.95), y_tail - rng.uniform(0, 25))],
              fill=ink, width=3)
    return img.filter(ImageFilter.GaussianBlur(0.6))


def qr_image(payload: str, *, box_px: int = 6) -> Image.Image:
    """A QR code (ISO/IEC 18004, error correction L) of ``payload`` encoded as UTF-8."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, box_size=box_px, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    matrix = np.array(code.get_matrix(), dtype=bool)
    pix = np.where(matrix, 0, 255).astype(np.uint8)
    img = Image.fromarray(pix, "L").resize((pix.shape[1] * box_px, pix.shape[0] * box_px),
                                           Image.Resampling.NEAREST)
    return img.convert("RGB")


def emblem(diameter_px: int = 200) -> Image.Image:
    """A simplified national emblem: red disc, gold rim and star."""
    d = diameter_px
    img = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((0, 0, d - 1, d - 1), fill=(214, 160, 40, 255))
    draw.ellipse((d * 0.1, d * 0.1, d * 0.9, d * 0.9), fill=(200, 30, 35, 255))
    _star(draw, d / 2, d * 0.45, d * 0.25, (250, 215, 60, 255))
    draw.arc((d * 0.15, d * 0.2, d * 0.85, d * 0.95), 20, 160, fill=(250, 215, 60, 255), width=max(2, d // 20))
    return img


def portrait(rng: random.Random, *, width_px: int = 236, height_px: int = 354) -> Image.Image:
    """An ID photo stand-in: a plain background with a head-and-shoulders silhouette."""
    bg = rng.choice([(225, 232, 240), (240, 240, 240), (210, 225, 245)])
    img = Image.new("RGB", (width_px, height_px), bg)
    draw = ImageDraw.Draw(img)
    skin = rng.choice([(200, 160, 130), (180, 140, 110), (215, 180, 150)])
    cloth = rng.choice([(40, 40, 50), (240, 240, 240), (60, 80, 120)])
    w, h = width_px, height_px
    draw.ellipse((w * 0.05, h * 0.62, w * 0.95, h * 1.25), fill=cloth)
    draw.ellipse((w * 0.27, h * 0.15, w * 0.73, h * 0.62), fill=skin)
    draw.chord((w * 0.25, h * 0.1, w * 0.75, h * 0.45), 180, 360, fill=(30, 25, 25))
    return img


def chip(width_px: int = 130, height_px: int = 105) -> Image.Image:
    """A contact chip: gold pad with contact lines."""
    img = Image.new("RGB", (width_px, height_px), (212, 180, 90))
    draw = ImageDraw.Draw(img)
    for f in (0.33, 0.66):
        draw.line((0, height_px * f, width_px, height_px * f), fill=(150, 120, 50), width=3)
    draw.line((width_px / 2, 0, width_px / 2, height_px), fill=(150, 120, 50), width=3)
    return img


def fingerprint(rng: random.Random, size_px: int = 180) -> Image.Image:
    """A fingerprint-like whorl of concentric ridges."""
    yy, xx = np.mgrid[0:size_px, 0:size_px].astype(np.float32)
    c = size_px / 2
    r = np.hypot(xx - c, (yy - c) * 0.8) + rng.uniform(0, 6) * np.sin(xx / 9.0)
    ridges = (np.sin(r / 2.6) > 0.2) & (r < size_px * 0.45)
    return Image.fromarray(np.where(ridges, 70, 255).astype(np.uint8), "L").convert("RGB")


def barcode(rng: random.Random, *, width_px: int = 600, height_px: int = 90) -> Image.Image:
    """A one-dimensional bar pattern (the 2016 card's barcode, a separator sheet's patch)."""
    img = Image.new("RGB", (width_px, height_px), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    x = 10
    while x < width_px - 14:
        w = rng.choice([2, 2, 4, 6])
        if rng.random() < 0.55:
            draw.rectangle((x, 0, x + w - 1, height_px), fill=(0, 0, 0))
        x += w
    return img
