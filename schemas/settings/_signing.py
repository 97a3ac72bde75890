"""The signing sections: officers' keys, PAdES signing, verification and the development PKI."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

from schemas.settings._section import SECTION


class OfficerKey(BaseModel):
    """One officer's own signing key in the officer key registry (Circular 01/2023 Art. 8).

    Either a PKCS#12 file or a key on the PKCS#11 token; with ``key_source=dev`` an
    entry may give only the ``name`` the development PKI puts in the certificate it
    issues. Relative paths in a registry file are read from the file's folder.
    """

    model_config = SECTION

    #: the name in a development certificate issued for this officer (the stamp shows the certificate's CN)
    name: str | None = None
    #: the officer's PKCS#12 file, with its password from ``password_file`` or the variable ``password_env`` names
    pkcs12: Path | None = None
    password_file: Path | None = None
    password_env: str | None = None
    #: label of the officer's key and certificate on the token (``pkcs11_module``)
    pkcs11_key_label: str | None = None
    #: the token holding it; default ``pkcs11_token_label``
    pkcs11_token_label: str | None = None
    #: the token's PIN; default ``pkcs11_pin_file`` / ``SOHOA_SIGN__PKCS11_PIN``
    pin_file: Path | None = None
    pin_env: str | None = None

    @model_validator(mode="after")
    def _one_key(self) -> OfficerKey:
        if self.pkcs12 is not None and self.pkcs11_key_label is not None:
            raise ValueError("an officer key is a PKCS#12 file or a PKCS#11 label, not both")
        if self.pkcs12 is None and (self.password_file or self.password_env):
            raise ValueError("password_file / password_env go with pkcs12")
        if self.pkcs11_key_label is None and (self.pin_file or self.pin_env or self.pkcs11_token_label):
            raise ValueError("pin_file / pin_env / pkcs11_token_label go with pkcs11_key_label")
        return self


class SignSettings(BaseModel):
    """Who signs, with what key, stamped how, timestamped by whom.

    Keys per role: each digitizing officer signs their own scans with their own
    key, found by officer id (the token's ``sub``) in the officer key registry
    (``officer_keys`` and ``officer_keys_file``); the ``agency`` (and its
    ``signer``) sign results. Secrets come from ``*_password_file`` /
    ``*_pin_file`` or from ``SOHOA_SIGN__*_PASSWORD`` / ``*_PIN``; never from a default.
    """

    model_config = SECTION

    #: ``dev``: the development PKI in ``dev_pki_dir``; ``pkcs12``: files; ``pkcs11``: a token
    key_source: Literal["pkcs12", "pkcs11", "dev"] = "dev"
    #: the development PKI folder; ``None`` means ``<data_dir>/pki`` (resolved by the caller)
    dev_pki_dir: Path | None = None
    #: the development officer for scans no officer submitted (tooling): ``officer`` (RSA) or ``officer-ec`` (ECDSA)
    dev_officer_identity: str = "officer"
    #: officer id -> that officer's key; inline, e.g. ``SOHOA_SIGN__OFFICER_KEYS='{"cb07": {"pkcs12": …}}'``
    officer_keys: dict[str, OfficerKey] = Field(default_factory=dict)
    #: a TOML or JSON registry file: ``[officers."<id>"]`` tables of :class:`OfficerKey` (re-read when it changes)
    officer_keys_file: Path | None = None
    #: officers' keys kept loaded per process (least recently used dropped first)
    officer_cache_size: int = Field(default=32, ge=1)
    #: PKCS#12 of the agency (results, copies)
    pkcs12_path: Path | None = None
    pkcs12_password_file: Path | None = None
    pkcs12_password: SecretStr | None = None
    #: no longer used (it was one key for every officer's scans): map each officer in ``officer_keys(_file)``;
    #: kept so an old configuration still loads and its ``key_unavailable`` errors say why
    officer_pkcs12_path: Path | None = None
    officer_pkcs12_password_file: Path | None = None
    officer_pkcs12_password: SecretStr | None = None
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    #: key (and certificate) label of the agency key on the token
    pkcs11_key_label: str | None = None
    #: no longer used (one token key for every officer): ``pkcs11_key_label`` entries in ``officer_keys(_file)``
    pkcs11_officer_key_label: str | None = None
    pkcs11_pin_file: Path | None = None
    pkcs11_pin: SecretStr | None = None
    tsa_url: str | None = None
    tsa_timeout_s: float = 10.0
    #: seconds allowed for one OCSP or CRL fetch
    revocation_timeout_s: float = 10.0
    default_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-T"
    result_level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-LTA"
    #: check the signer's certificate (validity, key usage, revocation) before signing
    precheck: bool = True
    #: seconds a fetched OCSP/CRL answer is reused for further signatures with the same key
    revocation_cache_s: float = 300.0
    timezone: str = "Asia/Ho_Chi_Minh"
    #: a TrueType font with Vietnamese glyphs for stamps; ``None`` finds one (Liberation Serif, DejaVu)
    font_path: Path | None = None
    font_size: float = 10.0
    #: stamp boxes on page 1 in millimetres from the top-left corner: (x, y, width, height)
    scan_box_mm: tuple[float, float, float, float] = (10.0, 8.0, 80.0, 18.0)
    copy_box_mm: tuple[float, float, float, float] = (120.0, 8.0, 80.0, 18.0)
    result_box_mm: tuple[float, float, float, float] = (115.0, 215.0, 70.0, 35.0)
    #: the page of the result signature (1-based; -1 is the last page)
    result_page: int = -1
    #: blue signature image and red seal image (PNG, transparent) for results
    signature_image: Path | None = None
    seal_image: Path | None = None
    #: trust roots for verification (PEM/DER files); empty means the dev PKI root
    trust_roots: tuple[Path, ...] = ()


class VerifySettings(BaseModel):
    """How signed PDFs are verified: whom to trust, what may be fetched, and the limits for hostile files."""

    model_config = SECTION

    #: trust roots (PEM/DER files); the CLI adds the dev PKI root in development only
    trust_roots: tuple[Path, ...] = ()
    #: a folder of the root and intermediate certificates a province accepts (``*.pem``, ``*.crt``,
    #: ``*.cer``, ``*.der``): self-signed ones are trust roots, the others help build chains
    trust_dir: Path | None = None
    #: fetch revocation data (OCSP, CRL) over the network when the file does not carry it
    #: (``sohoa verify --online``); off, the file's DSS/VRI and embedded answers are all there is
    allow_fetching: bool = False
    revocation_timeout_s: float = 10.0
    #: without revocation data (none in the file, no fetching) a chain is INDETERMINATE (TRY_LATER),
    #: as DSS judges; off, it is judged without and the report says revocation was not checked
    revocation_required: bool = False
    #: report language: ``vi`` or ``en``
    lang: Literal["vi", "en"] = "vi"
    #: seconds one file may take (``verify_timeout`` past it)
    timeout_s: float = Field(default=30.0, gt=0)
    #: larger files are refused (``file_too_large``)
    max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    #: signature fields looked at in one file; more are reported as not checked
    max_signatures: int = Field(default=500, ge=1)


class PkiSettings(BaseModel):
    """The development PKI and its loopback services (TSA, OCSP, CRL)."""

    model_config = SECTION

    host: str = "127.0.0.1"
    #: port of the services; written into the certificates when the PKI is made
    port: int = 9780
