"""The store as one object (files + records), and the high-level steps every caller shares.

:meth:`Store.upload_component` is the intake step of ``sohoa ingest`` (and of
the API later): the file goes up under its SHA-256, then the citizen, dossier
and a pending component are recorded together. :meth:`Store.keep_digitized`
is what ``sohoa demo`` calls to keep a result it digitized in-process, through
the same records path the workers use. Both check, under the object claim and
after writing their rows, that the files they refer to are still there (a sweep
for orphans may have taken a file whose upload was skipped because it was there).
"""

from __future__ import annotations

import hashlib
import mimetypes
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from schemas.documents import DigitizeResult
from schemas.errors import ConflictError, ErrorCode, InputError
from schemas.settings import Settings
from store._puts import Puts, Source
from store.objects import Bucket, ObjectStore, S3ObjectStore, StoredObject, StreamedPut, content_key, open_object_store
from store.objects._base import sha256_file
from store.records import (
    SYSTEM_WORKER,
    ComponentView,
    DocumentView,
    DuplicateHit,
    Principal,
    RecordStore,
    SignatureInput,
    add_component,
    begin_processing,
    claim_objects,
    complete_component,
    ensure_citizen,
    ensure_dossier,
    find_duplicates,
    list_documents,
    open_records,
)
from store.records._intake import check_codes, check_owner_id

_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"))
#: how many first bytes tell a file's type (the longest magic above is 8)
TYPE_BYTES = 16
#: the types an upload may be (what the check lets through)
_TAKEN = frozenset(kind for _magic, kind in _MAGIC)


def content_type_of(source: Path | bytes) -> str:
    """The MIME type from a file's first bytes (given, or read from the file; its name only as a fallback)."""
    if isinstance(source, bytes):
        head = source[:TYPE_BYTES]
    else:
        with source.open("rb") as fh:
            head = fh.read(TYPE_BYTES)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    fallback = mimetypes.guess_type(source.name)[0] if isinstance(source, Path) else None
    return fallback or "application/octet-stream"


def _digest_of(source: Source) -> tuple[str, int]:
    """SHA-256 and size of a file handed in."""
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest(), len(source)
    return sha256_file(source)


@dataclass(frozen=True)
class Uploaded:
    """A file taken in: its component, whether it is new, and what the store already holds like it."""

    component: ComponentView
    created: bool
    duplicates: tuple[DuplicateHit, ...]


@dataclass
class Store:
    """The per-citizen store: files by SHA-256 and the records about them."""

    objects: ObjectStore
    records: RecordStore

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """The store the settings name (embedded folder + SQLite when no service is configured)."""
        return cls(open_object_store(settings), open_records(settings))

    def close(self) -> None:
        """Release the database pool."""
        self.records.close()

    def upload_component(
        self, path: Path, *, citizen: str, by: Principal, dossier: str | None = None,
        procedure: str | None = None, name: str | None = None,
    ) -> Uploaded:
        """Upload a file (streamed; multipart on S3) and record it as a pending component.

        Raises:
            InputError: a bad id, dossier or procedure code, or an empty file (checked before upload).
            ConflictError: the dossier belongs to someone else or to another procedure.
            TransientError: S3 or the database is unreachable.
        """
        check_owner_id(citizen)
        check_codes(dossier, procedure)
        if path.stat().st_size == 0:
            raise InputError("the file is empty", code=ErrorCode.EMPTY_FILE, detail={"file": str(path)})
        kind = content_type_of(path)
        stored = self.objects.put_file(Bucket.SCANS, path, content_type=kind, owner=citizen)
        with self.records.transaction() as session:
            claim_objects(session)
            owner = ensure_citizen(session, by, citizen)
            folder = ensure_dossier(session, by, owner, dossier, procedure) if dossier else None
            component, created = add_component(session, by, citizen=owner, dossier=folder,
                                               file_name=name or path.name, scan=stored)
            seen = find_duplicates(session, by, citizen, sha256=stored.sha256)
            if not self.objects.exists(Bucket.SCANS, stored.key):  # swept as an orphan since the upload skipped it
                self.objects.put_file(Bucket.SCANS, path, content_type=kind, owner=citizen)
        return Uploaded(component, created, tuple(seen))

    def start_puts(self, files: list[tuple[Source, str]], *, digests: list[tuple[str, int]], owner: str,
                   streams: list[StreamedPut | None] | None = None) -> Puts:
        """Start putting an upload's files (see :class:`Puts`) before :meth:`upload_components` opens its
        transaction, so the put overlaps all of the records' work; hand the result to it, and leave the
        ``with`` block only after it returned (or failed). ``streams``: the files already going up while
        they arrived (:meth:`open_stream`), which only need their last chunk."""
        return Puts(self.objects, files, digests=digests, owner=owner, streams=streams)

    def open_stream(self, sha: str, size: int, *, head: bytes, owner: str) -> StreamedPut | None:
        """Start putting a scan whose SHA-256 and size its sender declared, while its bytes still arrive.

        ``None`` when it cannot go that way, and the file goes up the usual way once received: the
        object store cannot stream (a local folder), the file needs more than one request, or its
        first bytes are not those of a PDF, PNG, JPEG or TIFF (the check refuses most such files, and
        then nothing was sent; the few other types it takes go up once received).
        The caller must abort the put unless the bytes match the declaration and pass the check.
        """
        kind = content_type_of(head)
        if not isinstance(self.objects, S3ObjectStore) or size > self.objects.part_size or kind not in _TAKEN:
            return None
        return self.objects.open_put(Bucket.SCANS, sha, size, content_type=kind, owner=owner)

    def upload_components(
        self, files: list[tuple[Source, str, str]], *, dossier: str, by: Principal,
        digests: list[tuple[str, int]] | None = None, puts: Puts | None = None,
    ) -> list[Uploaded]:
        """Take several files in for a dossier at once: the files go up while one transaction records them all.

        The records are written while the files go up, and committed only once every file is in
        the store: either every file becomes a component or none does (a failure leaves at most
        files that no record refers to, which the orphan sweep removes). Each file is put anew,
        even when the same bytes are stored already: no HEAD request first, and a file just put is
        younger than the sweep's grace period, so no sweep can take it before the records commit.

        Args:
            files: (bytes or path, name shown to people, content type from the bytes) of each file.
            dossier: the dossier code; the files go to the store of its citizen.
            by: who hands them in (an officer of the dossier's agency).
            digests: each file's (SHA-256, size) when the caller hashed them already.
            puts: the files' puts, when the caller started them (:meth:`start_puts`, for the dossier's
                citizen, once it was allowed to hand files in); else they start here, once ``by`` is.

        Raises:
            NotFoundError: no such dossier.
            AccessDenied: not an officer of the dossier's agency.
            ConflictError: ``puts`` went to another citizen's store than the dossier's.
            TransientError: S3 or the database is unreachable.
        """
        from store.records._access import check_dossier, find_dossier_of_citizen
        from store.records._reuse import duplicates_in_store

        sums = digests or [_digest_of(source) for source, _name, _kind in files]
        taken: list[Uploaded] = []
        with self.records.transaction() as session, ExitStack() as stack:
            claim_objects(session)
            folder, owner = find_dossier_of_citizen(session, dossier)
            check_dossier(by, folder, write=True)  # refused before a byte goes up (when the puts start here)
            if puts is None:
                puts = stack.enter_context(self.start_puts([(source, kind) for source, _name, kind in files],
                                                           digests=sums, owner=owner.ma_dinh_danh))
            elif puts.owner != owner.ma_dinh_danh:
                raise ConflictError("the files went to another citizen's store than the dossier's",
                                    detail={"ma_ho_so": dossier})
            for (_source, name, kind), (sha, size) in zip(files, sums, strict=True):
                scan = StoredObject(Bucket.SCANS, content_key(sha), sha, size, kind, owner.ma_dinh_danh)
                component, created = add_component(session, by, citizen=owner, dossier=folder, file_name=name,
                                                   scan=scan)
                # ``by`` may add to a dossier of this citizen: it reads the citizen's whole store (as
                # find_duplicates would read the citizen and their dossiers again to tell)
                seen = duplicates_in_store(session, by, owner.ma_dinh_danh, sha256=sha,
                                           exclude=component.document_ids)
                taken.append(Uploaded(component, created, tuple(seen)))
            puts.wait()  # the records commit only once every file is in the store
        return taken

    def keep_digitized(
        self, result: DigitizeResult, *, scan: bytes, citizen: str, by: Principal,
        searchable_pdf: bytes | None = None, signature: SignatureInput | None = None,
        dossier: str | None = None, procedure: str | None = None,
    ) -> list[DocumentView]:
        """Keep a result digitized in this process (``sohoa demo``): files up, records in, as a worker would.

        Returns:
            the documents made (one per document found in the file).
        """
        stored = self.objects.put_bytes(Bucket.SCANS, scan, content_type="application/octet-stream",
                                        owner=citizen)
        pdf_key = None
        if searchable_pdf is not None:
            pdf_key = self.objects.put_bytes(Bucket.DOCUMENTS, searchable_pdf, content_type="application/pdf",
                                             owner=citizen).key
        with self.records.transaction() as session:
            claim_objects(session)
            owner = ensure_citizen(session, by, citizen)
            folder = ensure_dossier(session, by, owner, dossier, procedure) if dossier else None
            component, _ = add_component(session, by, citizen=owner, dossier=folder, file_name=result.file,
                                         scan=stored)
            # the digitizing itself was done here, as a worker would (the component names ``by``)
            begin_processing(session, SYSTEM_WORKER, component.id)
            ids = complete_component(session, SYSTEM_WORKER, component.id, result, searchable_pdf_key=pdf_key,
                                     signature=signature)
            self._put_back_if_swept(stored.key, scan, citizen, Bucket.SCANS, "application/octet-stream")
            if pdf_key is not None and searchable_pdf is not None:
                self._put_back_if_swept(pdf_key, searchable_pdf, citizen, Bucket.DOCUMENTS, "application/pdf")
            return [d for d in list_documents(session, by, citizen, all_versions=True) if d.id in ids]

    def _put_back_if_swept(self, key: str, data: bytes, owner: str, bucket: Bucket, content_type: str) -> None:
        """Called in a transaction holding the object claim, after its rows are written."""
        if not self.objects.exists(bucket, key):
            self.objects.put_bytes(bucket, data, content_type=content_type, owner=owner)

    def documents_of(self, citizen: str, *, by: Principal) -> list[DocumentView]:
        """A citizen's current documents, newest first (the read is audited)."""
        with self.records.transaction() as session:
            return list_documents(session, by, citizen)


def open_store(settings: Settings) -> Store:
    """The store the settings name; see :meth:`Store.open`."""
    return Store.open(settings)
