"""Field extraction: a document type and OCR words in, normalized and validated fields out.

Labels are matched fuzzily on diacritic-folded text, values parsed by their grammar and
normalized as DESIGN.md says, then validated (ID number structure, dates). ID cards are
cross-checked with their MRZ and QR payload.
"""

from pipeline.extract._extract import Extraction, extract
from pipeline.extract._mrz import MrzResult, check_digit, find_td1, parse_td1
from pipeline.extract._qr import QrData, parse_qr

__all__ = [
    "Extraction",
    "MrzResult",
    "QrData",
    "check_digit",
    "extract",
    "find_td1",
    "parse_qr",
    "parse_td1",
]
