"""The CMS container of one signature: read it, hash what it signs, and check the maths.

Every step runs behind one guard: a container that is not DER, a digest
algorithm nobody knows, a signer certificate that is missing, each becomes a
named problem of that signature, never an exception for the file. The facts
here (intact, crypto valid) are judged with every algorithm accepted; whether
the algorithms are acceptable is a separate question (:mod:`._etsi`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asn1crypto import cms, core, tsp, x509
from cryptography.exceptions import InvalidSignature
from pyhanko.sign.general import CMSExtractionError, extract_certificate_info, extract_signer_info
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from pipeline.verify._algorithms import EXTRA_NAMES, UnsupportedAlgorithm, Validator, hasher

VALIDATOR = Validator()


@dataclass
class SignedBytes:
    """The bytes a byte range covers, hashed once per algorithm."""

    data: bytes
    byte_range: tuple[int, int, int, int]
    _digests: dict[str, bytes] = field(default_factory=dict)

    def digest(self, algorithm: str) -> bytes:
        """The digest of the signed bytes with ``algorithm`` (an asn1crypto name).

        Raises:
            UnsupportedAlgorithm: the algorithm is unknown here.
        """
        if algorithm not in self._digests:
            h = hasher(algorithm)
            view = memoryview(self.data)
            a, b, c, d = self.byte_range
            h.update(view[a:a + b])
            h.update(view[c:c + d])
            self._digests[algorithm] = h.digest()
        return self._digests[algorithm]


@dataclass(frozen=True)
class Crypto:
    """What a signature's CMS container holds and whether its maths holds.

    Attributes:
        signed_data: the container (``None`` when unreadable).
        cert: the signer's (or TSA's) certificate, when found.
        digest_algorithm: the digest of the signed bytes.
        signature_algorithm: the signature scheme.
        intact: the signed bytes hash to the digest the container signs.
        crypto_valid: the signature value verifies with the certificate's key.
        problem: ``cms_unreadable``, ``unsupported_algorithm``, ``no_signing_certificate``,
            ``cms_format`` or ``None``.
        detail: a short reason for the problem.
        raw_digest: the digest pyHanko's checks expect (``None``: hash the encapsulated content).
    """

    signed_data: cms.SignedData | None
    cert: x509.Certificate | None
    digest_algorithm: str
    signature_algorithm: str
    intact: bool
    crypto_valid: bool
    problem: str | None
    detail: str
    raw_digest: bytes | None


def unreadable(problem: str, detail: str, signed_data: cms.SignedData | None = None) -> Crypto:
    """A container whose maths could not be checked."""
    return Crypto(signed_data=signed_data, cert=None, digest_algorithm="?", signature_algorithm="?", intact=False,
                  crypto_valid=False, problem=problem, detail=detail[:200], raw_digest=None)


def check_cms(contents: bytes, signed: SignedBytes, *, kind: str, subfilter: str) -> Crypto:
    """Read the container and check that it signs these bytes.

    Args:
        contents: the CMS bytes (trailing zero padding is ignored).
        signed: the bytes the byte range covers.
        kind: ``signature`` or ``doc_timestamp``.
        subfilter: the dictionary's ``/SubFilter``.

    Returns:
        The facts; never raises for a bad container.
    """
    try:
        signed_data = _signed_data(contents)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
        return unreadable("cms_unreadable", f"the signature container is not readable CMS: {e}")
    try:
        if kind == "doc_timestamp":
            return _timestamp(signed_data, signed)
        return _signature(signed_data, signed, sha1_subfilter=subfilter == "adbe.pkcs7.sha1")
    except UnsupportedAlgorithm as e:
        return unreadable("unsupported_algorithm", f"unknown {e}", signed_data)
    except CMSExtractionError as e:
        if not _certificates_readable(signed_data):
            return unreadable("cms_unreadable", "the certificates of the signature container are damaged", signed_data)
        return unreadable("no_signing_certificate", str(e), signed_data)
    except SignatureValidationError as e:
        return unreadable("cms_format", e.failure_message, signed_data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as e:
        return unreadable("cms_unreadable", f"the signature container is damaged: {e}", signed_data)


def _signed_data(contents: bytes) -> cms.SignedData:
    info = cms.ContentInfo.load(contents)
    if info["content_type"].native != "signed_data":
        raise ValueError(f"content type {info['content_type'].native}, not signed data")
    signed_data = info["content"]
    assert isinstance(signed_data, cms.SignedData)
    return signed_data


def _certificates_readable(signed_data: cms.SignedData) -> bool:
    try:
        _ = signed_data["certificates"].native
        return True
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        return False


def _names(signer_info: cms.SignerInfo) -> tuple[str, str]:
    digest = signer_info["digest_algorithm"]["algorithm"]
    sig = signer_info["signature_algorithm"]["algorithm"]
    return digest.native, EXTRA_NAMES.get(sig.dotted, sig.native)


def _one_signer(signed_data: cms.SignedData) -> cms.SignerInfo:
    try:
        return extract_signer_info(signed_data)
    except CMSExtractionError as e:  # PAdES allows exactly one signer: anything else is no PAdES signature
        raise SignatureValidationError(f"the container does not hold exactly one signer ({e})") from e


def _signature(signed_data: cms.SignedData, signed: SignedBytes, *, sha1_subfilter: bool) -> Crypto:
    signer_info = _one_signer(signed_data)
    cert = extract_certificate_info(signed_data).signer_cert
    md, scheme = _names(signer_info)
    content = signed_data["encap_content_info"]["content"]
    if sha1_subfilter and content is not core.VOID:
        # adbe.pkcs7.sha1: the container signs the SHA-1 of the byte range as its content
        inner = bytes(content.native)
        first = inner == signed.digest("sha1")
        h = hasher(md)
        h.update(inner)
        intact, valid = _integrity(signer_info, cert, "data", h.digest())
        return Crypto(signed_data, cert, md, scheme, first and intact, valid, None, "", None)
    digest = signed.digest(md)
    intact, valid = _integrity(signer_info, cert, "data", digest)
    return Crypto(signed_data, cert, md, scheme, intact, valid, None, "", digest)


def _timestamp(signed_data: cms.SignedData, signed: SignedBytes) -> Crypto:
    signer_info = _one_signer(signed_data)
    cert = extract_certificate_info(signed_data).signer_cert
    md, scheme = _names(signer_info)
    content = signed_data["encap_content_info"]["content"]
    tst_info = content.parsed if isinstance(content, core.ParsableOctetString) else None
    if not isinstance(tst_info, tsp.TSTInfo):
        raise SignatureValidationError("the timestamp container holds no TSTInfo")
    imprint = tst_info["message_imprint"]
    imprint_algo = imprint["hash_algorithm"]["algorithm"].native
    matches = imprint["hashed_message"].native == signed.digest(imprint_algo)
    h = hasher(md)
    h.update(bytes(content))
    intact, valid = _integrity(signer_info, cert, "tst_info", h.digest())
    return Crypto(signed_data, cert, imprint_algo, scheme, matches and intact, valid, None, "",
                  signed.digest(imprint_algo))


def _integrity(signer_info: cms.SignerInfo, cert: x509.Certificate, content_type: str,
               digest: bytes) -> tuple[bool, bool]:
    try:
        return validate_sig_integrity(signer_info, cert, content_type, digest, sig_validator=VALIDATOR)
    except InvalidSignature:
        return False, False
