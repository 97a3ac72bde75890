"""Who signs: load a signing key once (PKCS#12 file, PKCS#11 token, or the development PKI).

A key is loaded once per process and reused for every signature: unlocking a
PKCS#12 file costs far more than the signature itself. RSA keys sign with
RSASSA-PSS and must have 2048 bits or more, EC keys must be P-256 or larger
(Circular 15/2025/TT-BKHCN); anything weaker is refused before it signs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from asn1crypto import keys as asn1_keys
from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from schemas.errors import ConfigError, ErrorCode, SigningError
from schemas.settings import SignSettings

Role = Literal["officer", "agency", "signer"]
KeyKind = Literal["rsa", "ecdsa"]

#: why there is no officer key outside development but each officer's own
SHARED_OFFICER_KEY = (
    "each officer signs scans with their own key (Circular 01/2023 Art. 8), found by officer id in "
    "SOHOA_SIGN__OFFICER_KEYS_FILE or SOHOA_SIGN__OFFICER_KEYS; there is no key shared by every officer"
)

_MIN_RSA_BITS = 2048
_MIN_EC_BITS = 256


def dev_identity_paths(directory: Path, label: str) -> tuple[Path, Path]:
    """Where the development PKI keeps an identity's PKCS#12 file and its password file."""
    base = directory / "identities"
    return base / f"{label}.p12", base / f"{label}.p12.pass"


@dataclass(frozen=True)
class KeyInfo:
    """What kind of key signs, for the record and for algorithm choices.

    Attributes:
        kind: ``rsa`` or ``ecdsa``.
        bits: the key size (modulus bits, or curve order bits).
        source: ``pkcs12``, ``pkcs11`` or ``dev``.
    """

    kind: KeyKind
    bits: int
    source: str


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's in-memory signer, keeping the parsed private key instead of re-parsing it per signature."""

    def __init__(self, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mech = self.get_signature_mechanism_for_digest(digest_algorithm)
        name = mech["algorithm"].native
        if isinstance(self._key, rsa.RSAPrivateKey) and name == "rsassa_pss":
            pss, hash_algo = process_pss_params(mech["parameters"])
            return self._key.sign(data, pss, hash_algo)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        algo = ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm))
        return self._key.sign(data, signature_algorithm=algo)


def read_secret(*, value: Any, file: Path | None, env: str, what: str) -> str:
    """A password or PIN from its setting (``env`` names the variable that fills it) or its file.

    The stage never reads the environment itself: pydantic-settings has already
    put ``SOHOA_SIGN__*_PASSWORD`` / ``*_PIN`` into the setting.

    Raises:
        ConfigError: ``config_invalid`` when neither is set.
    """
    if value is not None:
        return str(value.get_secret_value())
    if file is not None:
        try:
            return file.read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ConfigError(f"cannot read the {what} file {file}", code=ErrorCode.CONFIG_INVALID,
                              detail={"file": str(file)}) from e
    raise ConfigError(f"no {what}: set its file or {env}", code=ErrorCode.CONFIG_INVALID,
                      detail={"setting": what})


def check_key_strength(public_key: asn1_keys.PublicKeyInfo) -> KeyInfo:
    """Refuse keys weaker than RSA-2048 or P-256.

    Raises:
        SigningError: ``weak_algorithm``.
    """
    algo = public_key.algorithm
    bits = int(public_key.bit_size)
    kind: KeyKind
    if algo in ("rsa", "rsassa_pss"):
        kind, minimum = "rsa", _MIN_RSA_BITS
    elif algo == "ec":
        kind, minimum = "ecdsa", _MIN_EC_BITS
    else:
        raise SigningError(f"key algorithm {algo} is not allowed for signing",
                           code=ErrorCode.WEAK_ALGORITHM, detail={"algorithm": algo})
    if bits < minimum:
        raise SigningError(f"{kind} key of {bits} bits is too weak (at least {minimum})",
                           code=ErrorCode.WEAK_ALGORITHM, detail={"bits": bits})
    return KeyInfo(kind=kind, bits=bits, source="")


def _asn1_cert(cert: Any) -> x509.Certificate:
    return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def signer_from_pkcs12(data: bytes, password: str | None) -> tuple[PyHankoSigner, KeyInfo]:
    """An in-memory signer from PKCS#12 bytes.

    Raises:
        SigningError: ``wrong_pin`` for a wrong password, ``key_unavailable`` for a
            file without key or certificate, ``weak_algorithm`` for a weak key.
    """
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password is not None else None
        )
    except ValueError as e:
        raise SigningError("the PKCS#12 password is wrong or the file is damaged",
                           code=ErrorCode.WRONG_PIN) from e
    if key is None or cert is None or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError("the PKCS#12 file holds no usable RSA/EC key and certificate",
                           code=ErrorCode.KEY_UNAVAILABLE)
    signing_cert = _asn1_cert(cert)
    info = check_key_strength(signing_cert.public_key)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    chain = [_asn1_cert(c) for c in extra]
    signer = _LoadedKeySigner(
        key,
        signing_cert=signing_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
        prefer_pss=info.kind == "rsa",
    )
    return signer, info


def load_pkcs12_file(path: Path, password: str | None) -> tuple[PyHankoSigner, KeyInfo]:
    """:func:`signer_from_pkcs12` on a file.

    Raises:
        SigningError: ``key_unavailable`` when the file cannot be read (and see above).
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SigningError(f"cannot read the PKCS#12 file {path}", code=ErrorCode.KEY_UNAVAILABLE,
                           detail={"file": str(path)}) from e
    return signer_from_pkcs12(data, password)


def pkcs12_source(cfg: SignSettings, role: Role) -> tuple[Path, str | None]:
    """The PKCS#12 file and its password for ``role`` under ``cfg``.

    The ``officer`` role here is the development PKI's default officer only: outside
    development each officer has a key of their own (``load_officer_signer``).

    Raises:
        ConfigError: the file or its password is not configured, or an officer key is
            asked for outside development.
    """
    if cfg.key_source == "dev":
        if cfg.dev_pki_dir is None:
            raise ConfigError("SOHOA_SIGN__DEV_PKI_DIR is not set", code=ErrorCode.CONFIG_INVALID)
        label = cfg.dev_officer_identity if role == "officer" else role
        p12, pass_file = dev_identity_paths(cfg.dev_pki_dir, label)
        return p12, read_secret(value=None, file=pass_file, env="SOHOA_SIGN__DEV_PKI_DIR", what="PKCS#12 password")
    if role == "officer":
        raise ConfigError(SHARED_OFFICER_KEY, code=ErrorCode.CONFIG_INVALID, detail={"role": role})
    if cfg.pkcs12_path is None:
        raise ConfigError(f"no PKCS#12 file configured for the {role} (SOHOA_SIGN__PKCS12_PATH)",
                          code=ErrorCode.CONFIG_INVALID, detail={"role": role})
    return cfg.pkcs12_path, read_secret(value=cfg.pkcs12_password, file=cfg.pkcs12_password_file,
                                        env="SOHOA_SIGN__PKCS12_PASSWORD", what="PKCS#12 password")
