"""Calling the resolution system back when a result job ends: allowed addresses only, signed, every try kept.

The body is JSON (:meth:`ResultJobView.callback_body`); the headers carry an
HMAC-SHA256 signature over ``"{timestamp}.{body}"`` (``X-Sohoa-Signature:
t=…,v1=…``, the timestamp again in ``X-Sohoa-Timestamp``), so a receiver can check
the sender and refuse replays, and ``X-Sohoa-Delivery`` (the job id) to drop a
repeat. Redirects are not followed. A call that fails or times out is retried
with backoff up to ``callbacks.max_attempts``; the URL is checked against the
allow-list when the job is accepted and again before every call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlsplit

import httpx

from schemas.errors import ConfigError, ErrorCode, InputError, TransientError
from schemas.settings import CallbackSettings, Settings
from store.records import SYSTEM_WORKER, Principal, callback_due, record_callback_attempt
from workers._runtime import Runtime

log = logging.getLogger(__name__)

#: the key used in development when ``SOHOA_CALLBACKS__SECRET`` is unset (refused elsewhere by check_secure)
DEV_CALLBACK_SECRET = "sohoa-development-callback-secret-not-for-production"
SIGNATURE_HEADER = "X-Sohoa-Signature"
#: how an attempt that must not be tried again starts its error
_REFUSED = "refused: "


def check_callback_url(url: str, cfg: CallbackSettings) -> str:
    """The URL, when it is an http(s) address under one of the allowed prefixes.

    Raises:
        InputError: ``callback_not_allowed`` naming why.
    """
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise InputError("the callback URL must be a plain http(s) address", code=ErrorCode.CALLBACK_NOT_ALLOWED,
                         detail={"callback_url": url[:200]})
    for prefix in cfg.allow:
        allowed = urlsplit(prefix)
        same_origin = (parts.scheme, parts.hostname, parts.port) == (allowed.scheme, allowed.hostname, allowed.port)
        if same_origin and parts.path.startswith(allowed.path or "/"):
            return url
    raise InputError("the callback URL is not in the allow-list (SOHOA_CALLBACKS__ALLOW)",
                     code=ErrorCode.CALLBACK_NOT_ALLOWED, detail={"callback_url": url[:200]})


def callback_secret(settings: Settings) -> bytes:
    """The HMAC key of callbacks (the development key only in development)."""
    secret = settings.callbacks.secret
    if secret is not None:
        return secret.get_secret_value().encode()
    if settings.environment != "development":
        raise ConfigError("SOHOA_CALLBACKS__SECRET is not set", code=ErrorCode.INSECURE_CONFIG)
    return DEV_CALLBACK_SECRET.encode()


def sign_body(secret: bytes, body: bytes, timestamp: int) -> str:
    """The ``X-Sohoa-Signature`` value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``."""
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: bytes, body: bytes, header: str, *, tolerance_s: int = 300,
                     now: float | None = None) -> bool:
    """What a receiver does: check the signature and that the timestamp is recent."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        stamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - stamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign_body(secret, body, stamp), header)


def deliver_callback(rt: Runtime, job_id: str, *, final: bool, by: Principal = SYSTEM_WORKER) -> bool:
    """Call a job's callback once; ``True`` when delivered (or nothing is left to deliver).

    The job's row stays locked during the call, so two deliveries of the same message
    never both call. The attempt is recorded before anything is raised.

    Raises:
        TransientError: ``callback_failed`` when the call failed and a retry follows.
    """
    cfg = rt.settings.callbacks
    with rt.records.transaction() as session:
        job = callback_due(session, by, job_id)
        if job is None or job.callback_url is None:
            return True
        started = time.perf_counter()
        status, error = _call(rt.settings, job.callback_url, json.dumps(job.callback_body()).encode(), job_id)
        delivered = status is not None and 200 <= status < 300
        not_allowed = error is not None and error.startswith(_REFUSED)
        number = record_callback_attempt(session, by, job_id, status_code=status, error=error,
                                         duration_ms=int((time.perf_counter() - started) * 1000),
                                         delivered=delivered, final=final or not_allowed)
    if delivered:
        log.info("callback of job %s delivered (attempt %d, HTTP %s)", job_id, number, status)
        return True
    log.warning("callback of job %s failed (attempt %d of %d): %s", job_id, number, cfg.max_attempts,
                error or f"HTTP {status}")
    if final or not_allowed:
        return False
    raise TransientError("the callback failed; it will be tried again", code=ErrorCode.CALLBACK_FAILED,
                         detail={"job_id": job_id, "attempt": number})


def _call(settings: Settings, url: str, body: bytes, job_id: str) -> tuple[int | None, str | None]:
    cfg = settings.callbacks
    try:
        check_callback_url(url, cfg)
        stamp = int(time.time())
        signature = sign_body(callback_secret(settings), body, stamp)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature, "X-Sohoa-Timestamp": str(stamp),
                   "X-Sohoa-Delivery": job_id, "User-Agent": "sohoa-callback/1"}
        response = httpx.post(url, content=body, headers=headers, timeout=cfg.timeout_s, follow_redirects=False)
    except (InputError, ConfigError) as e:
        return None, f"{_REFUSED}{e.message}"
    except httpx.TimeoutException:
        return None, f"timed out after {cfg.timeout_s:g} s"
    except httpx.HTTPError as e:
        return None, f"{type(e).__name__}: {e}"
    return response.status_code, None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
