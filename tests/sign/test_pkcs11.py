"""PKCS#11 keys on a SoftHSM2 token: RSA (PSS) and ECDSA (raw mechanism), the key never leaving the token.

Officers' keys are found by officer id in the officer key registry (``pkcs11_key_label``
entries); the agency's by ``pkcs11_key_label``. The token holds the development
PKI's ``officer`` (RSA) and ``officer-ec`` (ECDSA) keys.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from pipeline.sign import load_officer_signer, load_signer, sign_pdf
from pipeline.verify import verify_pdf
from schemas.errors import ConfigError, ErrorCode, SohoaError
from schemas.settings import OfficerKey
from tests.fixtures_pki import FROZEN


def _cfg(sign_cfg, softhsm, officers: dict[str, OfficerKey], pin: str = "", **changes):  # type: ignore[no-untyped-def]
    return sign_cfg.model_copy(update={
        "key_source": "pkcs11", "pkcs11_module": softhsm.module, "pkcs11_token_label": softhsm.token_label,
        "pkcs11_pin": SecretStr(pin or softhsm.pin), "officer_keys": officers, **changes,
    })


@pytest.mark.parametrize(("label", "kind"), [("officer", "rsa"), ("officer-ec", "ecdsa")])
def test_an_officers_token_key_signs_b_lt_that_verifies(label, kind, softhsm, sign_cfg, verify_cfg, blank_pdf,  # noqa: PLR0917
                                                       tmp_path):
    from tests.sign.test_levels import pdfsig

    cfg = _cfg(sign_cfg, softhsm, {"cb01": OfficerKey(pkcs11_key_label=label)})
    signer = load_officer_signer(cfg, "cb01")
    try:
        assert (signer.key.kind, signer.key.source, signer.role) == (kind, "pkcs11", "officer")
        signed = sign_pdf(blank_pdf, signer=signer, level="B-LT", appearance="scan", cfg=sign_cfg, now=FROZEN)
    finally:
        signer.close()
    assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)
    report = verify_pdf(signed, cfg=verify_cfg, now=FROZEN)
    assert report.valid, report.to_text("en")
    assert report.signatures[0].level == "B-LT"


def test_two_officers_on_one_token_each_sign_with_their_own_key(softhsm, sign_cfg, blank_pdf):
    """PKCS#11 logs the process in once per token: the second officer rides on it, and outlives the first."""
    cfg = _cfg(sign_cfg, softhsm, {"cb01": OfficerKey(pkcs11_key_label="officer"),
                                   "cb02": OfficerKey(pkcs11_key_label="officer-ec")})
    first, second = load_officer_signer(cfg, "cb01"), load_officer_signer(cfg, "cb02")
    try:
        assert first.cert.sha256 != second.cert.sha256
        assert "Nguyễn Văn An" in first.subject and "Trần Thị Bình" in second.subject
        sign_pdf(blank_pdf, signer=first, level="B-B", appearance="scan", cfg=sign_cfg, now=FROZEN)
        first.close()  # closing the first officer's session must not log the second one out
        sign_pdf(blank_pdf, signer=second, level="B-B", appearance="scan", cfg=sign_cfg, now=FROZEN)
    finally:
        first.close()
        second.close()
    again = load_officer_signer(cfg, "cb01")  # every session closed: the next one logs in afresh
    again.close()
    with pytest.raises(SohoaError) as e:  # and a wrong PIN is still refused then
        load_officer_signer(_cfg(sign_cfg, softhsm, {"cb01": OfficerKey(pkcs11_key_label="officer")}, pin="0000"),
                            "cb01")
    assert e.value.code == ErrorCode.WRONG_PIN


def test_the_agency_key_on_the_token(softhsm, sign_cfg, blank_pdf):
    agency = load_signer(_cfg(sign_cfg, softhsm, {}, pkcs11_key_label="officer-ec"), role="agency")
    try:
        assert (agency.role, agency.key.source) == ("agency", "pkcs11")
        assert sign_pdf(blank_pdf, signer=agency, level="B-B", appearance="copy", cfg=sign_cfg, now=FROZEN)
    finally:
        agency.close()


def test_an_officer_pin_from_the_variable_their_entry_names(softhsm, sign_cfg):
    cfg = _cfg(sign_cfg, softhsm, {"cb01": OfficerKey(pkcs11_key_label="officer", pin_env="CB01_PIN")}, pin="0000")
    load_officer_signer(cfg, "cb01", environ={"CB01_PIN": softhsm.pin}).close()  # the entry's PIN, not the shared one


def test_wrong_pin_is_refused_with_its_code(softhsm, sign_cfg):
    with pytest.raises(SohoaError) as e:
        load_officer_signer(_cfg(sign_cfg, softhsm, {"cb01": OfficerKey(pkcs11_key_label="officer")}, pin="0000"),
                            "cb01")
    assert e.value.code == ErrorCode.WRONG_PIN


def test_missing_key_label_on_token_is_key_unavailable(softhsm, sign_cfg):
    with pytest.raises(SohoaError) as e:
        load_officer_signer(_cfg(sign_cfg, softhsm, {"cb01": OfficerKey(pkcs11_key_label="nobody")}), "cb01")
    assert e.value.code == ErrorCode.KEY_UNAVAILABLE


def test_an_officer_without_an_entry_and_the_old_shared_label_get_no_key(softhsm, sign_cfg):
    cfg = _cfg(sign_cfg, softhsm, {}, pkcs11_officer_key_label="officer")
    with pytest.raises(SohoaError) as e:
        load_officer_signer(cfg, "cb03")
    assert e.value.code == ErrorCode.KEY_UNAVAILABLE and "cb03" in e.value.message
    with pytest.raises(ConfigError):
        load_signer(cfg, role="officer")
