"""Checks of uploaded files before anything is stored, and handing the new components to the workers."""

from __future__ import annotations

from api._services import ApiServices
from api._upload import SpooledFile
from schemas.settings import Settings
from store import Uploaded, content_type_of


def check_files(settings: Settings, files: list[SpooledFile]) -> list[str]:
    """Refuse any file the pipeline would refuse at once; returns each file's type from its bytes.

    The type is sniffed from the bytes (never the name: the file is checked under a
    neutral name), the size and page count limits of ingest apply, and an encrypted
    or broken PDF is refused here rather than after it was stored.

    Raises:
        InputError: ``empty_file``, ``unsupported_type``, ``corrupt_pdf``, ``encrypted_pdf`` …
        LimitExceeded: ``file_too_large``, ``too_many_pages``, ``image_too_large``.
    """
    from pipeline.ingest import count_pages

    for spooled in files:
        count_pages(spooled.source, name="upload", cfg=settings.ingest)
    return [content_type_of(spooled.head) for spooled in files]


def dispatch_all(services: ApiServices, taken: list[Uploaded]) -> None:
    """Hand every new (or still waiting) component to the workers."""
    for upload in taken:
        if upload.created or upload.component.status == "pending":
            services.dispatcher.digitize(upload.component.id)
            services.metrics.jobs.labels("digitize").inc()
