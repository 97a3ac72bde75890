"""A worker process (``sohoa worker``): one Dramatiq worker with N threads on the configured queue.

Run as many processes as needed (``docker compose up --scale worker=N``). On
SIGTERM or SIGINT the worker stops taking messages, lets running jobs finish
(up to ``shutdown_timeout_s``), and exits; a process killed outright leaves its
unacknowledged messages to RabbitMQ, which hands them to another worker.

While it runs, the worker's main thread keeps two chores: in development with
the development PKI it keeps the PKI's TSA/OCSP/CRL answering (serving them
itself when nobody else does), and every ``sweep_interval_s`` it sweeps for
components whose job was lost (see :mod:`workers._sweep`). With a portal configured
(``SOHOA_PORTAL__URL``) it also asks for a portal sync every ``portal.interval_s``.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

from dramatiq import Worker

from schemas.errors import ConfigError, SohoaError
from schemas.settings import Settings
from workers._actors import declare_actors
from workers._broker import make_broker
from workers._devpki import DevPkiGuard, needs_dev_pki
from workers._dispatch import QueueDispatcher
from workers._runtime import LazyRuntime
from workers._sweep import sweep_stuck

log = logging.getLogger(__name__)

#: seconds between the main thread's chores (checking the development PKI's services)
_TICK_S = 5.0


def run_worker(settings: Settings, *, threads: int | None = None, shutdown_timeout_s: float = 60.0,
               stop: threading.Event | None = None) -> None:
    """Consume the queue until ``stop`` is set or a termination signal arrives.

    Args:
        settings: broker, stores, back ends and the ``worker`` section.
        threads: worker threads (default ``settings.worker.threads``).
        shutdown_timeout_s: how long running jobs may take to finish on shutdown.
        stop: an event that ends the loop (tests); signals set it too in the main thread.

    Raises:
        ConfigError: no broker URL (the embedded default has no separate worker), bad settings, or the
            development PKI's port taken by something else.
        TransientError: the stores are unreachable at start.
    """
    if not settings.broker_url:
        raise ConfigError("SOHOA_BROKER_URL is not set: without a broker, jobs run in the command itself")
    runtime = LazyRuntime(settings)
    runtime()  # open the stores now: a misconfigured worker should fail at start, not on its first job
    guard = DevPkiGuard(settings) if needs_dev_pki(settings) else None
    if guard is not None:
        guard.ensure(strict=True)
    broker = make_broker(settings)
    actors = declare_actors(broker, settings, runtime)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _setter(stop))
    broker.emit_after("process_boot")
    worker = Worker(broker, queues={settings.worker.queue}, worker_threads=threads or settings.worker.threads,
                    worker_timeout=500)
    worker.start()
    log.info("worker consuming %s with %d threads", settings.worker.queue, worker.worker_threads)
    if settings.portal.url and settings.portal.interval_s:
        threading.Thread(target=_every, args=(stop, settings.portal.interval_s, actors.portal_sync.send),
                         name="portal-sync", daemon=True).start()
    try:
        _chores(settings, stop, guard, lambda: sweep_stuck(runtime().records, QueueDispatcher(actors),
                                                           settings.worker))
    finally:
        log.info("worker stopping")
        worker.stop(timeout=int(shutdown_timeout_s * 1000))
        broker.close()
        runtime.close()
        if guard is not None:
            guard.close()


def _chores(settings: Settings, stop: threading.Event, guard: DevPkiGuard | None,
            sweep: Callable[[], object]) -> None:
    """Until ``stop``: keep the development PKI answering, and sweep for lost jobs now and then."""
    interval = settings.worker.sweep_interval_s
    next_sweep = time.monotonic() + min(interval, 30.0)  # a first look soon after start
    tick = min(_TICK_S, interval) if interval else (_TICK_S if guard is not None else None)
    while not stop.wait(tick):
        if guard is not None:
            try:
                guard.ensure()
            except SohoaError as e:  # the port was taken meanwhile by something else: jobs will say so too
                log.error("development PKI services: %s", e)
        if interval and time.monotonic() >= next_sweep:
            next_sweep = time.monotonic() + interval
            try:
                sweep()
            except Exception as e:  # a chore never stops the worker: the stores or the broker are down, try later
                log.warning("sweep for lost jobs failed: %r", e)


def _every(stop: threading.Event, interval_s: float, send: Callable[[], object]) -> None:
    """Until ``stop``: ask for a portal sync every ``interval_s`` (the first soon after start)."""
    wait = min(interval_s, 5.0)
    while not stop.wait(wait):
        wait = interval_s
        try:
            send()
        except Exception as e:  # the broker is down: ask again next time
            log.warning("could not ask for a portal sync: %r", e)


def _setter(stop: threading.Event) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    return handler
