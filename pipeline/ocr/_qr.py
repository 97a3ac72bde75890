"""QR codes on a page (ID cards of 2021 and later, papers printed by a resolution system).

Detection runs on a half-size grey image (cheap, and it rejects most false
finder patterns); decoding runs at full resolution on the region found.
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

from pipeline.types import Image


def decode_qr(image: Image) -> tuple[str, ...]:
    """Texts of the QR codes on the image (NFC), empty when there are none.

    Args:
        image: BGR or grey page image.
    """
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    detector = cv2.QRCodeDetector()
    half = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    found, points = detector.detect(half)
    if not found or points is None:
        return ()
    pts = points.reshape(-1, 2) * 2
    x0, y0 = np.maximum(pts.min(axis=0) - 40, 0).astype(int)
    x1, y1 = (pts.max(axis=0) + 40).astype(int)
    crop = gray[y0:y1, x0:x1]
    texts: list[str] = []
    for candidate in (crop, gray):
        try:
            text, _, _ = detector.detectAndDecode(candidate)
        except cv2.error:
            continue
        if text:
            texts.append(unicodedata.normalize("NFC", text))
            break
    return tuple(texts)
