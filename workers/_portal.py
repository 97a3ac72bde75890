"""Syncing dossiers to the National Public Service Portal: the adapter, and the loop that drains the outbox.

The adapter speaks the portal's HTTP interface as configured (``portal`` settings):
``POST {url}/login`` ``{username, password}`` → ``{error_code, session}``; ``POST
{url}/hoso`` (new dossiers) and ``POST {url}/hoso/capnhat`` (updates) with ``{session,
data: [HoSoDongBoDVC …]}`` → ``{error_code, message, result: [{MaHoSo, error_code,
message}]}``. ``error_code == "0"`` is success; ``"2"`` on a post means the dossier
already exists (it is then posted to the update service), ``"3"`` on an update that
it does not (posted next time), ``"401"`` that the session ended (log in again once).
Anything else, a timeout or a 5xx fails the dossiers of that call, which are retried
with backoff; every answer is kept (``portal_attempts``).

These paths and codes are this adapter's, shaped on the portal's sync service (a session
from a login, batches of records, ``error_code`` ``"0"`` for success); they live here
alone, so a province maps them to the portal's current specification in this module.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from schemas.errors import ConfigError, ErrorCode, TransientError
from schemas.settings import PortalSettings, Settings
from store.records import (
    SYSTEM_WORKER,
    PortalJob,
    PortalOutcome,
    RecordStore,
    claim_due,
    next_due,
    record_outcomes,
    refresh_outbox,
    sync_counts,
)
from store.records._models import utcnow

log = logging.getLogger(__name__)

OK = "0"
EXISTS = "2"
UNKNOWN = "3"
SESSION_ENDED = "401"
#: the password used in development when ``SOHOA_PORTAL__PASSWORD`` is unset (refused elsewhere by check_secure)
DEV_PORTAL_PASSWORD = "sohoa-development-portal"


@dataclass(frozen=True)
class Answer:
    """One call's answer: the whole call's code, and each dossier's (by ``MaHoSo``)."""

    error_code: str
    message: str | None
    items: dict[str, dict[str, Any]]
    http_status: int | None
    duration_ms: int
    body: dict[str, Any] | None


class PortalClient:
    """The portal adapter: a logged-in session, a post and an update service.

    Args:
        cfg: the ``portal`` settings (URL, account, timeout).
        password: the account's password.
        transport: an ``httpx`` transport (tests).
    """

    def __init__(self, cfg: PortalSettings, password: str, *, transport: httpx.BaseTransport | None = None) -> None:
        if not cfg.url:
            raise ConfigError("SOHOA_PORTAL__URL is not set: no portal to sync to")
        self.cfg = cfg
        self._password = password
        self._http = httpx.Client(base_url=cfg.url.rstrip("/"), timeout=cfg.timeout_s, transport=transport,
                                  follow_redirects=False)
        self._session: str | None = None

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _post(self, path: str, body: dict[str, Any]) -> Answer:
        started = time.monotonic()
        try:
            r = self._http.post(path, json=body)
        except httpx.HTTPError as e:
            raise TransientError(f"the portal did not answer: {e!r}", code=ErrorCode.PORTAL_UNAVAILABLE) from e
        took = int((time.monotonic() - started) * 1000)
        try:
            data = r.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return Answer(f"http_{r.status_code}", r.text[:500] or None, {}, r.status_code, took, None)
        items = {str(i.get("MaHoSo")): i for i in data.get("result") or [] if isinstance(i, dict)}
        return Answer(str(data.get("error_code", f"http_{r.status_code}")), data.get("message"), items,
                      r.status_code, took, data)

    def login(self) -> str:
        """Log in for a session.

        Raises:
            TransientError: the portal did not answer or refused the account.
        """
        answer = self._post("/login", {"username": self.cfg.username, "password": self._password})
        session = (answer.body or {}).get("session")
        if answer.error_code != OK or not isinstance(session, str):
            raise TransientError(f"the portal refused the login: {answer.error_code} {answer.message}",
                                 code=ErrorCode.PORTAL_UNAVAILABLE, detail={"error_code": answer.error_code})
        self._session = session
        return session

    def send(self, service: str, records: list[dict[str, Any]]) -> Answer:
        """Post records to ``post`` (new dossiers) or ``update``; logs in first, and again once if the session ended.

        Raises:
            TransientError: no answer, or the login was refused.
        """
        path = "/hoso" if service == "post" else "/hoso/capnhat"
        for again in (False, True):
            session = self._session if self._session and not again else self.login()
            answer = self._post(path, {"session": session, "data": records})
            if answer.error_code != SESSION_ENDED:
                return answer
            self._session = None
        return answer


def portal_password(settings: Settings) -> str:
    """The portal account's password (the development one only in development)."""
    secret = settings.portal.password
    if secret is not None:
        return secret.get_secret_value()
    if settings.environment != "development":
        raise ConfigError("SOHOA_PORTAL__PASSWORD is not set", code=ErrorCode.INSECURE_CONFIG)
    return DEV_PORTAL_PASSWORD


@dataclass
class SyncReport:
    """What a sync did: calls made, dossiers taken as new or as updates, failures, and what is left."""

    calls: int = 0
    posted: int = 0
    updated: int = 0
    failed: int = 0
    remaining: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def failure(self, code: str | None, n: int = 1) -> None:
        """Count ``n`` failures of ``code``."""
        self.failed += n
        self.errors[code or "?"] = self.errors.get(code or "?", 0) + n


def _outcomes(service: str, jobs: list[PortalJob], answer: Answer | None, error: TransientError | None,
              report: SyncReport) -> list[PortalOutcome]:
    report.calls += 1
    if answer is None or answer.error_code != OK:
        code = error.code if error is not None else (answer.error_code if answer else None)
        message = error.message if error is not None else (answer.message if answer else None)
        whole = {"error_code": str(code), "message": message}
        report.failure(str(code), len(jobs))
        return [PortalOutcome(j, service, False, str(code), message, answer.body if answer else whole,
                              answer.http_status if answer else None, answer.duration_ms if answer else 0)
                for j in jobs]
    out = []
    for job in jobs:
        item = answer.items.get(job.ma_ho_so)
        code = str(item.get("error_code")) if item else "no_answer"
        message = item.get("message") if item else "the answer did not name this dossier"
        ok = code == OK
        exists = service == "post" and code == EXISTS
        if ok:
            report.posted += service == "post"
            report.updated += service == "update"
        elif not exists:
            report.failure(code)
        out.append(PortalOutcome(job, service, ok, code, message, item or answer.body, answer.http_status,
                                 answer.duration_ms, exists=exists, unknown=service == "update" and code == UNKNOWN))
    return out


def _call(client: PortalClient, service: str, jobs: list[PortalJob],
          report: SyncReport) -> list[PortalOutcome]:
    try:
        answer = client.send(service, [j.record for j in jobs])
    except TransientError as e:
        log.warning("portal %s of %d dossiers failed: %s", service, len(jobs), e.message)
        return _outcomes(service, jobs, None, e, report)
    return _outcomes(service, jobs, answer, None, report)


def send_batch(records: RecordStore, client: PortalClient, jobs: list[PortalJob], cfg: PortalSettings,
               report: SyncReport) -> None:
    """Post the new dossiers, then update the known ones and those the portal said it already has."""
    new = [j for j in jobs if not j.on_portal]
    known = [j for j in jobs if j.on_portal]
    if new:
        outcomes = _call(client, "post", new, report)
        with records.transaction() as s:
            again = record_outcomes(s, outcomes, cfg, by=SYSTEM_WORKER)
        # "already exists" with the very record sent before without an answer: taken, nothing to repeat
        report.posted += sum(o.exists for o in outcomes) - len(again)
        known += again
    if known:
        outcomes = _call(client, "update", known, report)
        with records.transaction() as s:
            record_outcomes(s, outcomes, cfg, by=SYSTEM_WORKER)


def take_outbox(records: RecordStore, cfg: PortalSettings) -> None:
    """Turn every outbox row into a record to send (in transactions of 500)."""
    while True:
        with records.transaction() as s:
            if refresh_outbox(s, base_url=cfg.public_base_url) < 500:
                return


def sync_round(records: RecordStore, client: PortalClient, cfg: PortalSettings, report: SyncReport, *,
               due_by: datetime | None = None) -> int:
    """Take the outbox in, then send one batch of dossiers due (by ``due_by``, default now); returns how many."""
    take_outbox(records, cfg)
    with records.transaction() as s:
        jobs = claim_due(s, limit=cfg.batch_size, lease_s=cfg.lease_s, due_by=due_by)
    if jobs:
        send_batch(records, client, jobs, cfg, report)
    return len(jobs)


def sync_portal(records: RecordStore, client: PortalClient, cfg: PortalSettings, *, wait_s: float = 0.0,
                clock: Callable[[], datetime] = utcnow) -> SyncReport:
    """Send every dossier due now (each at most once); with ``wait_s``, keep going as retries fall due, for at most
    that long.

    Returns:
        The report; ``remaining`` counts dossiers not yet taken by the portal when it stopped.
    """
    report = SyncReport()
    deadline = time.monotonic() + wait_s
    take_outbox(records, cfg)
    started = clock()
    while True:
        if sync_round(records, client, cfg, report, due_by=None if wait_s else started):
            continue
        with records.transaction() as s:
            due = next_due(s)
        left = deadline - time.monotonic()
        if due is None or left <= 0:
            break
        time.sleep(min(max((due - clock()).total_seconds(), 0.02), left, 1.0))
    with records.transaction() as s:
        counts = sync_counts(s)
    report.remaining = counts.get("pending", 0) + counts.get("failing", 0) + counts.get("outbox", 0)
    return report


def sync_configured(records: RecordStore, settings: Settings, *, wait_s: float = 0.0) -> SyncReport:
    """Sync to the portal the settings name (``portal`` section), through a client opened for this pass.

    Raises:
        ConfigError: no portal URL, or no password outside development.
    """
    client = PortalClient(settings.portal, portal_password(settings))
    try:
        return sync_portal(records, client, settings.portal, wait_s=wait_s)
    finally:
        client.close()
