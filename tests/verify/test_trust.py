"""Trust as a province configures it: a folder of roots and intermediates, the development root only in development."""

from __future__ import annotations

import shutil

import pytest

from pipeline.sign import sign_pdf
from pipeline.verify import verify_pdf
from pki import verify_settings
from schemas.errors import ErrorCode, SohoaError
from schemas.settings import Settings, SignSettings, VerifySettings
from tests.fixtures_pki import FROZEN
from tests.verify.shared_files import REALDOCS


@pytest.fixture(scope="module")
def signed(signers, sign_cfg, blank_pdf) -> bytes:
    return sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)


def test_vietnamese_government_chain_names_the_issuer_to_add(tmp_path):
    """Quảng Ngãi's documents carry only the signer's certificate: the report names the CA whose root is missing."""
    path = REALDOCS / "quangngai-thongbao-565-TB-UBND-2024-11-15-borndigital.pdf"
    assert path.is_file()
    report = verify_pdf(path.read_bytes(), cfg=VerifySettings(trust_dir=tmp_path))
    first, last = report.signatures[0], report.signatures[-1]
    assert first.chain == ("Phùng Tô Long",) and first.chain_missing_issuer == "CA phục vụ các cơ quan Nhà nước G2"
    assert last.chain_missing_issuer == "CA phục vụ các cơ quan Nhà nước G2"
    assert (last.indication, last.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert "CA phục vụ các cơ quan Nhà nước G2" in last.advice_vi and "Ban Cơ yếu Chính phủ" in last.advice_vi
    assert all(s.intact and s.crypto_valid for s in report.signatures)


def test_a_root_in_the_trust_folder_is_trusted(signed, dev_pki, tmp_path):
    shutil.copy(dev_pki.root_cert, tmp_path / "root.crt")
    [sig] = verify_pdf(signed, cfg=VerifySettings(trust_dir=tmp_path), now=FROZEN).signatures
    assert sig.trusted and sig.valid
    assert sig.chain[-1] == "sohoa DEVELOPMENT Root CA"


def test_an_intermediate_alone_in_the_trust_folder_is_no_trust_anchor(signed, dev_pki, tmp_path):
    shutil.copy(dev_pki.cert_path("issuing"), tmp_path / "issuing.pem")
    [sig] = verify_pdf(signed, cfg=VerifySettings(trust_dir=tmp_path), now=FROZEN).signatures
    assert not sig.trusted and sig.sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert "sohoa DEVELOPMENT Issuing CA" in sig.chain


@pytest.mark.parametrize("content", [b"not a certificate",
                                     b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
def test_an_unreadable_certificate_in_the_trust_folder_is_a_config_error(signed, tmp_path, content):
    (tmp_path / "broken.crt").write_bytes(content)
    with pytest.raises(SohoaError) as e:
        verify_pdf(signed, cfg=VerifySettings(trust_dir=tmp_path))
    assert e.value.code == ErrorCode.CONFIG_INVALID and "broken.crt" in e.value.message


def test_a_missing_trust_folder_is_a_config_error(signed, tmp_path):
    with pytest.raises(SohoaError) as e:
        verify_pdf(signed, cfg=VerifySettings(trust_dir=tmp_path / "nowhere"))
    assert e.value.code == ErrorCode.CONFIG_INVALID


@pytest.mark.parametrize(("environment", "trusted"), [("development", True), ("test", False), ("production", False)])
def test_the_development_root_is_trusted_in_development_only(environment, trusted, dev_pki, tmp_path):
    settings = Settings(environment=environment, data_dir=tmp_path,
                        sign=SignSettings(dev_pki_dir=dev_pki.directory))
    cfg = verify_settings(settings, online=False, trust_dir=None, lang="vi")
    assert (dev_pki.root_cert in cfg.trust_roots) is trusted
    assert not cfg.allow_fetching


def test_no_development_pki_is_made_by_verification(tmp_path):
    settings = Settings(environment="development", data_dir=tmp_path)
    cfg = verify_settings(settings, online=True, trust_dir=None, lang="en")
    assert cfg.trust_roots == () and cfg.allow_fetching
    assert not (tmp_path / "pki").exists()
