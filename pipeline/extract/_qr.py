"""The QR payload of Vietnamese ID cards (2021 chip card and 2024 card), parsed and normalized.

The payload is one pipe-separated string: ``so_dinh_danh|cmnd|name|ddmmyyyy|sex|address|ddmmyyyy``
(birth, then issue date). The 2024 card may append more items (parents' names, a cancelled
number); only the first seven are read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract._dates import make_date
from pipeline.extract._normalize import parse_sex, title_case
from pipeline.lexicon import nfc, squash_spaces


@dataclass(frozen=True)
class QrData:
    """The fields an ID card's QR code carries, normalized like extracted fields.

    Attributes:
        so_dinh_danh: the 12-digit personal number.
        cmnd: the old 9-digit number, if the card lists one.
        ho_ten: full name, title case.
        ngay_sinh: ``YYYY-MM-DD``.
        gioi_tinh: ``Nam``/``Nữ``.
        dia_chi: the residence address as encoded.
        ngay_cap: issue date ``YYYY-MM-DD``.
    """

    so_dinh_danh: str
    cmnd: str | None
    ho_ten: str | None
    ngay_sinh: str | None
    gioi_tinh: str | None
    dia_chi: str | None
    ngay_cap: str | None


def _ddmmyyyy(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    if len(digits) != 8:
        return None
    return make_date(int(digits[:2]), int(digits[2:4]), int(digits[4:]))


def parse_qr(payload: str) -> QrData | None:
    """Parse an ID card's QR text.

    Args:
        payload: the decoded QR text.

    Returns:
        The data, or ``None`` when the text is not an ID-card payload (no 12-digit number
        first, fewer than six items).
    """
    parts = [squash_spaces(nfc(p)) for p in payload.strip().split("|")]
    if len(parts) < 6 or not re.fullmatch(r"\d{12}", parts[0]):
        return None
    parts += [""] * (7 - len(parts))
    cmnd = parts[1] if re.fullmatch(r"\d{9}|\d{12}", parts[1]) else None
    return QrData(
        so_dinh_danh=parts[0],
        cmnd=cmnd,
        ho_ten=title_case(parts[2]) or None,
        ngay_sinh=_ddmmyyyy(parts[3]),
        gioi_tinh=parse_sex(parts[4])[0],
        dia_chi=parts[5] or None,
        ngay_cap=_ddmmyyyy(parts[6]),
    )


def first_qr(payloads: Sequence[str]) -> QrData | None:
    """The first payload that parses as ID-card data."""
    for payload in payloads:
        data = parse_qr(payload)
        if data is not None:
            return data
    return None
