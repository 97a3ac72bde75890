"""Verdicts as ETSI EN 319 102-1 names them, and a sentence an officer can act on.

The indication is ``TOTAL_PASSED``, ``TOTAL_FAILED`` or ``INDETERMINATE``; the
sub-indication says why. The trust part comes from pyHanko's AdES mapping of
certificate-validation failures (``status.trust_problem_indic``); the format,
hash and signature checks, the changes after signing and the algorithm
constraints are ours, in this order (the first that applies decides):

1. container or dictionary unusable, or a change no rule allows -> FAILED/FORMAT_FAILURE
   (no signer certificate -> INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND; an algorithm
   unknown here -> INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE);
2. signed bytes changed -> FAILED/HASH_FAILURE; signature value wrong -> FAILED/SIG_CRYPTO_FAILURE;
3. MD5/SHA-1 in the signature or the chain -> INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE;
4. chain, validity and revocation: pyHanko's sub-indication (revoked before a trusted
   timestamp proves the signature existed -> FAILED/REVOKED);
5. no revocation data when it is required -> INDETERMINATE/TRY_LATER;
6. a broken timestamp -> INDETERMINATE/GENERIC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

PASSED, FAILED, INDETERMINATE = "TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"
#: digests no longer acceptable in a signature or a certificate (ETSI TS 119 312)
WEAK_DIGESTS = frozenset({"md2", "md5", "sha1"})

_FORMAT = {"cms_unreadable", "cms_format", "byte_range_invalid", "contents_outside_byte_range",
           "signed_bytes_not_a_revision", "signature_dictionary_not_signed", "signature_dictionary_changed",
           "disallowed_changes_after_signing", "coverage_unclear"}


@dataclass(frozen=True)
class Verdict:
    """An ETSI indication and its sub-indication (``None`` for TOTAL_PASSED)."""

    indication: str
    sub: str | None


@dataclass(frozen=True)
class Facts:
    """What the verdict is drawn from.

    Attributes:
        problems: problem codes found so far (format, changes, container).
        intact: the signed bytes hash to what was signed.
        crypto_valid: the signature value verifies.
        weak: a weak digest in the signature or its chain.
        status: pyHanko's status (``None`` when the chain was not judged).
        revocation_checked: revocation data was found and used.
        revocation_required: the policy wants it.
        timestamp_broken: a timestamp is present and does not verify.
    """

    problems: tuple[str, ...]
    intact: bool
    crypto_valid: bool
    weak: bool
    status: Any
    revocation_checked: bool
    revocation_required: bool
    timestamp_broken: bool


def verdict(f: Facts) -> Verdict:
    """The ETSI verdict for one signature or document timestamp."""
    if "no_signing_certificate" in f.problems:
        return Verdict(INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND")
    if "unsupported_algorithm" in f.problems:
        return Verdict(INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE")
    if _FORMAT & set(f.problems):
        return Verdict(FAILED, "FORMAT_FAILURE")
    if not f.intact:
        return Verdict(FAILED, "HASH_FAILURE")
    if not f.crypto_valid:
        return Verdict(FAILED, "SIG_CRYPTO_FAILURE")
    if f.weak:
        return Verdict(INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE")
    if f.status is None and "chain_unverifiable" in f.problems:
        return Verdict(INDETERMINATE, "CERTIFICATE_CHAIN_GENERAL_FAILURE")
    trust = _trust(f.status)
    if trust is not None:
        return trust
    if f.revocation_required and not f.revocation_checked:
        return Verdict(INDETERMINATE, "TRY_LATER")
    if f.timestamp_broken:
        return Verdict(INDETERMINATE, "GENERIC")
    return Verdict(PASSED, None)


def _trust(status: Any) -> Verdict | None:
    if status is None:
        return Verdict(INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND")
    indic = status.trust_problem_indic
    if status.revoked and _revoked_before_proof(status):
        return Verdict(FAILED, "REVOKED")
    if isinstance(indic, AdESFailure):
        return Verdict(FAILED, indic.name)
    if isinstance(indic, AdESIndeterminate):
        return Verdict(INDETERMINATE, indic.name)
    if not status.trusted:
        return Verdict(INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND")
    return None


def _revoked_before_proof(status: Any) -> bool:
    """Revoked, and a trusted timestamp proves the signature was made only after the revocation."""
    details, ts = status.revocation_details, getattr(status, "timestamp_validity", None)
    if details is None or ts is None or not (ts.intact and ts.valid and ts.trusted):
        return False
    return bool(ts.timestamp >= details.revocation_date)


def document_verdict(verdicts: list[Verdict]) -> Verdict:
    """The file's verdict: the worst of its signatures' (no signature: INDETERMINATE)."""
    if not verdicts:
        return Verdict(INDETERMINATE, "SIGNED_DATA_NOT_FOUND")
    for wanted in (FAILED, INDETERMINATE):
        for v in verdicts:
            if v.indication == wanted:
                return v
    return Verdict(PASSED, None)
