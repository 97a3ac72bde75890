"""Checks of uploaded files before anything is stored, taking them in, and handing the new components to the workers."""

from __future__ import annotations

from api._services import ApiServices
from api._upload import SpooledFile
from schemas.settings import Settings
from store import Uploaded, content_type_of
from store.records import Principal


def take_in(services: ApiServices, files: list[SpooledFile], *, dossier: str, owner: str,
            by: Principal) -> list[Uploaded]:
    """Check an upload's files, store them as components of the dossier, and hand them to the workers.

    One call in one worker thread, each step as soon as the one before it allows: the
    files start going up once they pass the check (a refused file never goes up; a file
    streamed while it arrived sends its held-back last chunk only then), the
    records are written while they go up and commit once they are in (see
    :meth:`store.Store.upload_components`), and the workers hear of them after the commit.

    Args:
        services: the API's store, settings and dispatcher.
        files: the files of the request, in memory or spooled to disk.
        dossier: the dossier code.
        owner: the ``so_dinh_danh`` of the dossier's citizen, as the access check read it.
        by: the officer handing them in.

    Raises:
        InputError, LimitExceeded: as :func:`check_files`.
        TransientError: S3, the database or the broker is unreachable.
    """
    kinds = check_files(services.settings, files)
    digests = [(f.sha256, f.size) for f in files]
    with services.store.start_puts([(f.source, k) for f, k in zip(files, kinds, strict=True)], digests=digests,
                                   owner=owner, streams=[f.stream for f in files]) as puts:
        taken = services.store.upload_components([(f.source, f.name, k) for f, k in zip(files, kinds, strict=True)],
                                                 dossier=dossier, by=by, digests=digests, puts=puts)
    services.metrics.uploaded.inc(sum(f.size for f in files))
    dispatch_all(services, taken)
    return taken


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
