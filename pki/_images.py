"""Development stand-ins for the two images a result's appearance carries: a signature and a seal.

Decree 30/2020 wants the signer's handwritten signature in blue and the
agency's seal in red, both PNG with a transparent background. Real ones come
from the agency; these are drawn so the demo and the tests have something.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

_BLUE = (20, 50, 170, 255)
_RED = (210, 25, 30, 235)


def _signature() -> Image.Image:
    img = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = [
        (30 + t * 3.4, 90 - 45 * math.sin(t / 9.0) * math.exp(-t / 160.0) + 10 * math.sin(t / 2.5))
        for t in range(0, 100)
    ]
    draw.line(points, fill=_BLUE, width=5, joint="curve")
    draw.line([(60, 125), (360, 110)], fill=_BLUE, width=4)
    return img


def _seal() -> Image.Image:
    size = 420
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    for radius, width in ((200, 12), (160, 5), (70, 4)):
        draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=_RED, width=width)
    star = [
        (c + (55 if i % 2 == 0 else 22) * math.sin(i * math.pi / 5),
         c - (55 if i % 2 == 0 else 22) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]
    draw.polygon(star, fill=_RED)
    for i in range(36):
        angle = i * math.pi / 18
        x, y = c + 180 * math.sin(angle), c - 180 * math.cos(angle)
        draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=_RED)
    return img


def write_images(directory: Path) -> None:
    """Write ``signature.png`` and ``seal.png`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    _signature().save(directory / "signature.png")
    _seal().save(directory / "seal.png")
