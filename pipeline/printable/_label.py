"""What a printed copy says about itself: the label printed beside its QR code, and the QR's payload.

Circular 01/2023/TT-VPCP asks papers printed from the system to carry a QR
code (TCVN 7322:2009, i.e. ISO/IEC 18004) at the top-left of page 1 with at
least the dossier code, the procedure code, the owner's id and the document's
name; Decree 45/2020 Art. 18.2 adds the system's name and a way to look the
paper up. The payload is plain UTF-8 text, one ``key: value`` line each, so a
phone's camera shows it readably and a program parses it back with
:func:`parse_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schemas.errors import ErrorCode, InputError

#: first line of every payload: the format and its version, so a reader knows what follows
PAYLOAD_HEADER = "sohoa-ban-in/1"

#: payload keys in the order they are written; the first four are the ones the circular requires
_KEYS: tuple[str, ...] = (
    "ma_ho_so", "ma_tthc", "ma_dinh_danh", "ten_giay_to",
    "ma_ket_qua", "thoi_han_hieu_luc", "pham_vi_hieu_luc", "he_thong", "tra_cuu",
)


@dataclass(frozen=True)
class PrintLabel:
    """Who and what a printed copy is about.

    Attributes:
        ma_ho_so: the dossier code the document came in with (``000.00.15.H55-230612-0001``).
        ma_tthc: the procedure code (``1.001193``).
        ma_dinh_danh: the owner's id (``so_dinh_danh``, or an organization's code).
        ten_giay_to: the document's name as printed on it.
        printed_at: when the copy is made (aware; printed in the label, not in the QR).
        ma_ket_qua: the result code (``{ma_ho_so}-KQ{n}``) when the document is a result.
        thoi_han_hieu_luc: valid until (ISO date), when the document says.
        pham_vi_hieu_luc: scope or purpose of validity, when the document says.
        he_thong: the name of the system (or its owner) the paper was printed from.
        tra_cuu: where the electronic original can be looked up (a URL), if the office has one.
    """

    ma_ho_so: str
    ma_tthc: str
    ma_dinh_danh: str
    ten_giay_to: str
    printed_at: datetime
    ma_ket_qua: str | None = None
    thoi_han_hieu_luc: str | None = None
    pham_vi_hieu_luc: str | None = None
    he_thong: str = "sohoa"
    tra_cuu: str | None = None

    def __post_init__(self) -> None:
        for name in ("ma_ho_so", "ma_tthc", "ma_dinh_danh", "ten_giay_to"):
            if not _one_line(getattr(self, name)):
                raise InputError(f"a printed copy needs {name}", code=ErrorCode.INVALID_VALUE,
                                 detail={"field": name})
        if self.printed_at.tzinfo is None:
            raise InputError("printed_at must carry its time zone", code=ErrorCode.INVALID_VALUE,
                             detail={"field": "printed_at"})


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def qr_payload(label: PrintLabel) -> str:
    """The text the QR code holds: a header line, then ``key: value`` for each field that has a value.

    Args:
        label: the printed copy's label.

    Returns:
        UTF-8-ready text; values are folded onto one line each.
    """
    lines = [PAYLOAD_HEADER]
    for key in _KEYS:
        value = _one_line(getattr(label, key))
        if value:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


def parse_payload(text: str) -> dict[str, str]:
    """Read a QR payload back into its fields.

    Args:
        text: what a QR reader decoded.

    Returns:
        The fields by key (only the keys present).

    Raises:
        InputError: ``invalid_value`` when the text is not a sohoa printed-copy payload.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != PAYLOAD_HEADER:
        raise InputError("not the QR code of a sohoa printed copy", code=ErrorCode.INVALID_VALUE,
                         detail={"first_line": lines[0][:40] if lines else ""})
    out: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(": ")
        if sep and key in _KEYS:
            out[key] = value
    return out


def label_lines(label: PrintLabel) -> list[str]:
    """The human-readable lines printed beside the QR code (Vietnamese).

    Args:
        label: the printed copy's label.

    Returns:
        Lines, most important first; the caller may cut the tail when space runs out.
    """
    printed = label.printed_at.isoformat(timespec="seconds")
    lines = [
        f"BẢN IN TỪ HỆ THỐNG {_one_line(label.he_thong).upper()}   In lúc: {printed}",
        _one_line(label.ten_giay_to),
        f"Mã hồ sơ: {label.ma_ho_so}   Mã thủ tục: {label.ma_tthc}",
        "   ".join([f"Mã định danh: {label.ma_dinh_danh}"]
                   + [f"Mã kết quả: {v}" for v in (_one_line(label.ma_ket_qua),) if v]),
    ]
    validity = [f"Hiệu lực đến: {v}" for v in (_one_line(label.thoi_han_hieu_luc),) if v]
    validity += [f"Phạm vi: {v}" for v in (_one_line(label.pham_vi_hieu_luc),) if v]
    if validity:
        lines.append("   ".join(validity))
    if label.tra_cuu:
        lines.append(f"Tra cứu bản điện tử: {_one_line(label.tra_cuu)}")
    return lines

