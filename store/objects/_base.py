"""The object-store seam: buckets, content-addressed keys, and what a stored object carries.

Every file is addressed by its SHA-256 (``ab/cd/abcd…``): the same bytes always
land on the same key and different bytes never do, so nothing is overwritten in
place. The SHA-256, the content type and the owner travel with the object as
metadata, and every read is checked against the key before its bytes are used.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from schemas.errors import ErrorCode, InputError, SohoaError

_CHUNK = 1024 * 1024
_KEY_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/(?P<sha>[0-9a-f]{64})$")


class Bucket(StrEnum):
    """The three buckets; their physical names get the configured prefix (``sohoa-scans``)."""

    SCANS = "scans"  # what was scanned or uploaded at the counter, as received
    DOCUMENTS = "documents"  # searchable PDFs made from scans (signed by the digitizing officer)
    SIGNED = "signed"  # results and certified copies signed by the agency


@dataclass(frozen=True)
class StoredObject:
    """Where an object lives and what it is.

    Attributes:
        bucket: the logical bucket.
        key: the content-addressed key (``ab/cd/<sha256>``).
        sha256: hex SHA-256 of the bytes.
        size: length in bytes.
        content_type: MIME type given at upload.
        owner: the citizen's ``so_dinh_danh`` (or an organization's code), ``""`` if unknown.
        created: when the object was first stored, ``None`` when the back end does not say.
    """

    bucket: Bucket
    key: str
    sha256: str
    size: int
    content_type: str
    owner: str
    created: datetime | None = None


@dataclass(frozen=True)
class ListedObject:
    """An object as a bucket listing shows it (what a sweep needs).

    Attributes:
        key: the content-addressed key.
        size: length in bytes.
        modified: when it was stored.
    """

    key: str
    size: int
    modified: datetime


@runtime_checkable
class ObjectStore(Protocol):
    """Files kept by SHA-256, checked on every read. Implementations: local folder, S3/MinIO."""

    def ensure_buckets(self) -> None:
        """Create the buckets if missing (and turn versioning on where the back end has it)."""

    def put_bytes(self, bucket: Bucket, data: bytes, *, content_type: str, owner: str,
                  digest: tuple[str, int] | None = None, fresh: bool = False) -> StoredObject:
        """Store ``data``; storing the same bytes again is a no-op that returns the same key (``digest`` and
        ``fresh`` as for :meth:`put_file`: an upload kept in memory)."""

    def put_file(self, bucket: Bucket, path: Path, *, content_type: str, owner: str,
                 digest: tuple[str, int] | None = None, fresh: bool = False) -> StoredObject:
        """Store a file by streaming it (multipart on S3 for large files); ``digest``: its (SHA-256, size)
        when the caller already hashed it; ``fresh``: write it even when the key is there (no look first),
        so that the object is as young as this call and the orphan sweep's grace period covers it."""

    def get_bytes(self, bucket: Bucket, key: str) -> bytes:
        """The object's bytes, refused with ``integrity_error`` if they do not match the key."""

    def download(self, bucket: Bucket, key: str, dest: Path) -> StoredObject:
        """Stream the object into ``dest``; ``dest`` appears only if the SHA-256 matches."""

    def stat(self, bucket: Bucket, key: str) -> StoredObject:
        """The object's metadata without its bytes."""

    def exists(self, bucket: Bucket, key: str) -> bool:
        """Whether the object is there."""

    def presigned_url(self, bucket: Bucket, key: str, *, expiry_s: int | None = None) -> str:
        """A download URL valid for ``expiry_s`` seconds (the configured default when ``None``)."""

    def list_objects(self, bucket: Bucket) -> Iterator[ListedObject]:
        """Every object of ours in the bucket (content-addressed keys only), in no particular order."""

    def delete(self, bucket: Bucket, key: str) -> None:
        """Remove an object for good, every version of it: only for objects no record refers to (sweeps)."""


def content_key(sha256: str) -> str:
    """The key of the bytes with this SHA-256: ``ab/cd/<sha256>`` (spreads objects over folders)."""
    sha = sha256.lower()
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise InputError("not a SHA-256 hex digest", detail={"sha256": sha256})
    return f"{sha[:2]}/{sha[2:4]}/{sha}"


def is_content_key(key: str) -> bool:
    """Whether ``key`` is one of ours (``ab/cd/<sha256>``)."""
    return _KEY_RE.match(key) is not None


def sha_of_key(key: str) -> str:
    """The SHA-256 a content-addressed key promises.

    Raises:
        InputError: the key is not one of ours (``invalid_value``).
    """
    m = _KEY_RE.match(key)
    if not m:
        raise InputError("not a content-addressed object key", detail={"key": key})
    return m["sha"]


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 hex and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def integrity_error(bucket: Bucket, key: str, actual: str) -> SohoaError:
    """The error for bytes that no longer match their key (changed behind our back)."""
    return SohoaError(
        "stored bytes do not match their SHA-256; the object was changed outside sohoa",
        code=ErrorCode.INTEGRITY_ERROR,
        detail={"bucket": str(bucket), "key": key, "expected": sha_of_key(key), "actual": actual},
    )


class Readable(Protocol):
    """Anything with ``read(size) -> bytes``: a file, an HTTP response."""

    def read(self, size: int, /) -> bytes: ...


@contextmanager
def spooled_copy(stream: Readable, tmp_dir: Path | None = None) -> Iterator[tuple[Path, str, int]]:
    """Copy a stream to a temporary file while hashing it; yields (path, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=tmp_dir, prefix=".upload-", delete=False) as out:
        tmp = Path(out.name)
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    try:
        yield tmp, digest.hexdigest(), size
    finally:
        tmp.unlink(missing_ok=True)


def copy_verified(src: Readable, dest: Path, *, bucket: Bucket, key: str) -> int:
    """Copy ``src`` to ``dest`` through a temporary file, keeping it only if its SHA-256 matches.

    Returns:
        the number of bytes written.

    Raises:
        SohoaError: ``integrity_error`` when the bytes do not match ``key``.
    """
    digest = hashlib.sha256()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dest.parent, prefix=".download-", delete=False) as out:
        tmp = Path(out.name)
        try:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            size = out.tell()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    if digest.hexdigest() != sha_of_key(key):
        tmp.unlink(missing_ok=True)
        raise integrity_error(bucket, key, digest.hexdigest())
    shutil.move(tmp, dest)
    return size
