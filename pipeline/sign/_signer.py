"""A loaded signer: the key (loaded once), its certificate and chain, its loop, HTTP session and validation cache.

Everything a signature needs from the network goes through one HTTP session
per signer, made on the signer's own loop: a session of pyHanko's default kind
loads the whole CA bundle into a fresh TLS context (about 50 ms), which its
timestamp client otherwise paid on every request. Revocation answers are kept
in one validation context per signing moment for ``revocation_cache_s``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import ClientSession
from asn1crypto import x509
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

from pipeline.sign._keys import SHARED_OFFICER_KEY, KeyInfo, Role, load_pkcs12_file, pkcs12_source
from pipeline.sign._loop import LoopThread
from pipeline.sign._trust import check_signing_cert, load_certs, validation_context
from schemas.errors import ConfigError, ErrorCode, SigningError
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
    _http: AIOHttpFetcherBackend | None = None
    _contexts: dict[datetime | None, tuple[ValidationContext, float]] = field(default_factory=dict)
    _checked: dict[datetime | None, float] = field(default_factory=dict)
    _stampers: dict[tuple[str, float], HTTPTimeStamper] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        """The certificate's subject, as a person reads it."""
        return str(self.cert.subject.human_friendly)

    @property
    def loop(self) -> LoopThread:
        """The private event loop all of this signer's pyHanko work runs on."""
        return self._loop

    def _backend(self, cfg: SignSettings) -> AIOHttpFetcherBackend:
        # one fetcher backend, hence one HTTP session, for OCSP, CRLs and the TSA alike
        if self._http is None:
            self._http = AIOHttpFetcherBackend(per_request_timeout=cfg.revocation_timeout_s)
        return self._http

    def timestamper(self, cfg: SignSettings) -> HTTPTimeStamper:
        """The RFC 3161 client for ``cfg.tsa_url``, reusing this signer's HTTP session.

        Raises:
            SigningError: ``level_unreachable`` when no TSA is configured.
        """
        key = (cfg.tsa_url or "", cfg.tsa_timeout_s)
        if key not in self._stampers:
            self._stampers[key] = make_timestamper(cfg, session=self._backend(cfg).session)
        return self._stampers[key]

    def context(self, cfg: SignSettings, moment: datetime | None = None) -> ValidationContext:
        """The validation context for signatures at ``moment`` (``None``: the clock).

        One context per moment is kept for ``cfg.revocation_cache_s``, so the OCSP
        and CRL answers about the chain are fetched once and reused by every
        signature in that period.
        """
        now = time.monotonic()
        cached = self._contexts.get(moment)
        if cached is not None and now < cached[1]:
            return cached[0]
        if len(self._contexts) > 8:  # frozen moments come from tests; keep the map small
            self._contexts.clear()
        context = validation_context(roots=list(self.roots), others=self.chain, backend=self._backend(cfg),
                                     moment=moment)
        self._contexts[moment] = (context, now + cfg.revocation_cache_s)
        self._checked.pop(moment, None)
        return context

    async def precheck(self, cfg: SignSettings, moment: datetime | None = None) -> None:
        """Check the certificate (validity, key usage, chain, revocation) at ``moment``, once per cache period.

        Raises:
            SigningError: see :func:`pipeline.sign._trust.check_signing_cert`.
        """
        context = self.context(cfg, moment)
        if time.monotonic() < self._checked.get(moment, 0.0):
            return
        await check_signing_cert(self.cert, self.chain, context)
        self._checked[moment] = self._contexts[moment][1]

    def close(self) -> None:
        """Release the HTTP session, the token session and the loop."""
        http, self._http = self._http, None
        if http is not None:
            self._loop.run(http.close())  # type: ignore[no-untyped-call]
        self._stampers.clear()
        self._contexts.clear()
        self._loop.close()
        if self._session is not None:
            self._session.close()
            self._session = None


def make_timestamper(cfg: SignSettings, session: ClientSession | LazySession | None = None) -> HTTPTimeStamper:
    """The RFC 3161 client for ``cfg.tsa_url`` with a bounded timeout.

    Args:
        cfg: the settings (TSA URL and timeout).
        session: an HTTP session to reuse; without one, every request makes its own.

    Raises:
        SigningError: ``level_unreachable`` when no TSA is configured.
    """
    if not cfg.tsa_url:
        raise SigningError("a timestamp is needed but no TSA is configured (SOHOA_SIGN__TSA_URL)",
                           code=ErrorCode.LEVEL_UNREACHABLE, detail={"setting": "SOHOA_SIGN__TSA_URL"})
    return HTTPTimeStamper(cfg.tsa_url, timeout=cfg.tsa_timeout_s, session=session)


def _roots(cfg: SignSettings, chain: tuple[x509.Certificate, ...]) -> tuple[x509.Certificate, ...]:
    if cfg.trust_roots:
        return tuple(load_certs(cfg.trust_roots))
    if cfg.key_source == "dev" and cfg.dev_pki_dir is not None:
        return tuple(load_certs([cfg.dev_pki_dir / "certs" / "root.cert.pem"]))
    return tuple(c for c in chain if c.self_signed in {"maybe", "yes"})


def assemble_signer(cfg: SignSettings, *, role: Role, backend: PyHankoSigner, key: KeyInfo,
                    session: Any = None) -> Signer:
    """A :class:`Signer` around a loaded key: its certificate, the rest of its chain, its trust roots.

    Args:
        cfg: the signing settings (trust roots).
        role: what it signs as.
        backend: pyHanko's signer (in-memory key or token).
        key: the key's kind, size and source.
        session: a PKCS#11 session the signer owns (closed with it).
    """
    cert = backend.signing_cert
    assert cert is not None  # every loader fails before this when there is no certificate
    chain = tuple(c for c in backend.cert_registry if c.sha256 != cert.sha256)
    return Signer(role=role, backend=backend, key=key, cert=cert, chain=chain, roots=_roots(cfg, chain),
                  _session=session)


def load_signer(cfg: SignSettings, *, role: Role, identity: str | None = None) -> Signer:
    """Load the key for ``role`` once; reuse the result for every signature.

    Args:
        cfg: the signing settings (key source, files or token, secrets).
        role: ``signer`` and ``agency`` sign results; ``officer`` is the development PKI's
            default officer (each officer's own key: :func:`load_officer_signer`).
        identity: with the development PKI, another identity label to load
            (``officer-ec``, ``test-revoked``, an officer issued on first use …).

    Returns:
        The signer; call ``close()`` when the process is done with it.

    Raises:
        ConfigError: the key source is incompletely configured; an officer key outside development.
        SigningError: ``wrong_pin``, ``key_unavailable`` or ``weak_algorithm``.
    """
    if cfg.key_source == "pkcs11" and role != "officer":
        from pipeline.sign._pkcs11 import load_pkcs11_signer

        token_signer, info, session = load_pkcs11_signer(cfg, label=cfg.pkcs11_key_label)
        return assemble_signer(cfg, role=role, backend=token_signer, key=info, session=session)
    if cfg.key_source == "pkcs11":
        raise ConfigError(SHARED_OFFICER_KEY, code=ErrorCode.CONFIG_INVALID, detail={"role": role})
    role_for_file = role
    if identity is not None and cfg.key_source == "dev":
        cfg = cfg.model_copy(update={"dev_officer_identity": identity})
        role_for_file = "officer"
    path, password = pkcs12_source(cfg, role_for_file)
    backend, info = load_pkcs12_file(path, password)
    return assemble_signer(cfg, role=role, backend=backend, key=KeyInfo(info.kind, info.bits, cfg.key_source))
