"""Prometheus metrics of the API: requests by route and status, their latency, jobs dispatched.

Each app has its own registry (tests build many apps). With several uvicorn
workers each process counts its own requests; scrape each, or run one worker
per container (``docker compose --scale api=N``).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from store.records import RecordStore

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The API's instruments on a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("sohoa_http_requests_total", "HTTP requests served", ("method", "route", "status"),
                                registry=self.registry)
        self.latency = Histogram("sohoa_http_request_duration_seconds", "Time to serve an HTTP request",
                                 ("method", "route"), buckets=_BUCKETS, registry=self.registry)
        self.uploaded = Counter("sohoa_upload_bytes_total", "Bytes of files taken in", registry=self.registry)
        self.jobs = Counter("sohoa_jobs_dispatched_total", "Jobs handed to the workers", ("kind",),
                            registry=self.registry)
        self.denied = Counter("sohoa_auth_refusals_total", "Requests refused: no or bad token, forbidden, limited",
                              ("code",), registry=self.registry)
        self._index: Collector | None = None

    def watch_index(self, records: RecordStore) -> None:
        """Export the service index's gauges, read from ``records`` (once per app: a second call does nothing)."""
        from api._stats import IndexCollector

        if self._index is None:
            self._index = IndexCollector(records)
            self.registry.register(self._index)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text format."""
        return generate_latest(self.registry)
