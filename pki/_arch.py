"""The development PKI's architecture: its keys and the certomancer configuration that issues from them.

Every name carries "DEVELOPMENT" so a certificate of this PKI is never mistaken
for a real one. Validity dates are fixed when the PKI is made (certomancer
needs absolute dates); service URLs point at 127.0.0.1 on the port chosen then,
because they are written into the certificates (CRL distribution points, OCSP).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ARCH = "sohoa-dev"
ORG = "sohoa DEVELOPMENT PKI - không dùng thật"

KeyType = Literal["rsa", "ecdsa"]


@dataclass(frozen=True)
class IdentitySpec:
    """One end-entity certificate the development PKI issues.

    Attributes:
        label: certomancer label, also the file stem (``officer``, ``agency-seal``).
        common_name: the subject CN as a person reads it.
        key_type: ``rsa`` (2048 bits) or ``ecdsa`` (P-256).
        unit: organizational unit (the agency, for officers).
        kind: ``good`` for usable identities; the others exist for tests of refusals.
    """

    label: str
    common_name: str
    key_type: KeyType
    unit: str
    kind: Literal["good", "revoked", "expired", "not_for_signing"] = "good"


AGENCY_NAME = "UBND Phường Bến Nghé (DEVELOPMENT)"

IDENTITIES: tuple[IdentitySpec, ...] = (
    IdentitySpec("agency", AGENCY_NAME, "rsa", "Cơ quan"),
    IdentitySpec("officer", "Nguyễn Văn An (DEVELOPMENT)", "rsa", AGENCY_NAME),
    IdentitySpec("officer-ec", "Trần Thị Bình (DEVELOPMENT)", "ecdsa", AGENCY_NAME),
    IdentitySpec("signer", "Lê Minh Chánh (DEVELOPMENT)", "rsa", AGENCY_NAME),
)

TEST_IDENTITIES: tuple[IdentitySpec, ...] = (
    IdentitySpec("test-revoked", "Thu Hồi (TEST)", "rsa", AGENCY_NAME, "revoked"),
    IdentitySpec("test-expired", "Hết Hạn (TEST)", "rsa", AGENCY_NAME, "expired"),
    IdentitySpec("test-nosign", "Không Ký (TEST)", "rsa", AGENCY_NAME, "not_for_signing"),
)

_CA_KEYS = ("root", "issuing", "ocsp", "tsa")


def write_keys(key_dir: Path, identities: tuple[IdentitySpec, ...]) -> None:
    """Generate every private key the PKI needs into ``key_dir`` (PKCS#8 PEM, mode 0600)."""
    key_dir.mkdir(parents=True, exist_ok=True)
    wanted: list[tuple[str, KeyType]] = [(k, "rsa") for k in _CA_KEYS]
    wanted += [(i.label, i.key_type) for i in identities]
    for label, key_type in wanted:
        path = key_dir / f"{label}.key.pem"
        if path.exists():
            continue
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
        if key_type == "rsa":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _validity(start: datetime, end: datetime) -> dict[str, str]:
    return {"valid-from": _ts(start), "valid-to": _ts(end)}


def _key_usage(*usages: str) -> dict[str, Any]:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(usages)}}


def _crl_dp(repo: str) -> dict[str, Any]:
    return {
        "id": "crl_distribution_points",
        "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [repo]}},
    }


def _aia_ocsp(responder: str) -> dict[str, Any]:
    return {
        "id": "authority_information_access",
        "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": [responder]}},
    }


def _ca_certs(now: datetime) -> dict[str, Any]:
    years = timedelta(days=365)
    return {
        "root": {
            "subject": "root", "subject-key": "root", "issuer": "root", "authority-key": "root",
            "validity": _validity(now - 5 * years, now + 30 * years),
            "extensions": [
                {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
            ],
        },
        "issuing": {
            "subject": "issuing", "subject-key": "issuing", "issuer": "root", "authority-key": "root",
            "validity": _validity(now - 5 * years, now + 20 * years),
            "extensions": [
                {"id": "basic_constraints", "critical": True, "value": {"ca": True, "path-len-constraint": 0}},
                _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
                _crl_dp("root"),
            ],
        },
        "ocsp": {
            "subject": "ocsp", "subject-key": "ocsp", "issuer": "issuing", "authority-key": "issuing",
            "validity": _validity(now - timedelta(days=1), now + 10 * years),
            "extensions": [
                _key_usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                {"id": "ocsp_no_check"},
            ],
        },
        "tsa": {
            "subject": "tsa", "subject-key": "tsa", "issuer": "root", "authority-key": "root",
            "validity": _validity(now - timedelta(days=1), now + 10 * years),
            "extensions": [
                _key_usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                _crl_dp("root"),
            ],
        },
    }


def _identity_cert(spec: IdentitySpec, now: datetime) -> dict[str, Any]:
    years = timedelta(days=365)
    validity = _validity(now - timedelta(days=1), now + 3 * years)
    usage = _key_usage("digital_signature", "non_repudiation")
    cert: dict[str, Any] = {"subject": spec.label, "subject-key": spec.label, "issuer": "issuing",
                            "authority-key": "issuing"}
    if spec.kind == "expired":
        validity = _validity(now - 3 * years, now - years)
    elif spec.kind == "not_for_signing":
        usage = _key_usage("key_encipherment")
    elif spec.kind == "revoked":
        cert["revocation"] = {"revoked-since": _ts(now - timedelta(hours=12)), "reason": "key_compromise"}
    cert["validity"] = validity
    cert["extensions"] = [usage, _crl_dp("issuing"), _aia_ocsp("issuing")]
    return cert


def add_officer(config: dict[str, Any], spec: IdentitySpec, *, officer_id: str, serial: int,
                valid_from: datetime, valid_to: datetime) -> None:
    """Add an officer's certificate to a loaded configuration (in place), after every certificate in it.

    Its serial is given (random, as a CA's are) because certomancer numbers the
    others in file order: an officer added later never shifts an earlier serial.
    The officer id goes into the subject as UID, beside the name in the CN.

    Args:
        config: the configuration of :func:`build_config`, read back from its file.
        spec: the officer's label, name and key type.
        officer_id: the officer's account id.
        serial: the certificate's serial number.
        valid_from: start of validity (UTC).
        valid_to: end of validity (UTC).
    """
    arch = config["pki-architectures"][ARCH]
    # only the public key: the PKI issues and answers OCSP for it without ever parsing the private key
    config["keysets"][ARCH]["keys"].setdefault(spec.label, {"path": f"{spec.label}.pub.pem", "public-only": True})
    arch["entities"].setdefault(spec.label, {"common-name": spec.common_name,
                                             "organizational-unit-name": spec.unit, "user-id": officer_id})
    if spec.label not in arch["certs"]:
        cert = _identity_cert(spec, valid_from)
        cert["validity"] = _validity(valid_from, valid_to)
        cert["serial"] = serial
        arch["certs"][spec.label] = cert


def _entities(identities: tuple[IdentitySpec, ...]) -> dict[str, Any]:
    entities: dict[str, Any] = {
        "root": {"common-name": "sohoa DEVELOPMENT Root CA"},
        "issuing": {"common-name": "sohoa DEVELOPMENT Issuing CA"},
        "ocsp": {"common-name": "sohoa DEVELOPMENT OCSP responder"},
        "tsa": {"common-name": "sohoa DEVELOPMENT Time-Stamping Authority"},
    }
    for spec in identities:
        entities[spec.label] = {"common-name": spec.common_name, "organizational-unit-name": spec.unit}
    return entities


def build_config(
    *, port: int, now: datetime, identities: tuple[IdentitySpec, ...], key_dir: str = "keys"
) -> dict[str, Any]:
    """The certomancer configuration of the development PKI.

    Args:
        port: the loopback port the services answer on (written into certificates).
        now: the creation time (UTC); validity periods start around it.
        identities: the end-entity certificates to issue.
        key_dir: the key folder, relative to the PKI directory.

    Returns:
        A configuration dictionary for :class:`certomancer.registry.CertomancerConfig`.
    """
    keys = {k: {"path": f"{k}.key.pem"} for k in _CA_KEYS}
    keys.update({i.label: {"path": f"{i.label}.key.pem"} for i in identities})
    certs = _ca_certs(now)
    certs.update({i.label: _identity_cert(i, now) for i in identities})
    return {
        "external-url-prefix": f"http://127.0.0.1:{port}",
        "keysets": {ARCH: {"path-prefix": key_dir, "keys": keys}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "VN", "organization-name": ORG},
                "entities": _entities(identities),
                "certs": certs,
                "services": {
                    "ocsp": {"issuing": {"for-issuer": "issuing", "responder-cert": "ocsp",
                                         "signing-key": "ocsp"}},
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root",
                                 "simulated-update-schedule": "P30D"},
                        "issuing": {"for-issuer": "issuing", "signing-key": "issuing",
                                    "simulated-update-schedule": "P7D"},
                    },
                    "cert-repo": {"root": {"for-issuer": "root", "publish-issued-certs": True}},
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }
