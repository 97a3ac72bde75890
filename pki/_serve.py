"""Serve the development PKI's TSA, OCSP responder and CRLs over HTTP on 127.0.0.1.

The answers come from our responders (:mod:`pki._responders`: keys loaded
once, a few milliseconds an answer) on certomancer's URL layout, so the URLs
written into the certificates stay right. The server runs on its own event loop
in a background thread, so ``sohoa demo`` and the tests use real HTTP services
in-process; ``sohoa pki serve`` runs the same application in the foreground.
Its clock can be frozen (``at_time``) and moved while it runs, for tests. An
officer issued a certificate after the server started (by any process) is
answered for: the responders are made again when ``certomancer.yml`` changes.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from aiohttp import web

from pki import _arch
from pki._devpki import DevPki
from pki._responders import CrlRepository, OcspResponder, TimeStampResponder
from schemas.errors import ConfigError, ErrorCode

_START_TIMEOUT_S = 15.0


class _Responders:
    """The PKI's responders, made again when ``certomancer.yml`` changes (an officer issued on first use).

    The officer may be issued by another process than the one serving: the
    file's modification time and size say when to read the architecture again.
    """

    def __init__(self, pki: DevPki) -> None:
        self._pki = pki
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.tsas: dict[str, TimeStampResponder] = {}
        self.ocsps: dict[str, OcspResponder] = {}
        self.crls: CrlRepository | None = None
        self.current()

    def current(self) -> _Responders:
        """These responders, made again first when the architecture changed since they were made."""
        stat = self._pki.config_path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                arch = self._pki.load_arch()
                registry = arch.service_registry
                self.tsas = {str(s.label): TimeStampResponder(arch, str(s.label))
                             for s in registry.list_time_stamping_services()}
                self.ocsps = {str(s.label): OcspResponder(arch, str(s.label)) for s in registry.list_ocsp_responders()}
                self.crls = CrlRepository(arch)
                self._stamp = stamp
        return self


def build_app(pki: DevPki, clock: Callable[[], datetime], counts: Counter[str] | None = None) -> web.Application:
    """The aiohttp application answering the PKI's TSA, OCSP and CRL URLs as of ``clock()``.

    Args:
        pki: the PKI whose services to answer for.
        clock: the time each answer is made at (UTC-aware).
        counts: if given, counts the requests answered by kind (``tsa``, ``ocsp``, ``crl``).

    Returns:
        The application (run it with an ``AppRunner`` or ``web.run_app``).
    """
    responders = _Responders(pki)
    counts = counts if counts is not None else Counter()

    async def answer(request: web.Request, respond: Callable[[bytes, datetime], bytes], name: str,
                     kind: str) -> web.Response:
        body = await request.read()
        counts[name] += 1
        try:
            out = respond(body, clock())
        except ValueError as e:  # not a request of that kind
            raise web.HTTPBadRequest(text=f"malformed request: {e}") from e
        return web.Response(body=out, content_type=kind)

    async def tsa(request: web.Request) -> web.Response:
        responder = responders.current().tsas.get(request.match_info["label"])
        if responder is None:
            raise web.HTTPNotFound()
        return await answer(request, responder.respond, "tsa", "application/timestamp-reply")

    async def ocsp(request: web.Request) -> web.Response:
        responder = responders.current().ocsps.get(request.match_info["label"])
        if responder is None:
            raise web.HTTPNotFound()
        return await answer(request, responder.respond, "ocsp", "application/ocsp-response")

    async def crl(request: web.Request) -> web.Response:
        counts["crl"] += 1
        crls = responders.current().crls
        assert crls is not None  # made in __init__
        try:
            der = crls.latest(request.match_info["label"], clock())
        except Exception as e:  # certomancer: unknown repository or a time before the issuer
            raise web.HTTPNotFound(text=str(e)) from e
        return web.Response(body=der, content_type="application/pkix-crl")

    app = web.Application()
    prefix = f"/{_arch.ARCH}"
    app.router.add_post(prefix + "/tsa/{label}", tsa)
    app.router.add_post(prefix + "/ocsp/{label}", ocsp)
    app.router.add_get(prefix + "/crls/{label}/latest.crl", crl)
    return app


class DevPkiServices:
    """A running TSA/OCSP/CRL server; stop it with :meth:`stop` or use it as a context manager.

    Attributes:
        pki: the PKI served.
        host: the address listened on.
        port: the port listened on.
        at_time: the frozen time the services answer for; ``None`` follows the clock.
            Tests may move it while the server runs.
        requests: how many requests were answered, by kind (``tsa``, ``ocsp``, ``crl``).
    """

    def __init__(self, pki: DevPki, host: str, port: int, at_time: datetime | None) -> None:
        self.pki = pki
        self.host = host
        self.port = port
        self.at_time = at_time
        self.requests: Counter[str] = Counter()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sohoa-dev-pki", daemon=True)

    @property
    def url(self) -> str:
        """The base URL of the services."""
        return f"http://{self.host}:{self.port}"

    def now(self) -> datetime:
        """The time the services answer for."""
        return self.at_time or datetime.now(UTC)

    async def _start(self) -> None:
        self._runner = web.AppRunner(build_app(self.pki, self.now, self.requests), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as e:  # handed to the starting thread
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        if self._runner is not None:
            self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def start(self) -> DevPkiServices:
        """Start serving in a background thread; returns once the port accepts connections.

        Raises:
            ConfigError: ``config_invalid`` when the port cannot be bound.
        """
        self._thread.start()
        self._ready.wait(_START_TIMEOUT_S)
        if self._error is not None or not self._ready.is_set():
            raise ConfigError(
                f"cannot serve the development PKI on {self.url}: {self._error}",
                code=ErrorCode.CONFIG_INVALID,
                detail={"url": self.url},
            ) from self._error
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> DevPkiServices:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_dev_pki(
    pki: DevPki, *, host: str = "127.0.0.1", port: int = 0, at_time: datetime | None = None
) -> DevPkiServices:
    """Start the PKI's TSA, OCSP responder and CRLs in a background thread.

    Args:
        pki: the PKI to serve.
        host: the address to listen on (loopback by default).
        port: the port; ``0`` means the port the PKI was made for (its URLs point there).
        at_time: answer as of this time instead of the clock (frozen-time tests);
            ``services.at_time`` can be moved later.

    Returns:
        The running services (``.stop()`` them, or use ``with``).

    Raises:
        ConfigError: the port cannot be bound.
    """
    return DevPkiServices(pki, host, port or pki.port, at_time).start()


def run_dev_pki_forever(pki: DevPki, *, host: str = "127.0.0.1", port: int = 0) -> None:
    """Serve in the foreground until interrupted (``sohoa pki serve``)."""
    web.run_app(build_app(pki, lambda: datetime.now(UTC)), host=host, port=port or pki.port, print=None)
