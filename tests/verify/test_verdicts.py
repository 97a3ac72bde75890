"""ETSI EN 319 102-1 verdicts, per signature and for the file, each with a sentence an officer can act on."""

from __future__ import annotations

from datetime import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipeline.sign import load_signer, sign_pdf
from pipeline.verify import verify_pdf
from schemas.settings import VerifySettings
from tests.fixtures_pki import FROZEN
from tests.verify.shared_files import REALDOCS


@pytest.fixture(scope="module")
def offline(dev_pki) -> VerifySettings:
    return VerifySettings(trust_roots=(dev_pki.root_cert,))


def _signed_by(identity: str, level: str, sign_cfg, blank_pdf) -> bytes:  # type: ignore[no-untyped-def]
    """Signed by a test identity the signer's own checks would refuse (they are switched off here)."""
    cfg = sign_cfg.model_copy(update={"precheck": False})
    signer = load_signer(cfg, role="officer", identity=identity)
    try:
        return sign_pdf(blank_pdf, signer=signer, level=level, appearance="none", cfg=cfg, now=FROZEN)
    finally:
        signer.close()


def test_a_good_archived_signature_is_total_passed_with_its_chain_named(signers, sign_cfg, blank_pdf, offline):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-LT", appearance="none", cfg=sign_cfg, now=FROZEN)
    report = verify_pdf(signed, cfg=offline, now=FROZEN)
    [sig] = report.signatures
    assert (report.indication, report.sub_indication) == ("TOTAL_PASSED", None)
    assert (sig.indication, sig.sub_indication, sig.revocation) == ("TOTAL_PASSED", None, "good")
    assert sig.chain == ("Nguyễn Văn An (DEVELOPMENT)", "sohoa DEVELOPMENT Issuing CA", "sohoa DEVELOPMENT Root CA")
    assert sig.advice_vi.startswith("Chữ ký hợp lệ") and sig.advice_en.startswith("Valid")


def test_a_changed_byte_is_a_hash_failure(signers, sign_cfg, blank_pdf, offline):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    pos = signed.index(b"/Helvetica")
    [sig] = verify_pdf(signed[:pos] + b"/Helvetiqa" + signed[pos + 10:], cfg=offline, now=FROZEN).signatures
    assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "HASH_FAILURE")
    assert "sửa sau khi ký" in sig.advice_vi


def test_an_unknown_root_is_indeterminate_and_says_where_the_chain_stopped(signers, sign_cfg, blank_pdf, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stranger root")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2020, 1, 1)).not_valid_after(datetime(2040, 1, 1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "stranger.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    [sig] = verify_pdf(signed, cfg=VerifySettings(trust_dir=tmp_path), now=FROZEN).signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert sig.intact and sig.crypto_valid and not sig.trusted
    assert sig.chain[-1] in sig.advice_en and "trust folder" in sig.advice_en


@pytest.mark.parametrize(("level", "verdict"), [
    ("B-T", ("TOTAL_FAILED", "REVOKED")),  # the timestamp proves it was signed after the revocation
    ("B-B", ("INDETERMINATE", "REVOKED_NO_POE")),  # nothing proves when it was signed
])
def test_a_revoked_signer_is_failed_only_when_a_timestamp_proves_the_signature_came_after(
        level, verdict, sign_cfg, verify_cfg, blank_pdf):
    signed = _signed_by("test-revoked", level, sign_cfg, blank_pdf)
    [sig] = verify_pdf(signed, cfg=verify_cfg, now=FROZEN).signatures  # online: the OCSP responder says revoked
    assert (sig.indication, sig.sub_indication) == verdict
    assert sig.revocation == "revoked" and "certificate_revoked" in sig.problems


def test_an_expired_signer_without_proof_of_existence_is_out_of_bounds(sign_cfg, blank_pdf, offline):
    [sig] = verify_pdf(_signed_by("test-expired", "B-B", sign_cfg, blank_pdf), cfg=offline, now=FROZEN).signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert "certificate_expired" in sig.problems and "hết hạn" in sig.advice_vi


def test_without_revocation_data_the_policy_decides_try_later_or_passed_unchecked(signers, sign_cfg, blank_pdf,
                                                                                 offline):
    signed = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    [lenient] = verify_pdf(signed, cfg=offline, now=FROZEN).signatures
    assert (lenient.indication, lenient.revocation) == ("TOTAL_PASSED", "not_checked")
    strict = offline.model_copy(update={"revocation_required": True})
    [sig] = verify_pdf(signed, cfg=strict, now=FROZEN).signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "TRY_LATER")
    assert "--online" in sig.advice_en


def test_sha1_government_signature_is_intact_but_indeterminate_for_its_algorithm(offline):
    path = REALDOCS / "quangngai-chithi-07-CT-UBND-2018-03-20-scanBW-incoming-stamp.pdf"
    assert path.is_file()
    [sig] = verify_pdf(path.read_bytes(), cfg=offline).signatures
    assert sig.intact and sig.crypto_valid and sig.digest_algorithm == "sha1"
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE")
    assert "weak_algorithm" in sig.problems and "SHA-1" in sig.advice_vi


def test_the_file_verdict_is_the_worst_of_its_signatures(signers, sign_cfg, blank_pdf, offline):
    from tests.verify.forge import contents_of_last, with_contents

    first = sign_pdf(blank_pdf, signer=signers["officer"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    both = sign_pdf(first, signer=signers["agency"], level="B-B", appearance="none", cfg=sign_cfg, now=FROZEN)
    der = bytearray(contents_of_last(both))
    der[-5] ^= 0xFF  # the last byte of the agency's signature value
    report = verify_pdf(with_contents(both, bytes(der)), cfg=offline, now=FROZEN)
    assert [s.indication for s in report.signatures] == ["TOTAL_PASSED", "TOTAL_FAILED"]
    assert (report.indication, report.sub_indication) == ("TOTAL_FAILED", "SIG_CRYPTO_FAILURE")
    assert not report.valid


def test_an_unsigned_pdf_has_no_signed_data(blank_pdf, offline):
    report = verify_pdf(blank_pdf, cfg=offline)
    assert (report.indication, report.sub_indication, report.valid) == ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND",
                                                                        False)
