"""Domain code tables and formats: birth-registration province codes, dossier and procedure codes.

Sources: Circular 07/2016/TT-BCA Appendix 1 (province codes, frozen in the
personal ID number), Circular 01/2018/TT-VPCP Art. 19 (dossier code), the
national procedure database (procedure codes). See ``../shared/DOMAIN.md`` §3–4.
"""

from __future__ import annotations

import re
from datetime import date

#: Province of birth registration → name (pre-2025 provinces; the code is frozen in the ID).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh",
    "024": "Bắc Giang", "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh",
    "030": "Hải Dương", "031": "Hải Phòng", "033": "Hưng Yên", "034": "Thái Bình",
    "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An",
    "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận",
    "062": "Kon Tum", "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

DOSSIER_CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z.]{1,35})-(?P<yymmdd>\d{6})-(?P<seq>\d{4,})$")
PROCEDURE_CODE_RE = re.compile(r"^[123]\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}(\.\d{2})?)?$")
RESULT_CODE_RE = re.compile(r"^(?P<dossier>.+)-KQ(?P<n>[1-9]\d*)$")


def dossier_code_ok(code: str) -> bool:
    """Whether ``code`` is a dossier code with a real receiving date (Circular 01/2018 Art. 19)."""
    m = DOSSIER_CODE_RE.match(code)
    if not m:
        return False
    yymmdd = m["yymmdd"]
    try:
        date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return False
    return True


def procedure_code_ok(code: str) -> bool:
    """Whether ``code`` is a national (``1.001193``) or localized procedure code."""
    return bool(PROCEDURE_CODE_RE.match(code))


def result_code(dossier_code: str, n: int) -> str:
    """The code of the n-th result of a dossier: ``{ma_ho_so}-KQ{n}`` (Decree 45/2020 Art. 14.3)."""
    if n < 1:
        raise ValueError("result numbers start at 1")
    return f"{dossier_code}-KQ{n}"
