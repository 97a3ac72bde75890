"""Make (once) and open the development PKI: a folder of keys, certificates, PKCS#12 files and images.

The folder is the whole state: ``certomancer.yml`` (the architecture, readable by
``certomancer --config``), ``keys/``, ``certs/``, ``identities/`` (one PKCS#12
per identity with its password file) and ``images/`` (a signature and a red seal
for result appearances). ``DEVELOPMENT.txt`` says loudly what it is.
"""

from __future__ import annotations

import fcntl
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from asn1crypto import pem
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, PKIArchitecture

from pipeline.sign import dev_identity_paths
from pki import _arch, _images
from schemas.errors import ConfigError, ErrorCode
from schemas.settings import Settings, SignSettings

DEFAULT_PORT = 9780
MANIFEST = "pki.json"
_MARKER_TEXT = (
    "DEVELOPMENT PKI of sohoa. Every key here is a throw-away test key.\n"
    "Nothing signed with it has legal value. Never use it in production.\n"
)


@dataclass(frozen=True)
class DevIdentity:
    """One identity of the development PKI and its files.

    Attributes:
        label: ``officer``, ``officer-ec``, ``signer``, ``agency`` or a ``test-*`` label.
        cert: its certificate (PEM).
        key: its private key (PKCS#8 PEM, unencrypted, mode 0600).
        pkcs12: key, certificate and chain in one PKCS#12 file.
        pkcs12_password_file: the PKCS#12 password (mode 0600).
        key_type: ``rsa`` or ``ecdsa``.
    """

    label: str
    cert: Path
    key: Path
    pkcs12: Path
    pkcs12_password_file: Path
    key_type: str


@dataclass(frozen=True)
class DevPki:
    """An existing development PKI on disk.

    Attributes:
        directory: the PKI folder.
        port: the 127.0.0.1 port its services answer on (written into the certificates).
        identities: by label.
    """

    directory: Path
    port: int
    identities: dict[str, DevIdentity]

    @property
    def config_path(self) -> Path:
        """The certomancer configuration file."""
        return self.directory / "certomancer.yml"

    def cert_path(self, label: str) -> Path:
        """A certificate of the PKI (``root``, ``issuing``, ``tsa``, ``ocsp`` or an identity)."""
        return self.directory / "certs" / f"{label}.cert.pem"

    @property
    def root_cert(self) -> Path:
        """The trust root."""
        return self.cert_path("root")

    @property
    def issuing_cert(self) -> Path:
        """The issuing CA's certificate."""
        return self.cert_path("issuing")

    @property
    def tsa_cert(self) -> Path:
        """The TSA's certificate."""
        return self.cert_path("tsa")

    @property
    def base_url(self) -> str:
        """Where the services answer."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def tsa_url(self) -> str:
        """The RFC 3161 time-stamping service."""
        return f"{self.base_url}/{_arch.ARCH}/tsa/tsa"

    @property
    def ocsp_url(self) -> str:
        """The OCSP responder for certificates of the issuing CA."""
        return f"{self.base_url}/{_arch.ARCH}/ocsp/issuing"

    @property
    def crl_urls(self) -> tuple[str, ...]:
        """The latest CRLs of the root and the issuing CA."""
        return tuple(f"{self.base_url}/{_arch.ARCH}/crls/{c}/latest.crl" for c in ("root", "issuing"))

    @property
    def signature_image(self) -> Path:
        """A blue signature image (PNG, transparent) for result appearances."""
        return self.directory / "images" / "signature.png"

    @property
    def seal_image(self) -> Path:
        """A red seal image (PNG, transparent) for result appearances."""
        return self.directory / "images" / "seal.png"

    def load_arch(self) -> PKIArchitecture:
        """The certomancer architecture, for serving and for issuing."""
        config = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
        # keys are read when used: a PKI with many officers would otherwise parse every key each time
        cfg = CertomancerConfig(config, key_search_dir=str(self.directory), lazy_load_keys=True)
        return cfg.get_pki_arch(ArchLabel(_arch.ARCH))


def _write_secret(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def _export(pki: DevPki, arch: PKIArchitecture, specs: tuple[_arch.IdentitySpec, ...]) -> None:
    (pki.directory / "certs").mkdir(exist_ok=True)
    for label in ("root", "issuing", "ocsp", "tsa"):
        cert = arch.get_cert(CertLabel(label))
        pki.cert_path(label).write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    for spec in specs:
        export_identity(pki, arch, spec.label)


def export_identity(pki: DevPki, arch: PKIArchitecture, label: str) -> None:
    """Write an identity's certificate (PEM), and its PKCS#12 file with a fresh password beside it."""
    cert = arch.get_cert(CertLabel(label))
    pki.cert_path(label).write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    p12, pass_file = dev_identity_paths(pki.directory, label)
    p12.parent.mkdir(exist_ok=True)
    password = secrets.token_urlsafe(18)
    _write_secret(pass_file, password.encode("ascii"))
    _write_secret(p12, arch.package_pkcs12(CertLabel(label), password=password.encode("ascii")))


def _identities(directory: Path, specs: list[dict[str, str]]) -> dict[str, DevIdentity]:
    out: dict[str, DevIdentity] = {}
    for spec in specs:
        label = spec["label"]
        p12, pass_file = dev_identity_paths(directory, label)
        out[label] = DevIdentity(
            label=label,
            cert=directory / "certs" / f"{label}.cert.pem",
            key=directory / "keys" / f"{label}.key.pem",
            pkcs12=p12,
            pkcs12_password_file=pass_file,
            key_type=spec["key_type"],
        )
    return out


def open_dev_pki(directory: Path) -> DevPki:
    """Open a development PKI made earlier.

    Raises:
        ConfigError: ``config_invalid`` when the folder holds no PKI.
    """
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise ConfigError(
            f"no development PKI in {directory}: run `sohoa pki init`",
            code=ErrorCode.CONFIG_INVALID,
            detail={"directory": str(directory)},
        )
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return DevPki(directory=directory, port=int(data["port"]),
                  identities=_identities(directory, data["identities"]))


def ensure_dev_pki(
    directory: Path, *, port: int = DEFAULT_PORT, test_identities: bool = False, now: datetime | None = None
) -> DevPki:
    """The development PKI in ``directory``, made on first use.

    Args:
        directory: where it lives (``<data dir>/pki`` for the demo).
        port: the 127.0.0.1 port of its services; only used when the PKI is made.
        test_identities: also issue the revoked, expired and not-for-signing
            certificates the tests need.
        now: the creation time validity periods start from (frozen-time tests);
            default the clock.

    Returns:
        The PKI (an existing one is opened as it is).
    """
    if (directory / MANIFEST).is_file():
        return open_dev_pki(directory)
    directory.mkdir(parents=True, exist_ok=True)
    specs = _arch.IDENTITIES + (_arch.TEST_IDENTITIES if test_identities else ())
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    _arch.write_keys(directory / "keys", specs)
    config = _arch.build_config(port=port, now=now, identities=specs)
    (directory / "certomancer.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (directory / "DEVELOPMENT.txt").write_text(_MARKER_TEXT, encoding="utf-8")
    listed = [{"label": s.label, "key_type": s.key_type, "kind": s.kind} for s in specs]
    pki = DevPki(directory=directory, port=port, identities=_identities(directory, listed))
    _export(pki, pki.load_arch(), specs)
    _images.write_images(directory / "images")
    manifest = {"port": port, "created": now.isoformat(), "development": True, "identities": listed}
    # the manifest is written last: its presence means the PKI is complete
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return pki


def dev_sign_settings(cfg: SignSettings, pki: DevPki) -> SignSettings:
    """``cfg`` with what the development PKI provides filled in where it is unset.

    The PKI folder, its TSA URL, its root as the trust root, and its signature
    and seal images for result appearances.

    Args:
        cfg: signing settings with ``key_source="dev"``.
        pki: the development PKI (from :func:`ensure_dev_pki`).

    Returns:
        A copy of ``cfg``.
    """
    return cfg.model_copy(update={
        "dev_pki_dir": pki.directory,
        "tsa_url": cfg.tsa_url or pki.tsa_url,
        "trust_roots": cfg.trust_roots or (pki.root_cert,),
        "signature_image": cfg.signature_image or pki.signature_image,
        "seal_image": cfg.seal_image or pki.seal_image,
    })


def resolved_sign_settings(settings: Settings) -> SignSettings:
    """The signing section ready to use: with ``key_source="dev"``, the development PKI filled in.

    The PKI is made on first use under ``data_dir/pki`` (or ``sign.dev_pki_dir``).
    With a real key source the section is returned as it is.

    Raises:
        ConfigError: the development PKI asked for in production.
    """
    cfg = settings.sign
    if cfg.key_source != "dev":
        return cfg
    if settings.environment == "production":
        raise ConfigError("the development PKI is refused in production", code=ErrorCode.INSECURE_CONFIG)
    directory = dev_pki_dir(settings)
    with pki_lock(directory):  # processes started together make one PKI, not several
        pki = ensure_dev_pki(directory, port=settings.pki.port)
    return dev_sign_settings(cfg, pki)


def dev_pki_dir(settings: Settings) -> Path:
    """The development PKI folder: ``sign.dev_pki_dir``, else ``data_dir/pki``."""
    return settings.sign.dev_pki_dir or settings.data_dir / "pki"


@contextmanager
def pki_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the PKI folder: one process makes the PKI, the others wait and open it."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with (directory.parent / f".{directory.name}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
