"""The seams between workers and the pipeline: a digitizer and a PDF signer, each a ``Protocol``.

Production uses the adapters of ``_adapters`` (the real stages); tests and the
burst/outage runs use the in-tree fakes of ``_fakes``, chosen by name in
``_registry`` through the same seam.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from schemas.documents import DigitizeResult
from store.records import SignatureInput

#: ``officer``: the digitizing officer on a scan (top-left, Circular 01/2023 Art. 8);
#: ``agency``: the competent person then the agency seal on a result (Decree 30/2020);
#: ``copy``: the agency on an electronic copy (top-right, no image).
SignRole = Literal["officer", "agency", "copy"]


@dataclass(frozen=True)
class DigitizeOutput:
    """What the pipeline made of one file.

    Attributes:
        result: the record (``result.error`` set when the file could not be read).
        searchable_pdf: the scan as a searchable PDF, ``None`` when none could be made.
    """

    result: DigitizeResult
    searchable_pdf: bytes | None


@dataclass(frozen=True)
class SignedPdf:
    """A signed PDF and the facts of the signature just added."""

    data: bytes
    signature: SignatureInput


class Digitizer(Protocol):
    """Reads a scan: pages, OCR, type, fields, metadata, and a searchable PDF."""

    def digitize(self, scan: bytes, *, name: str) -> DigitizeOutput:
        """Digitize one file given as bytes; failures of the file come back in ``result.error``."""


class PdfSigner(Protocol):
    """Signs PDFs with PAdES in one of the roles of :data:`SignRole`."""

    def sign(self, pdf: bytes, *, role: SignRole, meta: Mapping[str, str],
             level: Literal["B-B", "B-T", "B-LT", "B-LTA"] | None = None) -> SignedPdf:
        """Sign ``pdf``; ``meta`` carries the reason, names and codes shown in the stamp; ``level`` overrides
        the configured level (results are signed at the level the resolution system asked for)."""
