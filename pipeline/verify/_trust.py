"""Whom verification trusts, and how far a signer's chain got.

A province keeps the roots it accepts in a trust folder (the Government Cipher
Committee's and NEAC's national roots, and their intermediates); self-signed
certificates there are trust roots, the others only help build chains. When a
chain does not reach a root, :func:`chain_walk` tells where it stopped and
which issuer was missing, so that the next step is obvious.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509

from pipeline.verify._certs import load_certs, read_certs
from schemas.errors import ConfigError, ErrorCode

#: certificate files read from a trust folder
_SUFFIXES = {".pem", ".crt", ".cer", ".der", ".cert"}
#: longer chains are not followed (real ones have three or four links)
_MAX_CHAIN = 12


@dataclass(frozen=True)
class TrustStore:
    """The certificates verification starts from.

    Attributes:
        roots: trust anchors.
        intermediates: other certificates that may link a signer to a root.
    """

    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]


def load_trust(files: Iterable[Path], folder: Path | None) -> TrustStore:
    """Read the configured roots (files) and every certificate in ``folder``.

    Raises:
        ConfigError: ``config_invalid`` for a missing folder or an unreadable certificate file.
    """
    roots = list(load_certs(files))
    intermediates: list[x509.Certificate] = []
    if folder is not None:
        if not folder.is_dir():
            raise ConfigError(f"the trust folder {folder} does not exist", code=ErrorCode.CONFIG_INVALID,
                              detail={"folder": str(folder)})
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES and p.is_file()):
            for cert in read_certs(path):
                (roots if _self_signed(cert) else intermediates).append(cert)
    return TrustStore(roots=tuple(roots), intermediates=tuple(intermediates))


@dataclass(frozen=True)
class ChainWalk:
    """How far a certificate's chain goes among the certificates at hand.

    Attributes:
        names: common names from the signer up to the last certificate found.
        missing_issuer: the issuer that was not found (``None``: the walk ended at a self-signed certificate).
        reached_root: the last certificate is one of the trust roots.
    """

    names: tuple[str, ...]
    missing_issuer: str | None
    reached_root: bool


def name_of(cert: x509.Certificate) -> str:
    """A certificate's common name, else its whole subject."""
    cn = cert.subject.native.get("common_name")
    if isinstance(cn, list):
        cn = cn[0] if cn else None
    return str(cn) if cn else cert.subject.human_friendly


def chain_walk(cert: x509.Certificate, known: Iterable[x509.Certificate],
               roots: Iterable[x509.Certificate]) -> ChainWalk:
    """Follow issuers by name from ``cert`` through ``known`` certificates, to a root or a missing issuer."""
    by_subject: dict[bytes, x509.Certificate] = {}
    for c in known:
        by_subject.setdefault(c.subject.dump(), c)
    root_keys = {c.subject.dump() + c.public_key.dump() for c in roots}
    names = [name_of(cert)]
    current, seen = cert, {cert.dump()}
    for _ in range(_MAX_CHAIN):
        if current.subject.dump() + current.public_key.dump() in root_keys:
            return ChainWalk(tuple(names), None, True)
        if _self_signed(current):
            return ChainWalk(tuple(names), None, False)
        issuer = by_subject.get(current.issuer.dump())
        if issuer is None or issuer.dump() in seen:
            issuer_name = current.issuer.native.get("common_name") or current.issuer.human_friendly
            return ChainWalk(tuple(names), str(issuer_name), False)
        seen.add(issuer.dump())
        names.append(name_of(issuer))
        current = issuer
    return ChainWalk(tuple(names), None, False)


def _self_signed(cert: x509.Certificate) -> bool:
    # asn1crypto answers "yes", "maybe" (subject = issuer, no key identifiers to confirm) or "no"
    return cert.self_signed in ("yes", "maybe")
