"""The phone-photo profile: a sheet on a desk, in perspective, shadowed, shrunk by a messaging app.

The sheet's four corners always stay inside the frame, with desk around them;
the result is 1280–1600 px on its long side, JPEG quality 60–80.
"""

from __future__ import annotations

import io
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

Arr = npt.NDArray[np.uint8]


def _u8(a: Any) -> Arr:
    return np.asarray(a, dtype=np.uint8)

_DESKS = ((120, 82, 52), (160, 120, 80), (70, 70, 75), (190, 185, 175), (40, 55, 80), (95, 60, 40))


def _desk(rng: np.random.Generator, w: int, h: int) -> Arr:
    """A desk texture: a base colour, wood-like grain and soft blotches."""
    base = np.array(_DESKS[int(rng.integers(len(_DESKS)))], np.float32)
    yy, xx = np.mgrid[0:h // 4, 0:w // 4].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    along = xx * np.cos(angle) + yy * np.sin(angle)
    grain = np.sin(along / rng.uniform(3, 9) + 3 * np.sin(along / 40.0)) * rng.uniform(6, 16)
    blotch = cv2.GaussianBlur(rng.normal(0, 14, size=grain.shape).astype(np.float32), (0, 0), 6)
    small = base[None, None, :] + (grain + blotch)[..., None]
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return _u8(np.clip(big, 0, 255))


def _corners(rng: np.random.Generator, w: int, h: int, sw: int, sh: int) -> npt.NDArray[np.float32]:
    """Where the sheet's corners land, seen through a pinhole camera: tilted, turned, all inside.

    A real phone photo is a projection of a flat rectangle through a lens, not an
    arbitrary warp: the sheet is tilted up to 25° about each axis, turned up to 7°
    in its plane, and set at the distance where it fills 72–90 % of the frame.
    """
    f = rng.uniform(0.8, 1.3) * max(w, h)
    u0, v0 = w / 2 + rng.uniform(-0.02, 0.02) * w, h / 2 + rng.uniform(-0.02, 0.02) * h
    ax, ay, az = (np.deg2rad(rng.uniform(-lim, lim)) for lim in (25.0, 20.0, 7.0))
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
    plane = np.array([[-sw, -sh, 0], [sw, -sh, 0], [sw, sh, 0], [-sw, sh, 0]], np.float64) / 2
    world = plane @ (rx @ ry @ rz).T
    fill = rng.uniform(0.72, 0.9)
    z = f * max(sw / (fill * w), sh / (fill * h))  # distance at which the sheet fills the frame
    margin = 0.025 * np.array([w, h])
    for _ in range(40):
        cam = world + np.array([0.0, 0.0, z])
        pts = np.stack([f * cam[:, 0] / cam[:, 2] + u0, f * cam[:, 1] / cam[:, 2] + v0], axis=1)
        if (pts >= margin).all() and (pts <= np.array([w, h]) - margin).all():
            break
        z *= 1.05
    corners: npt.NDArray[np.float32] = np.clip(pts, margin, np.array([w, h]) - margin).astype(np.float32)
    return corners


def _shadow(img: Arr, rng: np.random.Generator) -> Arr:
    """A soft shadow (a hand or the phone) falling across one side of the picture."""
    h, w = img.shape[:2]
    mask = np.zeros((h // 4, w // 4), np.float32)
    cx, cy = int(rng.uniform(-0.2, 1.2) * w / 4), int(rng.uniform(-0.2, 1.2) * h / 4)
    axes = (int(rng.uniform(0.3, 0.6) * w / 4), int(rng.uniform(0.3, 0.6) * h / 4))
    cv2.ellipse(mask, (cx, cy), axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), w / 40)
    mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    gain = 1.0 - rng.uniform(0.25, 0.45) * mask
    return np.clip(img.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


def _light(img: Arr, rng: np.random.Generator) -> Arr:
    """Uneven, warm indoor light: a radial falloff from an off-centre lamp."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:32, 0:32].astype(np.float32) / 31.0
    lx, ly = rng.uniform(0, 1), rng.uniform(0, 1)
    field = 1.08 - rng.uniform(0.2, 0.35) * np.hypot(xx - lx, yy - ly)
    gain = cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC)
    tint = np.array([1.0, rng.uniform(0.95, 1.0), rng.uniform(0.85, 0.95)], np.float32)
    return _u8(np.clip(img.astype(np.float32) * gain[..., None] * tint, 0, 255))


def phone_photo(page: Arr, rng: np.random.Generator, dpi: int, damage: list[str]) -> tuple[Arr, int, int]:
    """Photograph ``page`` with a phone and send it through a messaging app.

    Returns:
        The image, the sheet's effective dpi in it, and the rotation (0, or 90/270 for a
        landscape shot of a portrait sheet).
    """
    sh, sw = page.shape[:2]
    long_side = int(rng.integers(1280, 1601))
    sideways = rng.random() < 0.15 and sh > sw
    portrait = sh >= sw and not sideways
    w, h = (round(long_side * 0.75), long_side) if portrait else (long_side, round(long_side * 0.75))
    rotation = 0
    if sideways:
        rotation = int(rng.choice([90, 270]))
        page = _u8(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE if rotation == 90 else cv2.ROTATE_90_COUNTERCLOCKWISE))
        sh, sw = page.shape[:2]
    # shrink first (cheap), then warp the small sheet into the frame
    pre = min(1.0, 1.15 * max(w, h) / max(sw, sh))
    small = cv2.resize(page, (round(sw * pre), round(sh * pre)), interpolation=cv2.INTER_AREA)
    src = np.array([[0, 0], [small.shape[1], 0], [small.shape[1], small.shape[0]], [0, small.shape[0]]],
                   np.float32)
    dst = _corners(rng, w, h, small.shape[1], small.shape[0])
    m = cv2.getPerspectiveTransform(src, dst)
    sheet = cv2.warpPerspective(small, m, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full(small.shape[:2], 255, np.uint8), m, (w, h))
    alpha = (cv2.GaussianBlur(mask, (3, 3), 0).astype(np.float32) / 255.0)[..., None]
    img = _u8(sheet * alpha + _desk(rng, w, h) * (1 - alpha))
    img = _light(_shadow(img, rng), rng)
    img = _u8(cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.5, 1.1))))
    img = np.clip(img.astype(np.float32) + rng.normal(0, 3.0, size=img.shape[:2])[..., None], 0, 255)
    q = int(rng.integers(60, 81))
    buf = io.BytesIO()
    Image.fromarray(img.astype(np.uint8), "RGB").save(buf, format="JPEG", quality=q)
    out = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    sheet_long = float(np.max(np.linalg.norm(dst - np.roll(dst, 1, axis=0), axis=1)))
    eff_dpi = round(sheet_long / (max(page.shape[:2]) / dpi))
    damage += ([f"rotate={rotation}"] if rotation else []) + [
        "perspective", "desk", "shadow", "uneven_light", "blur", "noise", f"shrink={long_side}px", f"jpeg={q}"]
    return out, eff_dpi, rotation
