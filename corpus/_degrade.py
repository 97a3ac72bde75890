"""Scan, fax and phone-photo damage, separate from rendering (NumPy, OpenCV, Pillow).

Every profile is a fixed recipe with seeded randomness: the same page, profile
and seed give the same pixels. ``rotation`` is how the feed turned the page
(clockwise); the image has been turned by that much.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from corpus._types import Degraded
from schemas.errors import ErrorCode, InputError

PROFILES: tuple[str, ...] = ("clean", "scan", "scan_rotated", "scan_200dpi", "bad_scan", "photo", "fax")

Arr = npt.NDArray[np.uint8]


def _u8(a: Any) -> Arr:
    """OpenCV results as typed uint8 arrays (no copy when they already are)."""
    return np.asarray(a, dtype=np.uint8)


def _skew(img: Arr, deg: float, fill: int, *, expand: bool = False) -> Arr:
    """Rotate by ``deg`` (positive = counter-clockwise), bed colour around; the scan window keeps
    the page size unless ``expand`` (then it grows to hold the whole sheet)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    nw, nh = w, h
    if expand:
        cos, sin = abs(m[0, 0]), abs(m[0, 1])
        nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
        m[0, 2] += nw / 2 - w / 2
        m[1, 2] += nh / 2 - h / 2
    out = _u8(cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=(fill, fill, fill)))
    return out


def _gray3(channel: Arr, like: Arr) -> Arr:
    out = _u8(cv2.merge([channel] * like.shape[2]) if like.ndim == 3 else channel)
    return out


def _noise(img: Arr, rng: np.random.Generator, sigma: float) -> Arr:
    h, w = img.shape[:2]
    # grain at half resolution, shared by the channels: cheap and scanner-like
    small = rng.standard_normal(size=(h // 2 + 1, w // 2 + 1), dtype=np.float32) * sigma
    grain = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    pos = np.clip(grain, 0, 255).astype(np.uint8)
    neg = np.clip(-grain, 0, 255).astype(np.uint8)
    out = _u8(cv2.subtract(cv2.add(img, _gray3(pos, img)), _gray3(neg, img)))
    return out


def _salt(img: Arr, rng: np.random.Generator, amount: float) -> Arr:
    h, w = img.shape[:2]
    n = int(h * w * amount)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    out = img.copy()
    out[ys[: n // 2], xs[: n // 2]] = 0
    out[ys[n // 2:], xs[n // 2:]] = 255
    return out


def _light(img: Arr, rng: np.random.Generator, low: float, high: float) -> Arr:
    """Uneven light: a smooth gain field from ``low`` to ``high`` across the page."""
    h, w = img.shape[:2]
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    yy, xx = np.mgrid[0:16, 0:16].astype(np.float32) / 15.0
    field = gx * xx + gy * yy
    field = (field - field.min()) / (np.ptp(field) + 1e-6)
    gain = cv2.resize(low + (high - low) * field, (w, h), interpolation=cv2.INTER_CUBIC)
    return _gain(img, gain)


def _gain(img: Arr, gain: npt.NDArray[np.float32]) -> Arr:
    """Multiply by a per-pixel gain (0–1.27) with uint8 arithmetic."""
    g = np.clip(gain * 200.0, 0, 255).astype(np.uint8)
    out = _u8(cv2.multiply(img, _gray3(g, img), scale=1 / 200.0))
    return out


def _contrast(img: Arr, factor: float, floor: float) -> Arr:
    out = _u8(cv2.convertScaleAbs(img, alpha=factor, beta=floor))
    return out


def _blur(img: Arr, sigma: float) -> Arr:
    out = _u8(cv2.GaussianBlur(img, (0, 0), sigma))
    return out


def _bleed(img: Arr, alpha: float) -> Arr:
    """The back of the sheet showing through: the mirrored page, faint and soft."""
    back = cv2.GaussianBlur(cv2.flip(img, 1), (0, 0), 2.0)
    shade = cv2.convertScaleAbs(back, alpha=alpha, beta=255.0 * (1 - alpha))
    out = _u8(cv2.multiply(img, shade, scale=1 / 255.0))
    return out


def _jpeg(img: Arr, quality: int) -> Arr:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    out = _u8(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED) if ok else img)
    return out


def _resample(img: Arr, factor: float) -> Arr:
    h, w = img.shape[:2]
    out = _u8(cv2.resize(img, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA))
    return out


def _feed(img: Arr, rotation: int) -> Arr:
    """Turn the page clockwise by ``rotation`` degrees, as a sheet fed the wrong way."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    out = _u8(cv2.rotate(img, codes[rotation]) if rotation else img)
    return out


def _scan(img: Arr, rng: np.random.Generator, damage: list[str], *, max_skew: float = 3.0) -> Arr:
    deg = float(rng.uniform(-max_skew, max_skew))
    img = _skew(img, deg, int(rng.integers(235, 256)))
    damage.append(f"skew={deg:+.2f}")
    if rng.random() < 0.3:
        img = _bleed(img, float(rng.uniform(0.04, 0.1)))
        damage.append("bleed_through")
    img = _noise(img, rng, float(rng.uniform(2.0, 6.0)))
    sigma = float(rng.uniform(0.3, 0.8))
    img = _blur(img, sigma)
    q = int(rng.integers(72, 93))
    damage += ["noise", f"blur={sigma:.2f}"]
    img = _jpeg(img, q)
    damage.append(f"jpeg={q}")
    return img


def _bad_scan(img: Arr, rng: np.random.Generator, damage: list[str]) -> Arr:
    deg = float(rng.uniform(-12, 12))
    img = _skew(img, deg, int(rng.integers(200, 250)), expand=True)
    img = _light(img, rng, float(rng.uniform(0.6, 0.8)), 1.05)
    img = _contrast(img, float(rng.uniform(0.55, 0.75)), float(rng.uniform(30, 60)))
    img = _noise(img, rng, float(rng.uniform(7, 14)))
    img = _salt(img, rng, float(rng.uniform(0.0005, 0.002)))
    sigma = float(rng.uniform(0.6, 1.3))
    img = _blur(img, sigma)
    q = int(rng.integers(45, 70))
    damage += [f"skew={deg:+.2f}", "uneven_light", "low_contrast", "heavy_noise", "salt_pepper",
               f"blur={sigma:.2f}", f"jpeg={q}"]
    return _jpeg(img, q)


def _fax(img: Arr, rng: np.random.Generator, dpi: int, damage: list[str]) -> tuple[Arr, int]:
    img = _resample(img, 200 / dpi)
    deg = float(rng.uniform(-1.5, 1.5))
    img = _skew(img, deg, 255)
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    grey = _noise(_u8(grey)[..., None].repeat(3, axis=2), rng, 6.0)[..., 0]
    bw = np.where(grey > int(rng.integers(140, 185)), 255, 0).astype(np.uint8)
    damage += ["dpi=200", f"skew={deg:+.2f}", "bilevel"]
    return np.stack([bw, bw, bw], axis=2), 200


def degrade(page: Image.Image, *, profile: str, seed: int, dpi: int = 300) -> Degraded:
    """Apply the damage of ``profile`` to a clean page.

    Args:
        page: the clean page (any mode; converted to RGB).
        profile: one of :data:`PROFILES`.
        seed: seeds every random choice.
        dpi: resolution of ``page``.

    Returns:
        The damaged RGB image, its dpi, the feed rotation and what was done.

    Raises:
        InputError: ``invalid_value`` for an unknown profile.
    """
    if profile not in PROFILES:
        raise InputError(f"unknown damage profile {profile!r}", code=ErrorCode.INVALID_VALUE,
                         detail={"profiles": list(PROFILES)})
    rng = np.random.default_rng([seed, PROFILES.index(profile)])
    img = np.asarray(page.convert("RGB"))
    damage: list[str] = []
    rotation, out_dpi = 0, dpi
    if profile == "clean":
        return Degraded(page.convert("RGB"), dpi, 0, ())
    if profile == "scan":
        img = _scan(img, rng, damage)
    elif profile == "scan_rotated":
        rotation = int(rng.choice([90, 180, 270]))
        img = _scan(_feed(img, rotation), rng, damage)
        damage.insert(0, f"rotate={rotation}")
    elif profile == "scan_200dpi":
        img = _scan(_resample(img, 200 / dpi), rng, damage)
        out_dpi = 200
        damage.insert(0, "dpi=200")
    elif profile == "bad_scan":
        img = _bad_scan(img, rng, damage)
    elif profile == "fax":
        img, out_dpi = _fax(img, rng, dpi, damage)
    else:
        from corpus._photo import phone_photo

        img, out_dpi, rotation = phone_photo(img, rng, dpi, damage)
    return Degraded(Image.fromarray(img, "RGB"), out_dpi, rotation, tuple(damage))
