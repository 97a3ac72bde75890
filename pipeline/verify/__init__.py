"""Verify signed PDFs from any signer: integrity, changes after signing, chain, revocation, ETSI verdicts.

:func:`verify_pdf` judges a file from the validation data it carries first (an
archived B-LT/B-LTA file needs no network), names every change made after each
signature and whether it is allowed, and gives the ETSI EN 319 102-1 verdict
with a sentence in Vietnamese and English. It starts no server and fetches
nothing unless allowed; one file's problems never stop the next.
"""

from __future__ import annotations

from pipeline.verify._guard import quiet_library_logs
from pipeline.verify._report import ChangeReport, SignatureReport, VerificationReport
from pipeline.verify._verify import verify_pdf

__all__ = ["ChangeReport", "SignatureReport", "VerificationReport", "quiet_library_logs", "verify_pdf"]
