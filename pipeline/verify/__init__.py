"""Verify signed PDFs: per signature integrity, coverage and later changes, chain, revocation, timestamp, level.

:func:`verify_pdf` judges a file from the revocation data it carries first
(an archived B-LT/B-LTA file needs no network) and reports in Vietnamese or English.
"""

from __future__ import annotations

from pipeline.verify._report import SignatureReport, VerificationReport
from pipeline.verify._verify import verify_pdf

__all__ = ["SignatureReport", "VerificationReport", "verify_pdf"]
