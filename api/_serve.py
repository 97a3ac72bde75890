"""``sohoa serve``: uvicorn around the app, bound safely.

Development is safe by construction: it binds to loopback only. Serving on any
other address needs ``SOHOA_ENVIRONMENT=production``, and there every secret and
key must be configured (:meth:`Settings.check_secure`), so a forgotten setting
never leaves a province on development tokens or the development PKI.
"""

from __future__ import annotations

import ipaddress
import logging
import os

from api._logging import configure_logging
from schemas.errors import ConfigError, ErrorCode
from schemas.settings import Settings

log = logging.getLogger("sohoa.api")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_serving(settings: Settings, host: str) -> None:
    """Refuse to serve where the settings are not safe for.

    Raises:
        ConfigError: ``insecure_config``: a non-loopback address outside production, or a
            production configuration with a secret or key missing.
    """
    if not is_loopback(host) and settings.environment != "production":
        raise ConfigError(f"{settings.environment} serves on loopback only; to serve on {host} set "
                          "SOHOA_ENVIRONMENT=production and configure every secret and key",
                          code=ErrorCode.INSECURE_CONFIG, detail={"host": host})
    settings.check_secure(api=True)


def _preflight(settings: Settings) -> None:
    """Open the database and object store once here, before any worker process starts.

    uvicorn's supervisor of several workers stops with exit status 0 when a worker
    fails to start: a database behind the code or out of reach would look like a
    clean stop to systemd or compose. Checked here, it is an error with its code.
    """
    from store import Store

    Store.open(settings).close()


def serve_api(settings: Settings, *, host: str | None = None, port: int | None = None, workers: int | None = None,
              log_level: str = "info") -> None:
    """Run the API with uvicorn until stopped (SIGTERM/SIGINT finish the requests in flight).

    Raises:
        ConfigError: see :func:`check_serving`; a database behind the code (run ``sohoa db upgrade``).
        TransientError: the database or the object store is unreachable.
    """
    import uvicorn

    host = host or settings.api.host
    port = settings.api.port if port is None else port
    check_serving(settings, host)
    _preflight(settings)
    # worker processes read their settings from the environment: make them see this address
    os.environ["SOHOA_API__HOST"], os.environ["SOHOA_API__PORT"] = host, str(port)
    configure_logging(log_level)
    shown = f"[{host}]" if ":" in host else host
    log.info("sohoa API on http://%s:%d (OpenAPI page /docs), %s", shown, port, settings.environment)
    uvicorn.run("api._app:app_from_environment", factory=True, host=host, port=port,
                workers=workers or settings.api.workers, log_config=None, access_log=False, proxy_headers=True,
                forwarded_allow_ips=settings.api.forwarded_allow_ips, server_header=False,
                timeout_graceful_shutdown=30, log_level=log_level.lower())
