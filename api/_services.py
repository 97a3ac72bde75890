"""What the API holds for its lifetime: the store, where jobs go, the token verifier, the rate limiter, metrics.

Built once in the app's lifespan from the settings (or handed in by tests). With
no broker configured, jobs run on a few threads of this process (the embedded
default): digitizing and signing never run on the event loop.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from api._auth import TokenVerifier
from api._metrics import Metrics
from api._ratelimit import MemoryLimiter, RateLimiter, RedisLimiter
from schemas.settings import Settings
from store import Store
from store.objects import LocalObjectStore
from store.records import Principal

log = logging.getLogger("sohoa.api")


class JobDispatcher(Protocol):
    """Where the API hands jobs (:mod:`workers._dispatch`)."""

    def digitize(self, component_id: str) -> None: ...

    def sign(self, document_id: str, *, requested_by: Principal, request_id: str | None = None) -> None: ...

    def sign_result(self, job_id: str) -> None: ...

    def deliver_callback(self, job_id: str) -> None: ...

    def queued(self) -> int: ...

    def close(self) -> None: ...


@dataclass
class ApiServices:
    """The API's long-lived parts.

    Attributes:
        settings: the settings it was built from.
        store: files and records.
        dispatcher: where jobs go (RabbitMQ, or threads of this process).
        verifier: checks bearer tokens.
        limiter: requests per minute per token.
        metrics: the Prometheus instruments.
        tmp_dir: where uploads are spooled before they go to the object store.
    """

    settings: Settings
    store: Store
    dispatcher: JobDispatcher
    verifier: TokenVerifier
    limiter: RateLimiter
    metrics: Metrics = field(default_factory=Metrics)
    tmp_dir: Path = Path("/tmp")
    _closers: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    @property
    def local_files(self) -> LocalObjectStore | None:
        """The local-folder object store, whose download links this API serves (``/files``)."""
        return self.store.objects if isinstance(self.store.objects, LocalObjectStore) else None

    def close(self) -> None:
        """Stop the background jobs, close the pools."""
        self._closers.close()


def open_services(settings: Settings, metrics: Metrics | None = None) -> ApiServices:
    """Build the API's parts from the settings.

    Raises:
        ConfigError: an insecure or impossible configuration.
        TransientError: the database or the object store is unreachable.
    """
    from workers import BackgroundDispatcher, InlineDispatcher, LazyRuntime, open_dispatcher

    closers = contextlib.ExitStack()
    try:
        store = Store.open(settings)
        closers.callback(store.close)
        runtime = LazyRuntime(settings)
        closers.callback(runtime.close)
        dispatcher: JobDispatcher
        if settings.broker_url:
            dispatcher = open_dispatcher(settings, runtime)
        else:
            dispatcher = BackgroundDispatcher(InlineDispatcher(runtime), threads=max(1, settings.worker.threads))
            _keep_dev_pki(settings, closers)
        closers.callback(dispatcher.close)
        limiter: RateLimiter = (RedisLimiter(settings.redis_url, settings.api.rate_limit_per_minute)
                                if settings.redis_url else MemoryLimiter(settings.api.rate_limit_per_minute))
        tmp_dir = settings.data_dir / "api" / "uploads"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        metrics = metrics or Metrics()
        metrics.watch_index(store.records)
        services = ApiServices(settings, store, dispatcher, TokenVerifier(settings), limiter,
                               metrics=metrics, tmp_dir=tmp_dir, _closers=closers)
    except BaseException:
        closers.close()
        raise
    return services


def _keep_dev_pki(settings: Settings, closers: contextlib.ExitStack) -> None:
    """Jobs run here and sign with the development PKI: its TSA/OCSP must answer while the API runs."""
    from workers import dev_pki_services, needs_dev_pki

    if needs_dev_pki(settings):
        closers.enter_context(dev_pki_services(settings, needed=True))
