"""The FastAPI application: one router per audience, one error handler, the request context around it all.

:func:`create_app` builds it from the settings (the services are opened in its
lifespan) or around services handed in (tests). Routers are listed in
:data:`ROUTERS`; more (the web pages at ``/`` and ``/cong-dan``) are added with
:func:`create_app`'s ``extra_routers`` or ``app.include_router`` before it starts.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from api import _admin, _citizen, _kho, _officer, _ops, _resolution, _stats, _store_docs
from api._errors import install_error_handlers
from api._metrics import Metrics
from api._middleware import RequestContext
from api._services import ApiServices, open_services
from schemas.settings import Settings, get_settings

#: the API's routers, in the order the OpenAPI page shows them
ROUTERS: tuple[APIRouter, ...] = (_officer.router, _store_docs.router, _resolution.router, _citizen.router,
                                  _kho.router, _stats.router, _admin.router,
                                  _ops.router)

_TAGS = [
    {"name": "officer", "description": "One-stop officers (công chức một cửa): dossiers, components, reuse."},
    {"name": "resolution system", "description": "The provincial resolution system: signed results, documents."},
    {"name": "citizen", "description": "Citizens (công dân): my documents, my consents, who read my data."},
    {"name": "admin", "description": "Administrators: the audit log."},
    {"name": "operations", "description": "Probes and metrics (no token)."},
    {"name": "development", "description": "Only when SOHOA_ENVIRONMENT=development."},
]

DESCRIPTION = """Digitization and e-signature for Vietnamese one-stop offices (Bộ phận Một cửa).

Every route under `/v1` takes a bearer token (a JWT with `role`, `sub` and `agency`); what a caller
may see is decided by the store: an officer sees a citizen's documents through a dossier of their
own agency (or with the citizen's consent for one dossier), a citizen sees their own, and every read
of personal data is in the citizen's access log. Errors are `{"error": {"code", "message", "detail"}}`
with the same codes as the `sohoa` command. POSTs take an `Idempotency-Key`; lists are
`{"items", "next"}` with `?cursor=`.
"""


def create_app(settings: Settings | None = None, *, services: ApiServices | None = None,
               extra_routers: Sequence[APIRouter] = (), settle_heap: bool = False) -> FastAPI:
    """The API.

    Args:
        settings: what to serve with (default: the process's settings, or those of ``services``).
        services: already-open services (tests); else they are opened when the app starts.
        extra_routers: more routers (web pages), included after the API's own.
        settle_heap: once started, move everything loaded so far out of the garbage collector's
            sight (``gc.freeze``): for a serving process (one app for its lifetime), not for tests
            that make many apps in one process.
    """
    cfg = settings or (services.settings if services is not None else get_settings())
    metrics = services.metrics if services is not None else Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = services is None
        app.state.services = services if services is not None else await run_in_threadpool(open_services, cfg,
                                                                                            metrics)
        # the checks of an upload (pipeline.ingest, with PDF and image libraries) load now, not on the first upload
        await run_in_threadpool(importlib.import_module, "pipeline.ingest")
        if settle_heap:
            # what is loaded by now lives as long as the process: out of the collector's sight, so that a full
            # collection (every few thousand requests) does not walk a million long-lived objects while every
            # request in flight waits (a pause of some 200 ms, at the 95th percentile under load)
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await app.state.services.store.records.close_async()
            if own:
                await run_in_threadpool(app.state.services.close)

    telemetry = cfg.api.opentelemetry
    app = FastAPI(title="sohoa", version="1", description=DESCRIPTION, openapi_tags=_TAGS, lifespan=lifespan,
                  docs_url="/docs" if cfg.api.docs else None, openapi_url="/openapi.json" if cfg.api.docs else None,
                  redoc_url=None, telemetry={"tracing": telemetry, "metrics": telemetry, "logs": telemetry})
    if services is not None:
        app.state.services = services
    install_error_handlers(app)
    for router in (*ROUTERS, *extra_routers):
        app.include_router(router)
    if cfg.environment == "development":
        app.include_router(_admin.dev_router)
    app.add_middleware(RequestContext, metrics=metrics, max_body=cfg.api.max_request_bytes,  # type: ignore[arg-type]
                       max_json=cfg.api.max_json_bytes)
    return app


def app_from_environment() -> FastAPI:
    """The app for ``uvicorn --factory`` (each worker process reads the settings from the environment)."""
    from api.web import ROUTERS as WEB_ROUTERS  # the officer's and citizen's pages (api/web)

    return create_app(extra_routers=WEB_ROUTERS, settle_heap=True)
