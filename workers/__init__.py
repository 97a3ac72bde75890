"""Dramatiq actors that wire the pipeline to the store: broker set-up, retries, idempotency.

Nothing is built at import time: :func:`make_broker` configures the broker from
the settings, then :func:`declare_actors` declares the actors on it. Producers
use :func:`open_dispatcher` (RabbitMQ, or inline jobs when no broker is set);
``sohoa worker`` runs :func:`run_worker`, which in development also keeps the
development PKI's TSA/OCSP answering (:class:`DevPkiGuard`) and now and then
takes up components whose job was lost (:func:`sweep_stuck`, also ``sohoa sweep``).
"""

from workers._actors import CERTIFY_COPY, DIGITIZE, SIGN, Actors, declare_actors, should_retry
from workers._broker import make_broker
from workers._devpki import DevPkiGuard, dev_pki_services, needs_dev_pki
from workers._dispatch import Dispatcher, InlineDispatcher, QueueDispatcher, open_dispatcher
from workers._fakes import FakeDigitizer, FakeSigner, fake_scan
from workers._ingest import ingest_files, report, wait_for
from workers._runtime import LazyRuntime, Runtime, make_digitizer, make_signer
from workers._seams import DigitizeOutput, Digitizer, PdfSigner, SignedPdf, SignRole
from workers._sweep import SweepOutcome, max_attempts, stale_after_s, sweep_stuck
from workers._tasks import certify_copy, digitize_component, sign_document
from workers._worker import run_worker

__all__ = [
    "CERTIFY_COPY",
    "DIGITIZE",
    "SIGN",
    "Actors",
    "DevPkiGuard",
    "DigitizeOutput",
    "Digitizer",
    "Dispatcher",
    "FakeDigitizer",
    "FakeSigner",
    "InlineDispatcher",
    "LazyRuntime",
    "PdfSigner",
    "QueueDispatcher",
    "Runtime",
    "SignRole",
    "SignedPdf",
    "SweepOutcome",
    "certify_copy",
    "declare_actors",
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
    "report",
    "run_worker",
    "should_retry",
    "sign_document",
    "stale_after_s",
    "sweep_stuck",
    "wait_for",
]
