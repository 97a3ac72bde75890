"""Every level, key type and appearance verifies with our verify and with poppler's pdfsig."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.sign import SignMeta, sign_pdf
from pipeline.verify import verify_pdf

FROZEN = datetime(2025, 9, 15, 10, 21, 33, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


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
    report = verify_pdf(signed, cfg=verify_cfg)
    assert report.valid, report.to_text("en")
    assert report.signatures[0].level == level
    assert report.signatures[0].signing_time == "2025-09-15T10:21:33+07:00"


@pytest.mark.parametrize("appearance", ["scan", "result", "seal", "copy", "none"])
def test_each_appearance_verifies_with_ours_and_pdfsig(appearance, signers, sign_cfg, verify_cfg, blank_pdf,  # noqa: PLR0917
                                                       tmp_path):
    meta = SignMeta(title="CHỦ TỊCH", copy_form="SAO Y")
    signed = sign_pdf(blank_pdf, signer=signers["agency"], level="B-T", appearance=appearance, meta=meta,
                      cfg=sign_cfg, now=FROZEN)

    assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)
    assert verify_pdf(signed, cfg=verify_cfg).valid


def test_rsa_keys_sign_with_pss_and_ecdsa_with_p256(signers, sign_cfg, blank_pdf):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    rsa = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg)
    ec = sign_pdf(blank_pdf, signer=signers["officer-ec"], level="B-B", appearance="none", cfg=sign_cfg)

    rsa_algo = PdfFileReader(io.BytesIO(rsa)).embedded_signatures[0].signer_info["signature_algorithm"]
    ec_sig = PdfFileReader(io.BytesIO(ec)).embedded_signatures[0]
    assert rsa_algo["algorithm"].native == "rsassa_pss"
    assert ec_sig.signer_cert.public_key.curve[1] == "secp256r1"
    assert signers["officer"].key.bits >= 2048


def test_b_lta_passes_pyhanko_ades_lta_validation(signers, sign_cfg, dev_pki, blank_pdf):
    import asyncio
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec, SignatureValidationSpec
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import RevocationCheckingPolicy, RevocationCheckingRule
    from pyhanko_certvalidator.registry import SimpleTrustManager

    from pipeline.sign import load_certs

    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-LTA", appearance="scan", cfg=sign_cfg)
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(load_certs([dev_pki.root_cert])),
        revinfo_policy=__import__("pyhanko_certvalidator").policy_decl.CertRevTrustPolicy(
            RevocationCheckingPolicy(ee_certificate_rule=rule, intermediate_ca_cert_rule=rule)),
    )))
    result = asyncio.run(ades_lta_validation(sig, spec))
    assert result.ades_subindic == AdESPassed.OK
