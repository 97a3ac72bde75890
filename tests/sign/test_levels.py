"""Every level, key type and appearance verifies with our verify and with poppler's pdfsig."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.sign import SignMeta, sign_pdf
from pipeline.verify import verify_pdf
from tests.fixtures_pki import FROZEN, ades_lta_indication


def pdfsig(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.fail("pdfsig (poppler-utils) is not installed: run scripts/setup.sh")
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    run = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False)
    return run.stdout + run.stderr


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT", "B-LTA"])
@pytest.mark.parametrize("key", ["officer", "officer-ec"])
def test_each_level_and_key_type_verifies_with_ours_and_pdfsig(level, key, signers, sign_cfg, verify_cfg,  # noqa: PLR0917
                                                              blank_pdf, tmp_path):
    signed = sign_pdf(blank_pdf, signer=signers[key], level=level, appearance="scan", cfg=sign_cfg, now=FROZEN)

    out = pdfsig(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    report = verify_pdf(signed, cfg=verify_cfg, now=FROZEN)
    assert report.valid, report.to_text("en")
    assert report.signatures[0].level == level
    assert report.signatures[0].signing_time == "2025-09-15T10:21:33+07:00"
    # the loopback TSA answers for the frozen clock too
    assert report.signatures[0].timestamp_time == (None if level == "B-B" else FROZEN.isoformat())


@pytest.mark.parametrize("appearance", ["scan", "result", "seal", "copy", "none"])
def test_each_appearance_verifies_with_ours_and_pdfsig(appearance, signers, sign_cfg, verify_cfg, blank_pdf,  # noqa: PLR0917
                                                       tmp_path):
    meta = SignMeta(title="CHỦ TỊCH", copy_form="SAO Y")
    signed = sign_pdf(blank_pdf, signer=signers["agency"], level="B-T", appearance=appearance, meta=meta,
                      cfg=sign_cfg, now=FROZEN)

    assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)
    assert verify_pdf(signed, cfg=verify_cfg, now=FROZEN).valid


def test_rsa_keys_sign_with_pss_and_ecdsa_with_p256(signers, sign_cfg, blank_pdf):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    rsa = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    ec = sign_pdf(blank_pdf, signer=signers["officer-ec"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)

    rsa_algo = PdfFileReader(io.BytesIO(rsa)).embedded_signatures[0].signer_info["signature_algorithm"]
    ec_sig = PdfFileReader(io.BytesIO(ec)).embedded_signatures[0]
    assert rsa_algo["algorithm"].native == "rsassa_pss"
    assert ec_sig.signer_cert.public_key.curve[1] == "secp256r1"
    assert signers["officer"].key.bits >= 2048


def test_b_lta_passes_pyhanko_ades_lta_validation(signers, sign_cfg, dev_pki, blank_pdf):
    from pyhanko.sign.ades.report import AdESPassed

    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-LTA", appearance="scan", cfg=sign_cfg,
                      now=FROZEN)
    assert ades_lta_indication(signed, dev_pki.root_cert, FROZEN) == AdESPassed.OK
