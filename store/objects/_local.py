"""The embedded object store: a local folder, one file per object plus a JSON sidecar.

Layout: ``<root>/<bucket>/ab/cd/<sha256>`` and ``… .meta.json`` beside it. Files
are written to a temporary name and renamed into place, then made read-only;
an existing key is never rewritten. Presigned URLs are HMAC-signed links to the
API's file route (``/files/<bucket>/<key>?expires=…&signature=…``) that
:meth:`LocalObjectStore.verify_presigned` checks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, urlencode, urlsplit

from schemas.errors import AccessDenied, ErrorCode, NotFoundError, TransientError
from store.objects._base import (
    Bucket,
    ListedObject,
    StoredObject,
    content_key,
    copy_verified,
    integrity_error,
    is_content_key,
    sha256_file,
    sha_of_key,
)

_META = ".meta.json"


class LocalObjectStore:
    """Objects in a local folder (the embedded default: ``sohoa demo``, a laptop).

    Args:
        root: the folder; created if missing.
        base_url: the API's file route that presigned URLs point at.
        secret: HMAC key for presigned URLs; ``None`` keeps a random one in ``root``.
        presign_expiry_s: default lifetime of a presigned URL.
    """

    def __init__(
        self,
        root: Path,
        *,
        base_url: str = "http://127.0.0.1:8000/files",
        secret: bytes | None = None,
        presign_expiry_s: int = 300,
    ) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")
        self.presign_expiry_s = presign_expiry_s
        self._secret = secret
        self.ensure_buckets()

    def ensure_buckets(self) -> None:
        """Create the bucket folders."""
        try:
            for bucket in Bucket:
                (self.root / bucket.value).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise TransientError(f"cannot create the object folder {self.root}: {e}") from e

    def _path(self, bucket: Bucket, key: str) -> Path:
        sha_of_key(key)  # refuses keys that could climb out of the folder
        return self.root / bucket.value / key

    def put_bytes(self, bucket: Bucket, data: bytes, *, content_type: str, owner: str,
                  digest: tuple[str, int] | None = None, fresh: bool = False) -> StoredObject:
        """Store bytes under their SHA-256 key (a no-op when already there, unless ``fresh``; ``digest``: their
        known SHA-256 and size)."""
        sha = digest[0] if digest else hashlib.sha256(data).hexdigest()
        key = content_key(sha)
        if not fresh and self.exists(bucket, key):
            return self.stat(bucket, key)
        return self._write(bucket, key, sha, len(data), content_type=content_type, owner=owner,
                           fill=lambda fh: fh.write(data))

    def put_file(self, bucket: Bucket, path: Path, *, content_type: str, owner: str,
                 digest: tuple[str, int] | None = None, fresh: bool = False) -> StoredObject:
        """Store a file under its SHA-256 key, copying it in chunks (``digest``: its known SHA-256 and size;
        ``fresh``: written anew even when the key is there)."""
        sha, size = digest or sha256_file(path)
        key = content_key(sha)
        if not fresh and self.exists(bucket, key):
            return self.stat(bucket, key)

        def copy(fh: IO[bytes]) -> None:
            with path.open("rb") as src:
                shutil.copyfileobj(src, fh, 1024 * 1024)

        return self._write(bucket, key, sha, size, content_type=content_type, owner=owner, fill=copy)

    def _write(
        self, bucket: Bucket, key: str, sha: str, size: int, *, content_type: str, owner: str,
        fill: Callable[[IO[bytes]], object],
    ) -> StoredObject:
        dest = self._path(bucket, key)
        created = datetime.now(UTC)
        meta = {"sha256": sha, "size": size, "content_type": content_type, "owner": owner,
                "created": created.isoformat()}
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=dest.parent, prefix=".put-", delete=False) as fh:
                tmp = Path(fh.name)
                fill(fh)
                fh.flush()
                os.fsync(fh.fileno())
            # the sidecar first: a data file without metadata would read as "not found"
            _write_text_atomic(dest.with_name(dest.name + _META), json.dumps(meta))
            tmp.chmod(0o444)
            os.replace(tmp, dest)
        except OSError as e:
            raise TransientError(f"cannot write {dest}: {e}") from e
        return StoredObject(bucket, key, sha, size, content_type, owner, created)

    def get_bytes(self, bucket: Bucket, key: str) -> bytes:
        """The bytes, refused when they no longer match the key."""
        path = self._path(bucket, key)
        try:
            data = path.read_bytes()
        except FileNotFoundError as e:
            raise NotFoundError("no such object", detail={"bucket": str(bucket), "key": key}) from e
        except OSError as e:
            raise TransientError(f"cannot read {path}: {e}") from e
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha_of_key(key):
            raise integrity_error(bucket, key, actual)
        return data

    def download(self, bucket: Bucket, key: str, dest: Path) -> StoredObject:
        """Copy the object to ``dest``, keeping it only if its SHA-256 matches."""
        info = self.stat(bucket, key)
        with self._path(bucket, key).open("rb") as src:
            copy_verified(src, dest, bucket=bucket, key=key)
        return info

    def stat(self, bucket: Bucket, key: str) -> StoredObject:
        """The object's metadata, from its sidecar."""
        path = self._path(bucket, key)
        try:
            meta = json.loads(path.with_name(path.name + _META).read_text())
        except FileNotFoundError as e:
            raise NotFoundError("no such object", detail={"bucket": str(bucket), "key": key}) from e
        except (OSError, ValueError) as e:
            raise TransientError(f"cannot read the metadata of {path}: {e}") from e
        return StoredObject(
            bucket, key, meta["sha256"], int(meta["size"]), meta["content_type"], meta["owner"],
            datetime.fromisoformat(meta["created"]),
        )

    def exists(self, bucket: Bucket, key: str) -> bool:
        """Whether both the file and its metadata are there."""
        path = self._path(bucket, key)
        return path.is_file() and path.with_name(path.name + _META).is_file()

    def list_objects(self, bucket: Bucket) -> Iterator[ListedObject]:
        """Every object file of the bucket folder (metadata sidecars and half-written files left out)."""
        for path in (self.root / bucket.value).glob("??/??/*"):
            key = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
            if not is_content_key(key):
                continue
            try:
                info = path.stat()
            except FileNotFoundError:  # deleted meanwhile
                continue
            yield ListedObject(key, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC))

    def delete(self, bucket: Bucket, key: str) -> None:
        """Remove the object file, then its sidecar (without the file it already reads as missing)."""
        path = self._path(bucket, key)
        try:
            path.unlink(missing_ok=True)
            path.with_name(path.name + _META).unlink(missing_ok=True)
        except OSError as e:
            raise TransientError(f"cannot delete {path}: {e}") from e

    def presigned_url(self, bucket: Bucket, key: str, *, expiry_s: int | None = None) -> str:
        """An HMAC-signed link to the API's file route, valid for ``expiry_s`` seconds."""
        if not self.exists(bucket, key):
            raise NotFoundError("no such object", detail={"bucket": str(bucket), "key": key})
        expires = int(time.time()) + (expiry_s or self.presign_expiry_s)
        query = urlencode({"expires": expires, "signature": self._sign(bucket, key, expires)})
        return f"{self.base_url}/{bucket.value}/{key}?{query}"

    def verify_presigned(self, url: str, *, now: float | None = None) -> tuple[Bucket, str]:
        """Check a URL made by :meth:`presigned_url`; returns the bucket and key it grants.

        Raises:
            AccessDenied: bad signature or expired (``forbidden``).
        """
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        try:
            bucket_name, key = parts.path.split("/files/", 1)[1].split("/", 1)
            bucket, expires = Bucket(bucket_name), int(query["expires"][0])
            signature = query["signature"][0]
        except (IndexError, KeyError, ValueError) as e:
            raise AccessDenied("not a download link of this store", code=ErrorCode.FORBIDDEN) from e
        if not hmac.compare_digest(signature, self._sign(bucket, key, expires)):
            raise AccessDenied("the download link's signature is wrong")
        if (now if now is not None else time.time()) > expires:
            raise AccessDenied("the download link has expired")
        return bucket, key

    def _sign(self, bucket: Bucket, key: str, expires: int) -> str:
        msg = f"{bucket.value}\n{key}\n{expires}".encode()
        return hmac.new(self._key(), msg, hashlib.sha256).hexdigest()

    def _key(self) -> bytes:
        if self._secret is None:
            path = self.root / ".presign-key"
            if not path.exists():
                _write_text_atomic(path, secrets.token_hex(32), mode=0o600)
            self._secret = path.read_text().strip().encode()
        return self._secret


def _write_text_atomic(path: Path, text: str, *, mode: int = 0o444) -> None:
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".meta-", delete=False) as fh:
        fh.write(text)
        tmp = Path(fh.name)
    tmp.chmod(mode)
    os.replace(tmp, path)
