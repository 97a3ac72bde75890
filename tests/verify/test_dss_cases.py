"""DSS's own validation files: each attack or broken case fails (or stays undecided) with its cause named;
every other signature, from any vendor, has intact bytes and valid maths.

What DSS concludes is in its tests (``PAdESWithAddedPageTest``, ``PAdESSpoofingAttackReplacementTest``,
``PAdESWithSpoofingAttackTest``, ``DSS2236`` …); the file names say the case.
"""

from __future__ import annotations

import pytest

from pipeline.verify import SignatureReport, VerificationReport, verify_pdf
from schemas.settings import VerifySettings
from tests.verify.forge import append
from tests.verify.shared_files import interop, shared_pdfs

#: file -> {signature field: the problem code, or the kind of not-allowed change, that names the cause}
ATTACKS: dict[str, dict[str, str]] = {
    "pdf-signed-added-page.pdf": {"Signature1": "page_added"},
    "pades-spoofing-replaced-reason.pdf": {"Signature1": "signature_dictionary_changed"},
    "pdf-spoofing-attack.pdf": {"Sig2": "signature_dictionary_not_signed"},
    "hello_signed_INCSAVE_signed_EDITED.pdf": {"Signature2": "contents_outside_byte_range"},
    "modified_after_signature.pdf": {"Signature1": "page_content_changed"},
    "dss-2236__annotation-and-visible-change.pdf": {"Digital Signature 1": "appearance_redrawn"},
    "pdf-signed-corrupted.pdf": {"Signature1": "byte_range_invalid"},
    "pdf-signed-out-of-byteRange.pdf": {"Signature1": "byte_range_invalid"},
    "pdf-with-empty-sig.pdf": {"Signature1": "signature_unreadable"},
    "pades_infinite_loop.pdf": {"CSGN_Signature: D:20191031184401": "byte_range_invalid"},
    "dss-1420__PAdES-BpB-att-SHA256-SHA3_256withRSA.pdf": {"Signature1": "signature_value_invalid"},
    # the signature locks every field; one was filled afterwards
    "test-with-vri.pdf": {"TestSignature": "form_filled"},
    # certified (DocMDP P=2), then a new visible signature field was added: only existing fields may be signed
    "dss-1376__DSS1376-rev_n.pdf": {"Sig1": "signature_field_added"},
}


@pytest.fixture(scope="module")
def reports() -> dict[str, VerificationReport]:
    cfg = VerifySettings()
    return {p.name: verify_pdf(p.read_bytes(), cfg=cfg) for p in shared_pdfs()}


def _named(sig: SignatureReport, cause: str) -> bool:
    return cause in sig.problems or any(c.kind == cause and not c.allowed for c in sig.changes)


@pytest.mark.parametrize(("name", "expected"), sorted(ATTACKS.items()))
def test_every_attack_case_fails_or_stays_undecided_with_its_cause_named(name, expected, reports):
    by_field = {s.field: s for s in reports[name].signatures}
    for field, cause in expected.items():
        sig = by_field[field]
        assert sig.indication in ("TOTAL_FAILED", "INDETERMINATE")
        assert _named(sig, cause), (cause, sig.problems, [(c.kind, c.allowed) for c in sig.changes])
    assert reports[name].indication != "TOTAL_PASSED"


def test_every_untouched_signature_has_intact_bytes_and_valid_maths(reports):
    untouched = [(name, s) for name, r in reports.items() for s in r.signatures
                 if s.field not in ATTACKS.get(name, {})]
    assert len(untouched) > 100  # the check covers the vendors' signatures, not a handful
    broken = [(name, s.field) for name, s in untouched if not (s.intact and s.crypto_valid)]
    assert broken == []


def test_untouched_vendor_signatures_are_not_failed_only_undecided_for_want_of_their_roots(reports):
    """Without the vendors' roots a chain cannot be trusted: INDETERMINATE, never TOTAL_FAILED."""
    failed = [(name, s.field, s.sub_indication) for name, r in reports.items() for s in r.signatures
              if s.field not in ATTACKS.get(name, {}) and s.indication == "TOTAL_FAILED"]
    assert failed == []


def test_a_certified_no_changes_document_annotated_afterwards_reports_the_change_it_forbids():
    """README of the DSS set: certified-no-change-permitted must report the change it forbids (here a note)."""
    from tests.verify.test_shadow_attacks import overlay

    data = interop("dss-2554__certified-no-change-permitted.pdf").read_bytes()
    [before] = verify_pdf(data, cfg=VerifySettings()).signatures
    assert before.modifications == "none" and before.intact

    corner = (2.0, 2.0, 12.0, 12.0)  # a small mark in the page's corner, over no text
    [after] = verify_pdf(append(data, overlay(corner, "x")), cfg=VerifySettings()).signatures
    assert (after.indication, after.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
    assert _named(after, "annotation_added")
