"""Readiness: is every service the API needs answering? Each check is bounded in time.

The database (``SELECT 1``), the object store (a look-up of an object that need
not exist), the broker when one is configured (its queue's depth), and Redis
when rate limits live there. A check that fails or takes too long names the
service in the 503 answer.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
from sqlalchemy import text

from api._services import ApiServices
from store.objects import Bucket, content_key

#: the error code of each service when it is down
DOWN_CODES = {"database": "database_unavailable", "object_store": "storage_unavailable",
              "broker": "broker_unavailable", "redis": "storage_unavailable"}


def checks(services: ApiServices) -> dict[str, Callable[[], object]]:
    """The checks to run, by service name."""
    found: dict[str, Callable[[], object]] = {
        "database": lambda: _database(services),
        "object_store": lambda: services.store.objects.exists(Bucket.SCANS, content_key("0" * 64)),
    }
    if services.settings.broker_url:
        found["broker"] = services.dispatcher.queued
    if services.settings.redis_url:
        found["redis"] = services.limiter.ping
    return found


def _database(services: ApiServices) -> None:
    with services.store.records.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


async def readiness(services: ApiServices) -> dict[str, str]:
    """``ok`` or why not, for each service."""
    timeout = services.settings.api.ready_timeout_s
    results: dict[str, str] = {}
    for name, check in checks(services).items():
        try:
            with anyio.fail_after(timeout):
                await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
            results[name] = "ok"
        except TimeoutError:
            results[name] = f"no answer within {timeout:g} s"
        except Exception as e:  # any failure of the service counts: it is what this check is for
            results[name] = f"{type(e).__name__}: {str(e)[:200]}"
    return results
