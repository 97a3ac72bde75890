"""Development certificates for officers, issued on first use: in development too each officer signs as themself.

The first time an officer signs with the development PKI, it issues them a
certificate of their own: subject CN their display name (or their id) marked
DEVELOPMENT, their id as UID, an RSA-2048 key. It is kept like the PKI's other
identities (``keys/``, ``certs/``, ``identities/``) and added to
``certomancer.yml``, so the PKI's OCSP responder and CRLs answer for it (the
services read that file again when it changes). ``officers.json`` maps officer
ids to identities and is written last: an officer listed there is complete.
Issuing holds the PKI's file lock, so two workers asking for the same new
officer at once make one certificate; the officer's certificate is issued once
and kept (a later display name does not reissue it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from asn1crypto import pem, x509
from certomancer.registry import CertLabel, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import load_der_x509_certificate

from pipeline.sign import dev_identity_paths
from pki import _arch
from pki._devpki import MANIFEST, DevIdentity, DevPki, open_dev_pki, pki_lock
from schemas.errors import ErrorCode, InputError

OFFICERS = "officers.json"
#: how long an officer's development certificate is valid, as the PKI's built-in officers
_VALIDITY = timedelta(days=3 * 365)
_MAX_ID = 200


def officer_label(officer_id: str) -> str:
    """The identity label (and file stem) of an officer: readable, and distinct for distinct ids."""
    slug = re.sub(r"[^a-z0-9]+", "-", officer_id.lower()).strip("-")[:40] or "x"
    return f"officer-id-{slug}-{hashlib.sha256(officer_id.encode('utf-8')).hexdigest()[:10]}"


def _check_id(officer_id: str) -> None:
    if not officer_id or len(officer_id) > _MAX_ID or not officer_id.isprintable() or officer_id != officer_id.strip():
        raise InputError("not a valid officer id", code=ErrorCode.INVALID_VALUE,
                         detail={"officer": officer_id[:_MAX_ID]})


def _read_officers(directory: Path) -> dict[str, dict[str, str]]:
    path = directory / OFFICERS
    if not path.is_file():
        return {}
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _write_atomic(path: Path, text: str) -> None:
    # beside the target, then renamed: a reader sees the old file or the new one, never half of one
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _identity(directory: Path, label: str) -> DevIdentity:
    p12, pass_file = dev_identity_paths(directory, label)
    return DevIdentity(label=label, cert=directory / "certs" / f"{label}.cert.pem",
                       key=directory / "keys" / f"{label}.key.pem", pkcs12=p12, pkcs12_password_file=pass_file,
                       key_type="rsa")


def _validity(pki: DevPki, now: datetime) -> tuple[datetime, datetime]:
    """From the PKI's making (as its other identities, so frozen-time tests sign with it) for three years from now."""
    made = datetime.fromisoformat(json.loads((pki.directory / MANIFEST).read_text(encoding="utf-8"))["created"])
    data = pki.issuing_cert.read_bytes()
    issuing = x509.Certificate.load(pem.unarmor(data)[2] if pem.detect(data) else data)
    until = min(max(now, made) + _VALIDITY, issuing.not_valid_after - timedelta(days=1))
    return made - timedelta(days=1), until


def _write_key(directory: Path, label: str) -> rsa.RSAPrivateKey:
    """The officer's RSA-2048 key: private (PKCS#8, 0600) and public (for the PKI's configuration)."""
    keys = directory / "keys"
    private = keys / f"{label}.key.pem"
    if private.is_file():  # an issue interrupted after the key was written: keep it
        loaded = serialization.load_pem_private_key(private.read_bytes(), password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        key = loaded
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _write_secret(private, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    (keys / f"{label}.pub.pem").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _export(pki: DevPki, arch: PKIArchitecture, label: str, key: rsa.RSAPrivateKey) -> None:
    """The certificate (PEM), and a PKCS#12 of key, certificate and chain with a fresh password beside it."""
    cert = arch.get_cert(CertLabel(label))
    pki.cert_path(label).write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    chain = [load_der_x509_certificate(arch.get_cert(c).dump()) for c in arch.get_chain(CertLabel(label))]
    password = secrets.token_urlsafe(18).encode("ascii")
    p12, pass_file = dev_identity_paths(pki.directory, label)
    p12.parent.mkdir(exist_ok=True)
    _write_secret(pass_file, password)
    _write_secret(p12, pkcs12.serialize_key_and_certificates(
        label.encode("ascii"), key, load_der_x509_certificate(cert.dump()), chain,
        serialization.BestAvailableEncryption(password)))


def _issue(pki: DevPki, officer_id: str, name: str | None, now: datetime) -> str:
    label = officer_label(officer_id)
    spec = _arch.IdentitySpec(label, f"{name or officer_id} (DEVELOPMENT)", "rsa", _arch.AGENCY_NAME)
    key = _write_key(pki.directory, label)
    config = yaml.safe_load(pki.config_path.read_text(encoding="utf-8"))
    valid_from, valid_to = _validity(pki, now)
    _arch.add_officer(config, spec, officer_id=officer_id, serial=secrets.randbits(63) | (1 << 62),
                      valid_from=valid_from, valid_to=valid_to)
    # the file's order is kept: certomancer numbers certificates without a serial in that order
    _write_atomic(pki.config_path, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    _export(pki, pki.load_arch(), label, key)
    return label


def dev_officer(directory: Path, officer_id: str, *, name: str | None = None,
                now: datetime | None = None) -> DevIdentity:
    """The development identity of ``officer_id``, issued the first time it is asked for.

    Args:
        directory: the development PKI folder (made already).
        officer_id: the officer's account id (a token's ``sub``).
        name: the display name for the certificate's CN; default the officer id.
        now: the issuing time (tests); default the clock.

    Returns:
        The officer's identity (PKCS#12 file and its password file).

    Raises:
        InputError: ``invalid_value`` for an empty or unprintable officer id.
        ConfigError: ``config_invalid`` when ``directory`` holds no PKI.
    """
    _check_id(officer_id)
    known = _read_officers(directory).get(officer_id)
    if known is not None:
        return _identity(directory, known["label"])
    with pki_lock(directory):  # two processes asking at once: the second finds the first's certificate
        listed = _read_officers(directory)
        if officer_id not in listed:
            moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
            label = _issue(open_dev_pki(directory), officer_id, name, moment)
            listed[officer_id] = {"label": label, "name": name or officer_id, "issued": moment.isoformat()}
            _write_atomic(directory / OFFICERS, json.dumps(listed, indent=2, ensure_ascii=False))
    return _identity(directory, listed[officer_id]["label"])


def dev_officers(directory: Path) -> dict[str, DevIdentity]:
    """Every officer the development PKI in ``directory`` issued a certificate for, by officer id."""
    return {oid: _identity(directory, entry["label"]) for oid, entry in _read_officers(directory).items()}
