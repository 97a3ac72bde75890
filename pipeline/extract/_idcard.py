"""ID cards: confirm or correct the OCR'd front with the MRZ on the back and the QR payload.

Both are machine data with their own error detection (check digits, QR error correction),
so where they disagree with OCR they win, and the field is flagged so an officer sees it:
``mrz_corrected`` / ``qr_mismatch``. Agreement raises confidence. A field OCR missed is
filled from them (``from_mrz`` with the zone's page and box; ``from_qr`` with no page).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.extract._layout import Line, distinct_words, union_box
from pipeline.extract._mrz import MrzResult, find_td1, parse_td1
from pipeline.extract._normalize import title_case
from pipeline.extract._qr import QrData, first_qr
from pipeline.extract._validate import id_sex_century
from pipeline.lexicon import correct_name, default_lexicon, fold, fold_key
from pipeline.types import OcrPage
from schemas.documents import FieldValue

MRZ_CHECKSUM_FAILED = "mrz_checksum_failed"
MRZ_MISMATCH = "mrz_mismatch"
MRZ_CORRECTED = "mrz_corrected"
FROM_MRZ = "from_mrz"
QR_CONFIRMED = "qr_confirmed"
QR_MISMATCH = "qr_mismatch"
FROM_QR = "from_qr"


def _same(a: str, b: str) -> bool:
    return fold_key(a).replace(" ", "") == fold_key(b).replace(" ", "")


def _find_mrz(lines: Sequence[Line], today: date) -> tuple[MrzResult, list[Line]] | None:
    for page in sorted({ln.page for ln in lines}):
        page_lines = [ln for ln in lines if ln.page == page]
        found = find_td1([ln.text for ln in page_lines])
        if found:
            start = [ln.text for ln in page_lines].index(found[0])
            return parse_td1(found, today=today), page_lines[start:start + 3]
    return None


def _confirm(fields: dict[str, FieldValue], name: str, value: str | None, *, exact: bool,
             source: tuple[str, str, str], page: int | None, lines: Sequence[Line]) -> None:
    """Merge one machine-read value into ``fields`` (source = confirmed/mismatch/filled flags)."""
    if not value:
        return
    confirmed, mismatch, filled = source
    old = fields.get(name)
    if old is None or old.value is None:
        words = [w for ln in lines for w in distinct_words(ln.tokens)]
        fields[name] = FieldValue(value=value, confidence=0.9, page=page,
                                  bbox=union_box(words) if page else None, flags=(filled,))
        return
    agrees = old.value == value or (not exact and _same(old.value, value))
    if agrees:
        fields[name] = old.model_copy(update={"confidence": max(old.confidence, 0.98),
                                              "flags": (*old.flags, confirmed) if confirmed else old.flags})
    elif exact:
        fields[name] = old.model_copy(update={"value": value, "confidence": 0.9,
                                              "flags": (*old.flags, mismatch)})
    else:
        fields[name] = old.model_copy(update={"flags": (*old.flags, mismatch),
                                              "confidence": old.confidence * 0.7})


#: letters and digits OCR confuses in the zone's name line
_MRZ_LOOKALIKES = {"T": "I", "I": "T", "0": "O", "1": "I", "5": "S", "8": "B", "6": "G", "L": "I", "H": "N", "N": "H"}


def _mrz_word(word: str) -> str:
    """A name word of the zone, one misread letter undone where that alone makes it a known name ("KTEN" → "KIEN")."""
    lex = default_lexicon()
    tables = (lex.family, lex.middle, lex.given)
    if any(fold(word) in t for t in tables):
        return word
    fixes = {word[:i] + _MRZ_LOOKALIKES[ch] + word[i + 1:] for i, ch in enumerate(word) if ch in _MRZ_LOOKALIKES}
    known = [w for w in fixes if any(fold(w) in t for t in tables)]
    return known[0] if len(known) == 1 else word


def _printed(lines: Sequence[Line], words: Sequence[str], *, skip: Sequence[Line]) -> str | None:
    """The name as printed (with its diacritics) somewhere on the card, found by its folded form."""
    target = [fold(w) for w in words]
    n = len(target)
    for line in lines:
        if any(line is s for s in skip):
            continue
        toks = [t for t in line.tokens if t.key]
        for i in range(len(toks) - n + 1):
            if [t.key for t in toks[i:i + n]] == target:
                return " ".join(t.text for t in toks[i:i + n])
    return None


def apply_mrz(fields: dict[str, FieldValue], lines: Sequence[Line], today: date) -> tuple[str, ...]:
    """Check the front against the MRZ; returns document flags (``mrz_checksum_failed``)."""
    found = _find_mrz(lines, today)
    if found is None:
        return ()
    mrz, mrz_lines = found
    page = mrz_lines[0].page
    src = ("", MRZ_CORRECTED, FROM_MRZ)
    ocr_number = fields.get("so_dinh_danh")
    if mrz.checks.get("number") and mrz.id_number and mrz.id_number.endswith(mrz.document_number):
        # the first three digits are covered by the composite check only
        trusted = mrz.checks.get("composite") or ocr_number is None or ocr_number.value is None
        if trusted:
            _confirm(fields, "so_dinh_danh", mrz.id_number, exact=True, source=src, page=page, lines=mrz_lines)
        elif ocr_number is not None and (ocr_number.value or "").endswith(mrz.document_number):
            fields["so_dinh_danh"] = ocr_number.model_copy(update={"confidence": max(ocr_number.confidence, 0.95)})
    birth = mrz.birth
    number = fields.get("so_dinh_danh")
    if birth and number and number.value and len(number.value) == 12 and number.value[3].isdigit():
        birth = f"{1900 + 100 * (int(number.value[3]) // 2) + int(birth[2:4])}{birth[4:]}"
    if mrz.checks.get("birth"):
        _confirm(fields, "ngay_sinh", birth, exact=True, source=src, page=page, lines=mrz_lines)
    if mrz.checks.get("expiry"):
        _confirm(fields, "co_gia_tri_den", mrz.expiry, exact=True, source=src, page=page, lines=mrz_lines)
    number = fields.get("so_dinh_danh")
    decoded = id_sex_century(number.value) if number and number.value else None
    if mrz.checks.get("composite") or (decoded and decoded[0] == mrz.sex):
        # no check digit covers the sex but the composite one; the number's sex digit confirms it too
        _confirm(fields, "gioi_tinh", mrz.sex, exact=True, source=src, page=page, lines=mrz_lines)
    if mrz.nationality == "VNM" and mrz.checks.get("birth") and mrz.checks.get("expiry"):
        _confirm(fields, "quoc_tich", "Việt Nam", exact=True, source=src, page=page, lines=mrz_lines)
    if mrz.full_name:
        words = [_mrz_word(w) for w in mrz.full_name.split()]
        printed = _printed(lines, words, skip=mrz_lines)
        name, _ = correct_name(title_case(printed or " ".join(words)))
        _confirm(fields, "ho_ten", name, exact=False, source=("", MRZ_MISMATCH, FROM_MRZ), page=page,
                 lines=mrz_lines)
    return () if mrz.valid else (MRZ_CHECKSUM_FAILED,)


def apply_qr(fields: dict[str, FieldValue], pages: Sequence[OcrPage], *, address_field: str) -> tuple[str, ...]:
    """Cross-check the fields with the card's QR payload; returns document flags.

    Args:
        fields: the OCR'd fields, updated in place.
        pages: the card's pages (their ``qr_payloads``).
        address_field: ``noi_thuong_tru`` (2016/2021 cards) or ``noi_cu_tru`` (2024 card).
    """
    data: QrData | None = first_qr([p for page in pages for p in page.qr_payloads])
    if data is None:
        return ()
    src = (QR_CONFIRMED, QR_MISMATCH, FROM_QR)
    for name, value in (("so_dinh_danh", data.so_dinh_danh), ("ho_ten", data.ho_ten),
                        ("ngay_sinh", data.ngay_sinh), ("gioi_tinh", data.gioi_tinh),
                        ("ngay_cap", data.ngay_cap), (address_field, data.dia_chi)):
        _confirm(fields, name, value, exact=True, source=src, page=None, lines=())
    return ("qr_read",)
