"""The development PKI's TSA, OCSP and CRLs for any process that signs with it (development only).

A process that signs with ``SOHOA_SIGN__KEY_SOURCE=dev`` (a worker, ``sohoa
sign``, ``sohoa demo``) needs the PKI's loopback services: B-T signatures carry
an RFC 3161 timestamp and the pre-check asks the OCSP responder. In development
it should just work, so the process serves them itself when nothing listens on
the PKI's port, and uses what already listens there otherwise (``sohoa pki
serve``, ``sohoa demo``, a worker) after checking it is *this* PKI: the port is
shared by every data dir on the machine, and another PKI's timestamps would
not verify.

Several workers of one machine: the first binds the port, the others use it; the
worker loop calls :meth:`DevPkiGuard.ensure` every few seconds, so when the
serving worker dies another one takes the port over (jobs signing meanwhile
fail with ``tsa_unavailable`` and are retried with backoff). Making the PKI on
first run is serialized by a file lock, so workers started together make one.
"""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from pki._devpki import resolved_sign_settings
from schemas.errors import ConfigError, ErrorCode
from schemas.settings import Settings

log = logging.getLogger(__name__)

_PROBE_TIMEOUT_S = 5.0


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class DevPkiGuard:
    """Keeps the development PKI's services answering while a worker runs.

    Args:
        settings: ``sign`` (the PKI folder), ``pki`` (host) and ``data_dir``.
    """

    def __init__(self, settings: Settings) -> None:
        from pki._devpki import open_dev_pki

        self.settings = settings
        cfg = resolved_sign_settings(settings)
        assert cfg.dev_pki_dir is not None
        self.pki = open_dev_pki(cfg.dev_pki_dir)
        self._services: object | None = None
        self._verified = False  # the listener on the port was checked to be this PKI
        self._foreign_reported = False

    @property
    def serving(self) -> bool:
        """Whether this process serves the PKI."""
        return self._services is not None

    def ensure(self, *, strict: bool = False) -> None:
        """Serve the PKI here if nothing answers on its port; check that a listener there is this PKI.

        Args:
            strict: raise on a foreign listener (at start); later it is only logged, once.

        Raises:
            ConfigError: ``config_invalid`` (strict only): the port answers for another PKI,
                or with something that is no PKI at all.
        """
        from pki._serve import serve_dev_pki

        if self._services is not None:
            return
        if not _listening("127.0.0.1", self.pki.port):
            self._verified = False
            try:
                self._services = serve_dev_pki(self.pki, host=self.settings.pki.host)
            except ConfigError:
                if not _listening("127.0.0.1", self.pki.port):
                    raise
            else:
                log.warning("serving the development PKI (TSA, OCSP, CRL) in this process on %s — DEVELOPMENT ONLY",
                            self.pki.base_url)
                return
        if self._verified:
            return
        problem = self._foreign_listener()
        if problem is None:
            self._verified = True
            return
        if strict:
            raise ConfigError(problem, code=ErrorCode.CONFIG_INVALID, detail={"url": self.pki.base_url})
        if not self._foreign_reported:
            log.error("%s", problem)
            self._foreign_reported = True

    def _foreign_listener(self) -> str | None:
        """``None`` when the listener serves this PKI's root CRL, else what is wrong."""
        from asn1crypto import crl, pem, x509

        root_data = self.pki.root_cert.read_bytes()
        root = x509.Certificate.load(pem.unarmor(root_data)[2] if pem.detect(root_data) else root_data)
        url = self.pki.crl_urls[0]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
        try:
            with opener.open(url, timeout=_PROBE_TIMEOUT_S) as response:
                served = crl.CertificateList.load(response.read())
            same = served.authority_key_identifier == root.key_identifier
        except (OSError, ValueError) as e:
            return (f"something that is not the development PKI listens on {self.pki.base_url} ({e}); "
                    "stop it, or make the PKI for another port (SOHOA_PKI__PORT before its first run)")
        if same:
            return None
        return (f"{self.pki.base_url} serves another development PKI than {self.pki.directory}: its timestamps "
                "would not verify; stop it, or make this PKI for another port (SOHOA_PKI__PORT before its first run)")

    def close(self) -> None:
        """Stop the services if this process serves them."""
        services, self._services = self._services, None
        stop = getattr(services, "stop", None)
        if callable(stop):
            stop()


@contextmanager
def dev_pki_services(settings: Settings, *, needed: bool = True) -> Iterator[DevPkiGuard | None]:
    """The PKI's services for the duration of a command; ``None`` when it does not sign with the dev PKI.

    Args:
        settings: all settings (``sign``, ``pki``, ``data_dir``, ``environment``).
        needed: whether the caller signs at all (a worker with a fake signer does not).
    """
    if not (needed and settings.sign.key_source == "dev" and settings.environment != "production"):
        yield None
        return
    guard = DevPkiGuard(settings)
    guard.ensure(strict=True)
    try:
        yield guard
    finally:
        guard.close()
