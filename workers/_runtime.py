"""What a worker process holds once: settings, the object store, the records store, digitizer, signer.

The back ends are chosen by name from a small registry (``SOHOA_WORKER__DIGITIZER``,
``SOHOA_WORKER__SIGNER``: ``pipeline`` or ``fake``); the fakes are refused in production.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from schemas.errors import ConfigError, ErrorCode
from schemas.settings import Settings
from store.objects import ObjectStore, open_object_store
from store.records import RecordStore, open_records
from workers._population import CitizenRegistry, make_citizen_registry
from workers._seams import Digitizer, PdfSigner


def make_digitizer(settings: Settings) -> Digitizer:
    """The digitizer named by ``settings.worker.digitizer``."""
    name = settings.worker.digitizer
    _refuse_fake_in_production(settings, name, "SOHOA_WORKER__DIGITIZER")
    if name == "fake":
        from workers._fakes import FakeDigitizer

        return FakeDigitizer()
    from workers._adapters import PipelineDigitizer

    return PipelineDigitizer(settings)


def make_signer(settings: Settings) -> PdfSigner:
    """The PDF signer named by ``settings.worker.signer``."""
    name = settings.worker.signer
    _refuse_fake_in_production(settings, name, "SOHOA_WORKER__SIGNER")
    if name == "fake":
        from workers._fakes import FakeSigner

        return FakeSigner()
    from workers._adapters import PipelineSigner

    return PipelineSigner(settings)


def close_signer(signer: PdfSigner) -> None:
    """Release a signer's loaded keys and its timestamp client's session (a fake has none)."""
    close = getattr(signer, "close", None)
    if callable(close):
        close()


def _refuse_fake_in_production(settings: Settings, name: str, env: str) -> None:
    if name == "fake" and settings.environment == "production":
        raise ConfigError(f"{env}=fake is for tests; refused in production", code=ErrorCode.INSECURE_CONFIG)


@dataclass
class Runtime:
    """Everything a job needs, built once per process and shared by its threads.

    Attributes:
        settings: the process's settings.
        objects: the file store.
        records: the records store.
        digitizer: the pipeline seam.
        signer: the signing seam.
        citizen_registry: the population-data seam (``None`` when no registry is configured).
    """

    settings: Settings
    objects: ObjectStore
    records: RecordStore
    digitizer: Digitizer
    signer: PdfSigner
    #: the population registry extraction is cross-checked against; ``None``: no cross-check
    citizen_registry: CitizenRegistry | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        """Open the stores and choose the back ends the settings name.

        Raises:
            ConfigError: a fake back end in production, a schema behind the code.
            TransientError: the database or the S3 server is unreachable.
        """
        return cls(settings, open_object_store(settings), open_records(settings), make_digitizer(settings),
                   make_signer(settings), make_citizen_registry(settings))

    def close(self) -> None:
        """Release the database pool and any loaded signing keys."""
        self.records.close()
        close_signer(self.signer)


class LazyRuntime:
    """Builds the :class:`Runtime` on first use (thread-safe); retried if building failed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runtime: Runtime | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Runtime:
        with self._lock:
            if self._runtime is None:
                self._runtime = Runtime.from_settings(self.settings)
            return self._runtime

    def close(self) -> None:
        """Close the runtime if it was built."""
        with self._lock:
            if self._runtime is not None:
                self._runtime.close()
                self._runtime = None
