"""Serve the development PKI's TSA, OCSP responder and CRLs over HTTP on 127.0.0.1.

certomancer's aiohttp "animator" answers the requests; we run it on its own
event loop in a background thread so that ``sohoa demo`` and the tests can use
real HTTP services in-process, and ``sohoa pki serve`` runs the same in the
foreground.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from types import TracebackType

from aiohttp import web
from certomancer.integrations.aiohttp_animator import build_animator_app

from pki._devpki import DevPki
from schemas.errors import ConfigError, ErrorCode

_START_TIMEOUT_S = 15.0


class DevPkiServices:
    """A running TSA/OCSP/CRL server; stop it with :meth:`stop` or use it as a context manager.

    Attributes:
        pki: the PKI served.
        host: the address listened on.
        port: the port listened on.
    """

    def __init__(self, pki: DevPki, host: str, port: int, at_time: datetime | None) -> None:
        self.pki = pki
        self.host = host
        self.port = port
        self._at_time = at_time
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sohoa-dev-pki", daemon=True)

    @property
    def url(self) -> str:
        """The base URL of the services."""
        return f"http://{self.host}:{self.port}"

    def _app(self) -> web.Application:
        arch = self.pki.load_arch()
        return build_animator_app({arch.arch_label: arch}, at_time=self._at_time,
                                  with_web_ui=False, allow_time_override=False)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._app(), access_log=None)
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
        at_time: answer as of this time instead of the clock (frozen-time tests).

    Returns:
        The running services (``.stop()`` them, or use ``with``).

    Raises:
        ConfigError: the port cannot be bound.
    """
    return DevPkiServices(pki, host, port or pki.port, at_time).start()


def run_dev_pki_forever(pki: DevPki, *, host: str = "127.0.0.1", port: int = 0) -> None:
    """Serve in the foreground until interrupted (``sohoa pki serve``)."""
    arch = pki.load_arch()
    app = build_animator_app({arch.arch_label: arch}, with_web_ui=False,
                             allow_time_override=False)
    web.run_app(app, host=host, port=port or pki.port, print=None)
