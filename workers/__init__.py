"""Dramatiq actors that wire the pipeline to the store: broker set-up, retries, idempotency.

Nothing is built at import time: :func:`make_broker` configures the broker from
the settings, then :func:`declare_actors` declares the actors on it. Producers
use :func:`open_dispatcher` (RabbitMQ, or inline jobs when no broker is set);
``sohoa worker`` runs :func:`run_worker`, which in development also keeps the
development PKI's TSA/OCSP answering (:class:`DevPkiGuard`) and now and then
takes up components whose job was lost (:func:`sweep_stuck`, also ``sohoa sweep``).
Result jobs (:func:`sign_result_job`) sign the resolution system's PDFs; their
callbacks (:func:`deliver_callback`) are signed with HMAC-SHA256 and retried. Dossiers are synced to
the national portal by :func:`sync_portal` (``sohoa portal sync``, and the worker every ``portal.interval_s``).
"""

from workers._actors import (
    CALLBACK,
    CERTIFY_COPY,
    DIGITIZE,
    PORTAL_SYNC,
    SIGN,
    SIGN_RESULT,
    Actors,
    declare_actors,
    should_retry,
)
from workers._broker import make_broker
from workers._callbacks import SIGNATURE_HEADER, check_callback_url, deliver_callback, sign_body, verify_signature
from workers._devpki import DevPkiGuard, dev_pki_services, needs_dev_pki
from workers._dispatch import BackgroundDispatcher, Dispatcher, InlineDispatcher, QueueDispatcher, open_dispatcher
from workers._fakes import FakeDigitizer, FakeSigner, fake_scan
from workers._ingest import ingest_files, report, wait_for
from workers._portal import PortalClient, SyncReport, portal_password, sync_configured, sync_portal
from workers._results import sign_result_job
from workers._runtime import LazyRuntime, Runtime, close_signer, make_digitizer, make_signer
from workers._seams import DigitizeOutput, Digitizer, PdfSigner, SignedPdf, SignRole
from workers._sweep import SweepOutcome, max_attempts, stale_after_s, sweep_stuck
from workers._tasks import certify_copy, digitize_component, sign_document
from workers._worker import run_worker

__all__ = [
    "CALLBACK",
    "CERTIFY_COPY",
    "DIGITIZE",
    "PORTAL_SYNC",
    "SIGN",
    "SIGNATURE_HEADER",
    "SIGN_RESULT",
    "Actors",
    "BackgroundDispatcher",
    "DevPkiGuard",
    "DigitizeOutput",
    "Digitizer",
    "Dispatcher",
    "FakeDigitizer",
    "FakeSigner",
    "InlineDispatcher",
    "LazyRuntime",
    "PdfSigner",
    "PortalClient",
    "QueueDispatcher",
    "Runtime",
    "SignRole",
    "SignedPdf",
    "SweepOutcome",
    "SyncReport",
    "certify_copy",
    "check_callback_url",
    "close_signer",
    "declare_actors",
    "deliver_callback",
    "dev_pki_services",
    "digitize_component",
    "fake_scan",
    "ingest_files",
    "make_broker",
    "make_digitizer",
    "make_signer",
    "max_attempts",
    "needs_dev_pki",
    "open_dispatcher",
    "portal_password",
    "report",
    "run_worker",
    "should_retry",
    "sign_body",
    "sign_document",
    "sign_result_job",
    "stale_after_s",
    "sweep_stuck",
    "sync_configured",
    "sync_portal",
    "verify_signature",
    "wait_for",
]
