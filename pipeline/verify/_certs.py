"""Read certificates from PEM or DER files (trust roots named in the settings)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem, x509

from schemas.errors import ConfigError, ErrorCode


def load_certs(paths: Iterable[Path]) -> list[x509.Certificate]:
    """Every certificate in the given PEM or DER files.

    Raises:
        ConfigError: ``config_invalid`` for a missing or unreadable file.
    """
    out: list[x509.Certificate] = []
    for path in paths:
        out += read_certs(path)
    return out


def read_certs(path: Path) -> list[x509.Certificate]:
    """The certificates of one PEM (any number) or DER (one) file.

    Raises:
        ConfigError: ``config_invalid`` for a missing file or one that holds no certificate.
    """
    try:
        data = path.read_bytes()
        if pem.detect(data):
            certs = [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True)
                     if kind == "CERTIFICATE"]
        else:
            certs = [x509.Certificate.load(data)]
        for cert in certs:
            _ = cert.subject.native  # parse now: a file that is no certificate fails here, named
        return certs
    except (OSError, ValueError, TypeError) as e:
        raise ConfigError(f"cannot read the certificate file {path}", code=ErrorCode.CONFIG_INVALID,
                          detail={"file": str(path)}) from e
