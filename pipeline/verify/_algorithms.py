"""Signature algorithms beyond pyHanko's own: SHA-3 with RSA and ECDSA, and plain (BSI) ECDSA.

European signers use them (DSS validates both); pyHanko's verifier does not
know their identifiers and would call a good signature invalid. An algorithm
nobody here knows raises :class:`UnsupportedAlgorithm`, which is not an
invalid signature: it is a signature we cannot judge.
"""

from __future__ import annotations

import hashlib

from asn1crypto import algos, keys
from cryptography.exceptions import UnsupportedAlgorithm as PycaUnsupported
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from pyhanko_certvalidator.errors import AlgorithmNotSupported
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext

_SHA3: dict[str, type[hashes.HashAlgorithm]] = {
    "224": hashes.SHA3_224, "256": hashes.SHA3_256, "384": hashes.SHA3_384, "512": hashes.SHA3_512}
_SHA2: dict[str, type[hashes.HashAlgorithm]] = {
    "1": hashes.SHA1, "224": hashes.SHA224, "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}

#: OID -> (scheme, hash): NIST's SHA-3 signature OIDs and BSI TR-03111 plain ECDSA
_EXTRA: dict[str, tuple[str, type[hashes.HashAlgorithm]]] = {
    "2.16.840.1.101.3.4.3.9": ("ecdsa", _SHA3["224"]), "2.16.840.1.101.3.4.3.10": ("ecdsa", _SHA3["256"]),
    "2.16.840.1.101.3.4.3.11": ("ecdsa", _SHA3["384"]), "2.16.840.1.101.3.4.3.12": ("ecdsa", _SHA3["512"]),
    "2.16.840.1.101.3.4.3.13": ("rsa", _SHA3["224"]), "2.16.840.1.101.3.4.3.14": ("rsa", _SHA3["256"]),
    "2.16.840.1.101.3.4.3.15": ("rsa", _SHA3["384"]), "2.16.840.1.101.3.4.3.16": ("rsa", _SHA3["512"]),
    "0.4.0.127.0.7.1.1.4.1.1": ("plain", _SHA2["1"]), "0.4.0.127.0.7.1.1.4.1.2": ("plain", _SHA2["224"]),
    "0.4.0.127.0.7.1.1.4.1.3": ("plain", _SHA2["256"]), "0.4.0.127.0.7.1.1.4.1.4": ("plain", _SHA2["384"]),
    "0.4.0.127.0.7.1.1.4.1.5": ("plain", _SHA2["512"]), "0.4.0.127.0.7.1.1.4.1.8": ("plain", _SHA3["224"]),
    "0.4.0.127.0.7.1.1.4.1.9": ("plain", _SHA3["256"]), "0.4.0.127.0.7.1.1.4.1.10": ("plain", _SHA3["384"]),
    "0.4.0.127.0.7.1.1.4.1.11": ("plain", _SHA3["512"]),
}

#: names the report uses for the extra identifiers
EXTRA_NAMES = {oid: f"{scheme}_{h.name}" for oid, (scheme, h) in _EXTRA.items()}


class UnsupportedAlgorithm(Exception):  # noqa: N818 (a fact about the signature, named as such)
    """The signature or digest algorithm is unknown here: the signature can be neither confirmed nor refuted."""


def hasher(name: str) -> hashlib._Hash:
    """A fresh hash object for an asn1crypto digest name (``sha256``, ``sha3_256`` …).

    Raises:
        UnsupportedAlgorithm: no such digest here (an unknown OID, SHAKE without a length).
    """
    try:
        return hashlib.new(name)
    except (ValueError, TypeError) as e:
        raise UnsupportedAlgorithm(f"digest algorithm {name}") from e


class Validator(DefaultSignatureValidator):
    """pyHanko's signature check plus the algorithms of :data:`_EXTRA`.

    An algorithm unknown here raises :class:`UnsupportedAlgorithm`.
    """

    def validate_signature(self, signature: bytes, signed_data: bytes, public_key_info: keys.PublicKeyInfo,
                           signature_algorithm: algos.SignedDigestAlgorithm,
                           context: SignatureValidationContext = SignatureValidationContext()) -> None:
        """Check ``signature`` over ``signed_data``.

        Raises:
            cryptography.exceptions.InvalidSignature: the signature does not verify.
            UnsupportedAlgorithm: the algorithm is unknown here.
        """
        oid = signature_algorithm["algorithm"].dotted
        extra = _EXTRA.get(oid)
        if extra is None:
            try:
                super().validate_signature(signature, signed_data, public_key_info, signature_algorithm, context)
            except (AlgorithmNotSupported, PycaUnsupported, NotImplementedError) as e:
                raise UnsupportedAlgorithm(f"signature algorithm {oid}") from e
            return
        scheme, hash_cls = extra
        key = serialization.load_der_public_key(public_key_info.dump())
        algorithm: hashes.HashAlgorithm | Prehashed = Prehashed(hash_cls()) if context.prehashed else hash_cls()
        if scheme == "rsa" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_data, padding.PKCS1v15(), algorithm)
        elif scheme in ("ecdsa", "plain") and isinstance(key, ec.EllipticCurvePublicKey):
            if scheme == "plain":  # r || s, each as long as the curve order
                half = len(signature) // 2
                signature = encode_dss_signature(int.from_bytes(signature[:half]), int.from_bytes(signature[half:]))
            key.verify(signature, signed_data, ec.ECDSA(algorithm))
        else:
            raise UnsupportedAlgorithm(f"signature algorithm {oid} with a {type(key).__name__}")
