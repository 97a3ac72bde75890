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
#: PAdES baseline levels: signature, + timestamp, + revocation data, + document timestamp
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]


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

    def sign(self, pdf: bytes, *, role: SignRole, meta: Mapping[str, str], level: Level | None = None,
             officer: str | None = None) -> SignedPdf:
        """Sign ``pdf`` as ``role``, at ``level``, with ``officer``'s own key for a scan.

        Args:
            pdf: the PDF to sign.
            role: who signs (see :data:`SignRole`).
            meta: the reason, names and codes shown in the stamp (``submitted_by``: who
                submitted a scan, for the error when that was not an officer).
            level: the PAdES level; ``None`` is the configured default for the role
                (``sign.result_level`` for ``agency``, ``sign.default_level`` otherwise).
                A level that cannot be reached is an error, never a lower level.
            officer: the officer id (the account id, a token's ``sub``) whose key signs a
                scan; required for ``officer`` outside development, ignored otherwise.

        Raises:
            SigningError: ``key_unavailable`` (the officer has no key), ``level_unreachable``
                (B-T or more with no TSA), a refused certificate.
            TransientError: the TSA or a revocation service did not answer.
        """
