"""``GET /v1/stats``: the service index (Decision 766/QĐ-TTg) for a period and an agency, and its gauges.

The same figures are exported to Prometheus by :class:`IndexCollector` (the last 30 days, every agency),
computed at most once a minute however often ``/metrics`` is scraped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from api._responses import errors
from api.deps import Caller, Services
from schemas.errors import InputError, SohoaError
from store.records import SYSTEM_WORKER, RecordStore, ServiceIndex, service_index
from store.records._stats import parse_bound

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["officer", "admin"])

When = Annotated[str | None, Query(max_length=40, examples=["2026-12-01"],
                                   description="a day (Asia/Ho_Chi_Minh) or an ISO 8601 time")]


@router.get("/stats", summary="The service index (digitized, electronic results, reuse, speed, corrections)",
            responses=errors(422))
def stats(services: Services, by: Caller, from_: Annotated[When, Query(alias="from")] = None, to: When = None,
          agency: Annotated[str | None, Query(max_length=35, examples=["000.00.15.H55"])] = None) -> dict[str, Any]:
    """Figures for dossiers and components taken in from ``from`` (inclusive) to ``to`` (a day: inclusive).

    An officer sees the agencies they act for (their only one by default); an administrator any, or
    all together without ``agency``."""
    start, end = parse_bound(from_, end=False), parse_bound(to, end=True)
    if start is not None and end is not None and end <= start:
        raise InputError("`to` must come after `from`", detail={"from": from_, "to": to})
    with services.store.records.read_transaction() as s:
        return service_index(s, by, start=start, end=end, agency=agency).to_json()


class IndexCollector(Collector):
    """Prometheus gauges of the service index over the last ``days`` days, every agency."""

    def __init__(self, records: RecordStore, *, days: int = 30, ttl_s: float = 60.0) -> None:
        self.records, self.days, self.ttl_s = records, days, ttl_s
        self._lock = threading.Lock()
        self._cached: tuple[float, ServiceIndex] | None = None

    def _index(self) -> ServiceIndex | None:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self.ttl_s:
                start = datetime.now(UTC) - timedelta(days=self.days)
                try:
                    with self.records.read_transaction() as s:
                        self._cached = (time.monotonic(), service_index(s, SYSTEM_WORKER, start=start))
                except SohoaError as e:  # the database is down: /metrics still answers, without these
                    log.warning("service index not computed: %s", e)
                    return None
            return self._cached[1]

    def describe(self) -> list[GaugeMetricFamily]:
        """Nothing up front: registering must not query the database (it may not be migrated yet)."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        index = self._index()
        if index is None:
            return
        span = f" (last {self.days} days)"
        for name, doc, value in (
            ("sohoa_index_dossiers_digitized_ratio", "Dossiers with a digitized component", index.digitized_share),
            ("sohoa_index_results_electronic_ratio", "Result jobs ended signed electronically",
             index.electronic_share),
            ("sohoa_index_components_reused_ratio", "Components reused from the Kho", index.reuse_rate),
        ):
            if value is not None:
                yield GaugeMetricFamily(name, doc + span, value=value)
        yield GaugeMetricFamily("sohoa_index_components_per_day", "Components taken in per day" + span,
                                value=index.components / self.days)
        quantiles = GaugeMetricFamily("sohoa_index_upload_to_done_seconds", "Upload to done" + span,
                                      labels=["quantile"])
        for q, seconds in (("0.5", index.p50_s), ("0.95", index.p95_s)):
            if seconds is not None:
                quantiles.add_metric([q], seconds)
        yield quantiles
        corrected = GaugeMetricFamily("sohoa_index_field_corrected_ratio",
                                      "Documents whose field an officer corrected" + span, labels=["doc_type", "field"])
        for c in index.corrections:
            corrected.add_metric([c.doc_type, c.field], c.share)
        yield corrected
