"""Every signature poppler's ``pdfsig`` sees, on every shared file, is in our report with the same verdict on its bytes.

Where pdfsig cannot judge (a document timestamp it does not verify, an algorithm NSS
lacks, a container it cannot parse) it gives no verdict and only the field is compared.
Where we disagree with it, the file is listed in ``DISAGREE`` and a test in
``test_disagreements.py`` shows from first principles why our answer is the right one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.verify import VerificationReport, verify_pdf
from schemas.settings import VerifySettings
from tests.verify.shared_files import pdfsig, shared_pdfs

#: file -> why pdfsig and we see its signature fields differently (each proved in test_disagreements.py)
DISAGREE = {
    "pades_infinite_loop.pdf": "pdfsig gives up on the looping field tree and lists nothing; we list the one "
                               "signed field, whose byte range runs past the end of the file",
    "pdf-spoofing-attack.pdf": "pdfsig calls Sig2 unsigned; its /V is a signature dictionary written after the "
                               "bytes it claims to sign, which we report as a spoofed signature (FORMAT_FAILURE)",
}


@pytest.fixture(scope="module")
def reports() -> dict[str, VerificationReport]:
    cfg = VerifySettings()
    return {p.name: verify_pdf(p.read_bytes(), cfg=cfg) for p in shared_pdfs()}


@pytest.mark.parametrize("path", shared_pdfs(), ids=lambda p: p.name)
def test_we_see_every_signature_pdfsig_sees_with_the_same_verdict_on_its_bytes(path: Path, reports):
    theirs = pdfsig(path)
    ours = reports[path.name]
    signed = {s.field: s for s in ours.signatures}
    if path.name in DISAGREE:
        assert {e.field for e in theirs if e.verdict != "unsigned"} != set(signed), "no longer a disagreement"
        return
    assert sorted(e.field for e in theirs if e.verdict != "unsigned") == sorted(s.field for s in ours.signatures)
    assert sorted(e.field for e in theirs if e.verdict == "unsigned") == sorted(ours.unsigned_fields)
    for entry in theirs:
        if entry.verdict == "valid":
            assert signed[entry.field].intact and signed[entry.field].crypto_valid, entry.field
        elif entry.verdict == "digest_mismatch":
            assert not signed[entry.field].intact, entry.field
