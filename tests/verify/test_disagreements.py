"""Where pdfsig gives another answer (or none), our answer checked from first principles.

Each check reads the file's bytes itself (regular expressions on the raw PDF, asn1crypto
for the CMS, pyca/cryptography for the maths) and never calls the code under test for
the fact it asserts; it then asserts our report says the same.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from asn1crypto import cms
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from pipeline.verify import verify_pdf
from schemas.settings import VerifySettings
from tests.verify.shared_files import interop, pdfsig


def _byte_ranges(data: bytes) -> list[tuple[int, ...]]:
    return [tuple(int(n) for n in m.group(1).split()) for m in re.finditer(rb"/ByteRange\s*\[\s*([\d\s]+)\]", data)]


def _cms_in_gap(data: bytes, br: tuple[int, ...]) -> cms.SignedData:
    hex_digits = data[br[1] + 1:br[2] - 1]
    return cms.ContentInfo.load(bytes.fromhex(hex_digits.decode()))["content"]


def _signed(data: bytes, br: tuple[int, ...]) -> bytes:
    return data[br[0]:br[0] + br[1]] + data[br[2]:br[2] + br[3]]


def _message_digest(signer_info: cms.SignerInfo) -> bytes:
    return next(a["values"][0].native for a in signer_info["signed_attrs"] if a["type"].native == "message_digest")


def _public_key(sd: cms.SignedData):  # type: ignore[no-untyped-def]
    sid = sd["signer_infos"][0]["sid"].chosen
    for c in sd["certificates"]:
        cert = c.chosen
        if cert.serial_number == sid["serial_number"].native:
            return serialization.load_der_public_key(cert.public_key.dump())
    raise AssertionError("no signer certificate")


def test_permission_only_encrypted_file_is_intact_though_pdfsig_cannot_parse_its_cms():
    """pdfsig decrypts /Contents, which ISO 32000-1 §7.6.1 leaves unencrypted; read raw, the signature holds."""
    path = interop("encrypted.pdf")
    data = path.read_bytes()
    assert [e.verdict for e in pdfsig(path)] == ["unknown_failure"]
    assert b"/Encrypt" in data
    [br] = _byte_ranges(data)
    sd = _cms_in_gap(data, br)
    si = sd["signer_infos"][0]
    md = si["digest_algorithm"]["algorithm"].native
    assert hashlib.new(md, _signed(data, br)).digest() == _message_digest(si)
    key = _public_key(sd)
    key.verify(si["signature"].native, si["signed_attrs"].untag().dump(), padding.PKCS1v15(),
               getattr(hashes, md.upper())())

    report = verify_pdf(data, cfg=VerifySettings())
    assert report.encrypted
    assert [(s.intact, s.crypto_valid) for s in report.signatures] == [(True, True)]


def test_plain_ecdsa_signature_is_valid_though_nss_does_not_know_the_algorithm():
    """BSI TR-03111 plain ECDSA (r || s): pdfsig fails on it; converted to DER it verifies."""
    path = interop("dss-PLAIN-ECDSA__TeleSec_PKS_eIDAS_QES_CA_1-baseline-b.pdf")
    data = path.read_bytes()
    assert "unknown_failure" in [e.verdict for e in pdfsig(path)]
    [br] = _byte_ranges(data)
    sd = _cms_in_gap(data, br)
    si = sd["signer_infos"][0]
    assert si["signature_algorithm"]["algorithm"].dotted == "0.4.0.127.0.7.1.1.4.1.3"  # ecdsa-plain-SHA256
    assert hashlib.sha256(_signed(data, br)).digest() == _message_digest(si)
    raw = si["signature"].native
    half = len(raw) // 2
    der = encode_dss_signature(int.from_bytes(raw[:half]), int.from_bytes(raw[half:]))
    _public_key(sd).verify(der, si["signed_attrs"].untag().dump(), ec.ECDSA(hashes.SHA256()))

    [ours] = verify_pdf(data, cfg=VerifySettings()).signatures
    assert ours.intact and ours.crypto_valid and ours.signature_algorithm == "plain_sha256"


def test_signature_that_does_not_verify_with_the_algorithm_it_declares_is_a_crypto_failure():
    """pdfsig cannot judge RSA with SHA3-256. Checked by hand, the value does not verify with the SHA3-256 it
    declares (it was made with SHA-256): accepting it would let a signer's algorithm be swapped. DSS's own
    DSS1420Test asserts the same file is not technically valid."""
    path = interop("dss-1420__PAdES-BpB-att-SHA256-SHA3_256withRSA.pdf")
    data = path.read_bytes()
    assert [e.verdict for e in pdfsig(path)] == ["unknown_failure"]
    [br] = _byte_ranges(data)
    sd = _cms_in_gap(data, br)
    si = sd["signer_infos"][0]
    assert si["signature_algorithm"]["algorithm"].dotted == "2.16.840.1.101.3.4.3.14"  # RSA with SHA3-256
    assert hashlib.sha256(_signed(data, br)).digest() == _message_digest(si)
    key, value, attrs = _public_key(sd), si["signature"].native, si["signed_attrs"].untag().dump()
    with pytest.raises(InvalidSignature):
        key.verify(value, attrs, padding.PKCS1v15(), hashes.SHA3_256())
    key.verify(value, attrs, padding.PKCS1v15(), hashes.SHA256())  # the hash it really used

    [ours] = verify_pdf(data, cfg=VerifySettings()).signatures
    assert ours.intact and not ours.crypto_valid
    assert (ours.indication, ours.sub_indication) == ("TOTAL_FAILED", "SIG_CRYPTO_FAILURE")


def test_signature_whose_byte_range_runs_past_the_file_is_listed_and_failed():
    """pdfsig stops at the looping field tree and lists no signature; the file does hold a signed field."""
    path = interop("pades_infinite_loop.pdf")
    data = path.read_bytes()
    assert pdfsig(path) == []
    [br] = _byte_ranges(data)
    assert br[2] + br[3] > len(data)  # the signed bytes are not all in the file
    assert re.search(rb"/FT\s*/Sig", data)

    [ours] = verify_pdf(data, cfg=VerifySettings()).signatures
    assert "byte_range_invalid" in ours.problems
    assert (ours.indication, ours.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")


def test_spoofed_signature_dictionary_written_after_the_bytes_it_claims_is_failed():
    """pdfsig calls Sig2 unsigned. Its /V is a copy of the real signature dictionary, written after the range it
    names, with a forged /Reason: a genuine CMS over an earlier revision, claimed for a dictionary nobody signed."""
    path = interop("pdf-spoofing-attack.pdf")
    data = path.read_bytes()
    assert [(e.field, e.verdict) for e in pdfsig(path)] == [("Sig2", "unsigned")]
    ranges = _byte_ranges(data)
    assert len(ranges) == 2 and ranges[0] == ranges[1]  # the copy names the original's range
    br = ranges[0]
    forged = data.rindex(b"/Reason (FORGED REASON)")
    assert forged > br[2] + br[3]  # the forged dictionary lies outside the signed bytes
    sd = _cms_in_gap(data, br)
    assert hashlib.sha256(_signed(data, br)).digest() == _message_digest(sd["signer_infos"][0])

    [ours] = verify_pdf(data, cfg=VerifySettings()).signatures
    assert ours.field == "Sig2" and ours.intact
    assert "signature_dictionary_not_signed" in ours.problems
    assert (ours.indication, ours.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
