"""A loaded signer: the key (loaded once), its certificate and chain, its loop and its validation cache."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from pipeline.sign._keys import KeyInfo, Role, load_pkcs12_file, pkcs12_source
from pipeline.sign._loop import LoopThread
from pipeline.sign._trust import check_signing_cert, load_certs, validation_context
from schemas.settings import SignSettings


@dataclass
class Signer:
    """Who signs: one key, loaded once, reused for many signatures (thread-safe through its loop).

    Attributes:
        role: ``officer``, ``signer`` or ``agency``.
        backend: pyHanko's signer (in-memory key or PKCS#11 token).
        key: the key's kind, size and source.
        cert: the signing certificate.
        chain: the other certificates of its chain (issuing CA, root).
        roots: the trust roots its certificate is checked against.
    """

    role: Role
    backend: PyHankoSigner
    key: KeyInfo
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    roots: tuple[x509.Certificate, ...]
    _session: Any = None
    _loop: LoopThread = field(default_factory=lambda: LoopThread("sohoa-signer"))
    _context: ValidationContext | None = None
    _backends: list[AIOHttpFetcherBackend] = field(default_factory=list)
    _context_until: float = 0.0
    _checked_until: float = 0.0

    @property
    def subject(self) -> str:
        """The certificate's subject, as a person reads it."""
        return str(self.cert.subject.human_friendly)

    @property
    def loop(self) -> LoopThread:
        """The private event loop all of this signer's pyHanko work runs on."""
        return self._loop

    def context(self, cfg: SignSettings) -> ValidationContext:
        """The shared validation context; rebuilt after ``cfg.revocation_cache_s`` so answers stay fresh."""
        now = time.monotonic()
        if self._context is None or now >= self._context_until:
            backend = AIOHttpFetcherBackend(per_request_timeout=cfg.revocation_timeout_s)
            self._backends.append(backend)
            self._context = validation_context(roots=list(self.roots), others=self.chain, backend=backend)
            self._context_until = now + cfg.revocation_cache_s
            self._checked_until = 0.0
        return self._context

    async def precheck(self, cfg: SignSettings) -> None:
        """Check the certificate (validity, key usage, chain, revocation), at most once per cache period.

        Raises:
            SigningError: see :func:`pipeline.sign._trust.check_signing_cert`.
        """
        context = self.context(cfg)
        if time.monotonic() < self._checked_until:
            return
        await check_signing_cert(self.cert, self.chain, context)
        self._checked_until = self._context_until

    def close(self) -> None:
        """Release the HTTP sessions, the token session and the loop."""
        backends, self._backends = self._backends, []
        for backend in backends:
            self._loop.run(backend.close())  # type: ignore[no-untyped-call]
        self._loop.close()
        if self._session is not None:
            self._session.close()
            self._session = None


def _roots(cfg: SignSettings, chain: tuple[x509.Certificate, ...]) -> tuple[x509.Certificate, ...]:
    if cfg.trust_roots:
        return tuple(load_certs(cfg.trust_roots))
    if cfg.key_source == "dev" and cfg.dev_pki_dir is not None:
        return tuple(load_certs([cfg.dev_pki_dir / "certs" / "root.cert.pem"]))
    return tuple(c for c in chain if c.self_signed in {"maybe", "yes"})


def load_signer(cfg: SignSettings, *, role: Role, identity: str | None = None) -> Signer:
    """Load the key for ``role`` once; reuse the result for every signature.

    Args:
        cfg: the signing settings (key source, files or token, secrets).
        role: ``officer`` signs scans, ``signer`` and ``agency`` sign results.
        identity: with the development PKI, another identity label to load
            (``officer-ec``, ``test-revoked`` …).

    Returns:
        The signer; call ``close()`` when the process is done with it.

    Raises:
        ConfigError: the key source is incompletely configured.
        SigningError: ``wrong_pin``, ``key_unavailable`` or ``weak_algorithm``.
    """
    session = None
    backend: PyHankoSigner
    if cfg.key_source == "pkcs11":
        from pipeline.sign._pkcs11 import load_pkcs11_signer

        backend, info, session = load_pkcs11_signer(cfg, role)
        chain = tuple(backend.cert_registry)
    else:
        if identity is not None and cfg.key_source == "dev":
            cfg = cfg.model_copy(update={"dev_officer_identity": identity})
            role_for_file: Role = "officer"
        else:
            role_for_file = role
        path, password = pkcs12_source(cfg, role_for_file)
        backend, info = load_pkcs12_file(path, password)
        chain = tuple(backend.cert_registry)
    cert = backend.signing_cert
    assert cert is not None  # both loaders fail before this when there is no certificate
    chain = tuple(c for c in chain if c.sha256 != cert.sha256)
    return Signer(role=role, backend=backend, key=KeyInfo(info.kind, info.bits, cfg.key_source),
                  cert=cert, chain=chain, roots=_roots(cfg, chain), _session=session)
