"""PKCS#11 keys on a SoftHSM2 token: RSA (PSS) and ECDSA (raw mechanism), the key never leaving the token."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from pipeline.sign import load_signer, sign_pdf
from pipeline.verify import verify_pdf
from schemas.errors import ErrorCode, SohoaError
from tests.fixtures_pki import FROZEN


def _cfg(sign_cfg, softhsm, label: str, pin: str):
    return sign_cfg.model_copy(update={
        "key_source": "pkcs11", "pkcs11_module": softhsm.module, "pkcs11_token_label": softhsm.token_label,
        "pkcs11_officer_key_label": label, "pkcs11_pin": SecretStr(pin),
    })


@pytest.mark.parametrize(("label", "kind"), [("officer", "rsa"), ("officer-ec", "ecdsa")])
def test_token_key_signs_b_lt_that_verifies(label, kind, softhsm, sign_cfg, verify_cfg, blank_pdf, tmp_path):  # noqa: PLR0917 (fixtures)
    from tests.sign.test_levels import pdfsig

    signer = load_signer(_cfg(sign_cfg, softhsm, label, softhsm.pin), role="officer")
    try:
        assert signer.key.kind == kind
        assert signer.key.source == "pkcs11"
        signed = sign_pdf(blank_pdf, signer=signer, level="B-LT", appearance="scan", cfg=sign_cfg, now=FROZEN)
    finally:
        signer.close()
    assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)
    report = verify_pdf(signed, cfg=verify_cfg, now=FROZEN)
    assert report.valid, report.to_text("en")
    assert report.signatures[0].level == "B-LT"


def test_wrong_pin_is_refused_with_its_code(softhsm, sign_cfg):
    with pytest.raises(SohoaError) as e:
        load_signer(_cfg(sign_cfg, softhsm, "officer", "0000"), role="officer")
    assert e.value.code == ErrorCode.WRONG_PIN


def test_missing_key_label_on_token_is_key_unavailable(softhsm, sign_cfg):
    with pytest.raises(SohoaError) as e:
        load_signer(_cfg(sign_cfg, softhsm, "nobody", softhsm.pin), role="officer")
    assert e.value.code == ErrorCode.KEY_UNAVAILABLE
