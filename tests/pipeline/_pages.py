"""Small page images drawn in the test itself: Vietnamese text lines at a known resolution."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"

LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
    "Họ, chữ đệm, tên: Nguyễn Thị Ngọc Diễm",
    "Ngày, tháng, năm sinh: 05/03/1990",
    "Giới tính: Nữ   Dân tộc: Kinh   Quốc tịch: Việt Nam",
    "Nơi cư trú: số 12, ngõ 34 phố Trần Duy Hưng, phường Trung Hòa",
    "Số định danh cá nhân: 001190012345",
    "Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai",
    "Giấy này có giá trị sử dụng trong thời hạn 6 tháng kể từ ngày cấp",
)


@lru_cache(maxsize=4)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def text_page(lines: tuple[str, ...] = LINES, *, width: int = 1654, height: int = 1200, size: int = 42,
              margin: int = 120, line_gap: float = 1.9) -> np.ndarray:
    """A white BGR page (A5-wide at 200-ish px per inch) with the lines drawn in black."""
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    y = margin
    for i, line in enumerate(lines):
        draw.text((margin, y), line, font=_font(BOLD if i < 3 else FONT, size), fill="black")
        y += int(size * line_gap)
    return np.array(img)[:, :, ::-1].copy()


def rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre, counter-clockwise positive, keeping the size, white border."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))


def turn(img: np.ndarray, quarter: int) -> np.ndarray:
    """Turn clockwise by 90/180/270 degrees."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return img if quarter % 360 == 0 else cv2.rotate(img, codes[quarter % 360])


def on_background(page: np.ndarray, *, canvas: tuple[int, int], corners: np.ndarray,
                  color: tuple[int, int, int] = (70, 100, 130), seed: int = 0) -> np.ndarray:
    """Warp the page onto a textured background so its corners land on ``corners`` (TL, TR, BR, BL)."""
    rng = np.random.default_rng(seed)
    h, w = canvas
    bg = (np.full((h, w, 3), color, np.float32) + rng.normal(0, 10, (h, w, 3))).clip(0, 255).astype(np.uint8)
    ph, pw = page.shape[:2]
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    m = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, m, (w, h))
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (w, h))
    return np.where(mask[..., None] > 0, warped, bg)
