"""A worker process (``sohoa worker``): one Dramatiq worker with N threads on the configured queue.

Run as many processes as needed (``docker compose up --scale worker=N``). On
SIGTERM or SIGINT the worker stops taking messages, lets running jobs finish
(up to ``shutdown_timeout_s``), and exits; a process killed outright leaves its
unacknowledged messages to RabbitMQ, which hands them to another worker.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from dramatiq import Worker

from schemas.errors import ConfigError
from schemas.settings import Settings
from workers._actors import declare_actors
from workers._broker import make_broker
from workers._runtime import LazyRuntime

log = logging.getLogger(__name__)


def run_worker(settings: Settings, *, threads: int | None = None, shutdown_timeout_s: float = 60.0,
               stop: threading.Event | None = None) -> None:
    """Consume the queue until ``stop`` is set or a termination signal arrives.

    Args:
        settings: broker, stores, back ends and the ``worker`` section.
        threads: worker threads (default ``settings.worker.threads``).
        shutdown_timeout_s: how long running jobs may take to finish on shutdown.
        stop: an event that ends the loop (tests); signals set it too in the main thread.

    Raises:
        ConfigError: no broker URL (the embedded default has no separate worker), or bad settings.
        TransientError: the stores are unreachable at start.
    """
    if not settings.broker_url:
        raise ConfigError("SOHOA_BROKER_URL is not set: without a broker, jobs run in the command itself")
    runtime = LazyRuntime(settings)
    runtime()  # open the stores now: a misconfigured worker should fail at start, not on its first job
    broker = make_broker(settings)
    declare_actors(broker, settings, runtime)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _setter(stop))
    broker.emit_after("process_boot")
    worker = Worker(broker, queues={settings.worker.queue}, worker_threads=threads or settings.worker.threads,
                    worker_timeout=500)
    worker.start()
    log.info("worker consuming %s with %d threads", settings.worker.queue, worker.worker_threads)
    try:
        stop.wait()
    finally:
        log.info("worker stopping")
        worker.stop(timeout=int(shutdown_timeout_s * 1000))
        broker.emit_before("process_stop")
        broker.close()
        runtime.close()


def _setter(stop: threading.Event) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    return handler
