"""Each officer signs with their own key: the registry (inline, TOML, JSON), development issuance, no shared key.

A PKI of this module's own (issuing officers adds to it) with its real TSA/OCSP
on loopback, answering as of the frozen clock.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from pipeline.sign import load_certs, load_officer_signer, load_signer, sign_pdf
from pipeline.verify import verify_pdf
from schemas.errors import ConfigError, ErrorCode, SigningError, SohoaError
from schemas.settings import OfficerKey, SignSettings, VerifySettings
from tests.fixtures_pki import FROZEN, PKI_MADE, free_port


@pytest.fixture(scope="module")
def officer_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from pki import ensure_dev_pki, serve_dev_pki

    made = ensure_dev_pki(tmp_path_factory.mktemp("officer-pki") / "pki", port=free_port(), now=PKI_MADE)
    services = serve_dev_pki(made, at_time=FROZEN)
    yield made
    services.stop()


@pytest.fixture(scope="module")
def dev_cfg(officer_pki) -> SignSettings:  # type: ignore[no-untyped-def]
    return SignSettings(key_source="dev", dev_pki_dir=officer_pki.directory, tsa_url=officer_pki.tsa_url,
                        tsa_timeout_s=5.0, revocation_timeout_s=5.0, trust_roots=(officer_pki.root_cert,))


def _issuer(pki):  # type: ignore[no-untyped-def]
    from pki import dev_officer

    return lambda officer, name: dev_officer(pki.directory, officer, name=name).label


@pytest.fixture
def p12_registry(officer_pki, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A folder with an officer's PKCS#12 (the PKI's ECDSA officer) and its password file, as an operator has."""
    ident = officer_pki.identities["officer-ec"]
    (tmp_path / "keys").mkdir()
    shutil.copy(ident.pkcs12, tmp_path / "keys" / "cb05.p12")
    shutil.copy(ident.pkcs12_password_file, tmp_path / "keys" / "cb05.pass")
    return tmp_path


def _pkcs12_cfg(dev_cfg: SignSettings, **changes: object) -> SignSettings:
    return dev_cfg.model_copy(update={"key_source": "pkcs12", **changes})


def test_two_officers_sign_their_own_scans_with_certificates_that_name_them(officer_pki, dev_cfg, blank_pdf,
                                                                           tmp_path):
    from tests.sign.test_levels import pdfsig

    cfg = dev_cfg.model_copy(update={"officer_keys": {"cb01": OfficerKey(name="Phạm Thị Hoa")}})
    signed, certs = {}, {}
    for officer in ("cb01", "cb02"):
        signer = load_officer_signer(cfg, officer, dev_issuer=_issuer(officer_pki))
        try:
            signed[officer] = sign_pdf(blank_pdf, signer=signer, level="B-LT", appearance="scan", cfg=cfg, now=FROZEN)
            certs[officer] = signer.cert
        finally:
            signer.close()
    assert certs["cb01"].serial_number != certs["cb02"].serial_number
    assert certs["cb01"].public_key.dump() != certs["cb02"].public_key.dump()
    assert certs["cb01"].subject.native["common_name"] == "Phạm Thị Hoa (DEVELOPMENT)"
    assert certs["cb02"].subject.native["common_name"] == "cb02 (DEVELOPMENT)"
    verify_cfg = VerifySettings(trust_roots=(officer_pki.root_cert,), revocation_timeout_s=5.0)
    for officer, data in signed.items():
        report = verify_pdf(data, cfg=verify_cfg, now=FROZEN)
        assert report.valid, report.to_text("en")
        assert [s.level for s in report.signatures] == ["B-LT"]
        [embedded] = PdfFileReader(io.BytesIO(data)).embedded_signatures
        assert embedded.signer_cert.subject.native["user_id"] == officer  # the certificate in the file names them
    assert "Signature Validation: Signature is Valid." in pdfsig(signed["cb01"], tmp_path)


def test_an_officer_in_a_toml_registry_signs_with_their_key_and_one_missing_is_key_unavailable(
        dev_cfg, p12_registry, blank_pdf, officer_pki):
    registry = p12_registry / "officers.toml"
    registry.write_text('[officers.cb05]\npkcs12 = "keys/cb05.p12"\npassword_file = "keys/cb05.pass"\n',
                        encoding="utf-8")  # paths relative to the file, as an operator writes them
    cfg = _pkcs12_cfg(dev_cfg, officer_keys_file=registry)
    signer = load_officer_signer(cfg, "cb05")
    try:
        assert signer.cert.sha256 == load_certs([officer_pki.identities["officer-ec"].cert])[0].sha256
        assert (signer.key.kind, signer.key.source) == ("ecdsa", "pkcs12")
        sign_pdf(blank_pdf, signer=signer, level="B-T", appearance="scan", cfg=cfg, now=FROZEN)
    finally:
        signer.close()
    with pytest.raises(SigningError) as caught:
        load_officer_signer(cfg, "cb06", dev_issuer=_issuer(officer_pki))  # an issuer is no key outside development
    assert caught.value.code == ErrorCode.KEY_UNAVAILABLE
    assert caught.value.detail == {"officer": "cb06", "setting": "SOHOA_SIGN__OFFICER_KEYS_FILE"}
    assert "cb06" in caught.value.message and "SOHOA_SIGN__OFFICER_KEYS_FILE" in caught.value.message
    issued = officer_pki.directory / "officers.json"  # absent when this test runs first on its xdist worker
    assert not issued.is_file() or "cb06" not in json.loads(issued.read_text(encoding="utf-8"))


def test_a_registry_file_is_read_again_when_it_changes(dev_cfg, p12_registry):
    registry = p12_registry / "officers.json"
    registry.write_text(json.dumps({"officers": {}}), encoding="utf-8")
    cfg = _pkcs12_cfg(dev_cfg, officer_keys_file=registry)
    with pytest.raises(SigningError):
        load_officer_signer(cfg, "cb05")
    entry = {"pkcs12": str(p12_registry / "keys" / "cb05.p12"), "password_file": "keys/cb05.pass"}
    registry.write_text(json.dumps({"officers": {"cb05": entry}}), encoding="utf-8")  # a new officer, no restart
    load_officer_signer(cfg, "cb05").close()


def test_a_password_comes_from_the_variable_the_entry_names_and_a_missing_one_says_so(dev_cfg, p12_registry):
    password = (p12_registry / "keys" / "cb05.pass").read_text().strip()
    key = OfficerKey(pkcs12=p12_registry / "keys" / "cb05.p12", password_env="CB05_P12_PASSWORD")
    cfg = _pkcs12_cfg(dev_cfg, officer_keys={"cb05": key})
    load_officer_signer(cfg, "cb05", environ={"CB05_P12_PASSWORD": password}).close()
    with pytest.raises(ConfigError) as caught:
        load_officer_signer(cfg, "cb05", environ={})
    assert caught.value.code == ErrorCode.CONFIG_INVALID and caught.value.detail == {"variable": "CB05_P12_PASSWORD"}
    with pytest.raises(SohoaError) as wrong:
        load_officer_signer(cfg, "cb05", environ={"CB05_P12_PASSWORD": "not it"})
    assert wrong.value.code == ErrorCode.WRONG_PIN


def test_bad_registries_are_config_errors(dev_cfg, p12_registry):
    bad = {"broken.toml": "[officers.cb05\n", "wrong.yaml": "officers: {}\n",
           "typo.json": json.dumps({"officers": {"cb05": {"pkcs12": "a.p12", "pasword_file": "a.pass"}}}),
           "both.json": json.dumps({"officers": {"cb05": {"pkcs12": "a.p12", "pkcs11_key_label": "cb05"}}})}
    for name, text in bad.items():
        (p12_registry / name).write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_officer_signer(_pkcs12_cfg(dev_cfg, officer_keys_file=p12_registry / name), "cb05")
        assert caught.value.code == ErrorCode.CONFIG_INVALID, name
    with pytest.raises(ConfigError):
        load_officer_signer(_pkcs12_cfg(dev_cfg, officer_keys_file=p12_registry / "absent.toml"), "cb05")
    (p12_registry / "one.toml").write_text('[officers.cb05]\npkcs12 = "keys/cb05.p12"\npassword_file = "x"\n')
    other = OfficerKey(pkcs12=p12_registry / "elsewhere.p12", password_file=p12_registry / "x")
    with pytest.raises(ConfigError) as twice:
        load_officer_signer(_pkcs12_cfg(dev_cfg, officer_keys_file=p12_registry / "one.toml",
                                        officer_keys={"cb05": other}), "cb05")
    assert "two different keys" in twice.value.message


def test_there_is_no_key_shared_by_every_officer_outside_development(dev_cfg, officer_pki):
    shared = officer_pki.identities["officer"]
    cfg = _pkcs12_cfg(dev_cfg, officer_pkcs12_path=shared.pkcs12,
                      officer_pkcs12_password_file=shared.pkcs12_password_file)
    with pytest.raises(ConfigError) as no_role_key:
        load_signer(cfg, role="officer")
    assert "own key" in no_role_key.value.message
    with pytest.raises(SigningError) as caught:
        load_officer_signer(cfg, "cb09")
    assert caught.value.code == ErrorCode.KEY_UNAVAILABLE and "no longer used" in caught.value.message


@pytest.mark.parametrize("level", ["B-T", "B-LT", "B-LTA"])
def test_a_level_needing_a_timestamp_without_a_tsa_is_refused_never_lowered(level, dev_cfg, blank_pdf):
    from pipeline.sign import sign_result

    cfg = dev_cfg.model_copy(update={"tsa_url": None})
    officer, agency = load_signer(cfg, role="officer"), load_signer(cfg, role="agency")
    try:
        with pytest.raises(SigningError) as one:
            sign_pdf(blank_pdf, signer=officer, level=level, appearance="scan", cfg=cfg, now=FROZEN)
        with pytest.raises(SigningError) as result:
            sign_result(blank_pdf, signer=officer, agency=agency, level=level, cfg=cfg, now=FROZEN)
        assert sign_pdf(blank_pdf, signer=officer, level="B-B", appearance="scan", cfg=cfg, now=FROZEN)
    finally:
        officer.close()
        agency.close()
    for caught in (one, result):
        assert caught.value.code == ErrorCode.LEVEL_UNREACHABLE and not caught.value.retryable
        assert caught.value.detail == {"level": level, "setting": "SOHOA_SIGN__TSA_URL"}


def test_officer_keys_inline_in_the_environment_as_json(monkeypatch, p12_registry):
    from schemas.settings import Settings

    monkeypatch.setenv("SOHOA_SIGN__OFFICER_KEYS", json.dumps({
        "cb05": {"pkcs12": str(p12_registry / "keys" / "cb05.p12"), "password_env": "CB05_P12_PASSWORD"},
        "nguyen.b@ubnd": {"pkcs11_key_label": "nguyen.b"}}))
    keys = Settings().sign.officer_keys
    assert keys["cb05"].password_env == "CB05_P12_PASSWORD" and keys["nguyen.b@ubnd"].pkcs11_key_label == "nguyen.b"
    monkeypatch.setenv("SOHOA_SIGN__OFFICER_KEYS", json.dumps({"cb05": {"pkcs12": "a.p12", "pin_env": "X"}}))
    with pytest.raises(ValueError, match="pin_file / pin_env"):
        Settings()
