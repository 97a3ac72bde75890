"""The broker, configured from the settings before any actor is declared (STYLE.md §9).

RabbitMQ when ``SOHOA_BROKER_URL`` is set (production, tests), else Dramatiq's
in-process ``StubBroker`` (the embedded default). Retries with exponential
backoff and per-actor time limits come from the ``worker`` settings.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from schemas.settings import Settings


def _middleware(settings: Settings) -> list[Middleware]:
    cfg = settings.worker
    return [
        AgeLimit(),
        TimeLimit(time_limit=int(cfg.digitize_time_limit_s * 1000), interval=500),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=cfg.max_retries, min_backoff=cfg.min_backoff_ms, max_backoff=cfg.max_backoff_ms),
        CurrentMessage(),
    ]


def make_broker(settings: Settings, *, set_global: bool = True) -> dramatiq.Broker:
    """A broker for the settings; also made Dramatiq's global broker unless told otherwise.

    Args:
        settings: ``broker_url`` and the ``worker`` section.
        set_global: call ``dramatiq.set_broker`` (what ``dramatiq`` tooling expects).
    """
    broker: dramatiq.Broker
    if settings.broker_url:
        # confirm_delivery: an enqueue returns only once RabbitMQ holds the message
        broker = RabbitmqBroker(url=settings.broker_url, confirm_delivery=True,
                                middleware=_middleware(settings))
    else:
        broker = StubBroker(middleware=_middleware(settings))
    if set_global:
        dramatiq.set_broker(broker)
    return broker
