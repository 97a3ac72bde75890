"""The production object store: S3 (MinIO in production, SeaweedFS in tests) through the ``minio`` SDK.

This module is the adapter around the S3 server: it owns the client, its
timeouts and retries, and turns the SDK's failures into our errors
(unreachable or 5xx → :class:`TransientError` so workers retry; missing →
:class:`NotFoundError`; refused credentials → :class:`ConfigError`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlunsplit

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.credentials.credentials import Credentials
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.signer import sign_v4_s3
from minio.versioningconfig import VersioningConfig

from schemas.errors import ConfigError, ErrorCode, NotFoundError, SohoaError, TransientError
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
from store.objects._stream import StreamedPut

_MISSING = {"NoSuchKey", "NoSuchBucket", "NoSuchVersion", "NoSuchObject"}
_REFUSED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}
#: the SigV4 header that carries the payload's SHA-256 (and what the server checks the body against)
PAYLOAD_SHA256 = "x-amz-content-sha256"


class _Client(Minio):
    """The SDK's client, which signs with a payload SHA-256 the caller already knows instead of hashing the body.

    Over plain HTTP the SDK hashes every request body for its SigV4 signature before
    sending a byte: for a 5 MB scan some 3 ms of CPU spent again on a digest our own
    spooling computed while the upload came in (the key is that digest). A request
    whose headers carry ``x-amz-content-sha256`` is signed with that value, as SigV4
    allows; a server that checks the body against it (AWS S3 does) refuses a wrong
    one, SeaweedFS stores it regardless, and every read checks the bytes against the
    key either way. Everything else (retries, region, errors) stays the SDK's.
    """

    def _build_headers(  # type: ignore[override]
        self, host: str, headers: dict[str, Any] | None = None, body: bytes | None = None,
        creds: Credentials | None = None,
    ) -> tuple[dict[str, Any], datetime]:
        known = (headers or {}).get(PAYLOAD_SHA256)
        if known is None or body is None:
            return super()._build_headers(host, headers, body, creds)  # type: ignore[no-any-return]
        built, date = super()._build_headers(host, headers, None, creds)  # None: nothing to hash
        built["Content-Length"] = str(len(body))
        built[PAYLOAD_SHA256] = known
        return built, date

    def put_streamed(self, bucket: str, key: str, body: Iterator[bytes], *, size: int, sha256: str,
                     headers: dict[str, str]) -> None:
        """One PUT whose body is read from ``body`` as it is produced, signed with its declared SHA-256.

        The SDK's ``put_object`` reads a whole part into memory before it sends a byte;
        this sends each chunk as it comes. No retry (the body cannot be read twice): a
        failure, or ``body`` raising, closes the connection with the body short of its
        length, and the server keeps nothing.

        Raises:
            S3Error, InvalidResponseError, urllib3 errors: as the SDK's own requests (see ``s3_errors``).
        """
        region = self._get_region(bucket)
        creds = self._provider.retrieve() if self._provider else None
        url = self._base_url.build(method="PUT", region=region, bucket_name=bucket, object_name=key)
        built, date = super()._build_headers(url.netloc, dict(headers), None, creds)
        built["Content-Length"] = str(size)
        if creds:
            if not self._base_url.is_https:
                built[PAYLOAD_SHA256] = sha256
            built = sign_v4_s3(method="PUT", url=url, region=region, headers=built, credentials=creds,
                               content_sha256=str(built[PAYLOAD_SHA256]), date=date)
        response = self._http.urlopen("PUT", urlunsplit(url), body=body, headers=built, retries=False,
                                      preload_content=True)
        if response.status != 200:
            raise InvalidResponseError(response.status, str(response.headers.get("content-type")),
                                       response.data.decode("utf-8", "replace")[:500] if response.data else None)


@contextmanager
def s3_errors(action: str, bucket: str = "", key: str = "") -> Iterator[None]:
    """Translate the SDK's and urllib3's exceptions into sohoa errors."""
    detail = {"action": action, "bucket": bucket, "key": key}
    try:
        yield
    except S3Error as e:
        if e.code in _MISSING:
            raise NotFoundError("no such object", detail=detail) from e
        if e.code in _REFUSED:
            raise ConfigError(f"the S3 server refused our credentials ({e.code})", detail=detail) from e
        if e.response is not None and e.response.status >= 500:
            raise TransientError(f"the S3 server failed: {e.code}", detail=detail) from e
        raise SohoaError(f"S3 error {e.code}: {e.message}", code=ErrorCode.STORAGE_UNAVAILABLE,
                         detail=detail) from e
    except (ServerError, InvalidResponseError, urllib3.exceptions.HTTPError, OSError) as e:
        raise TransientError(f"the S3 server is unreachable: {type(e).__name__}", detail=detail) from e


class S3ObjectStore:
    """Objects in S3 buckets named ``<prefix>-scans`` etc., keys by SHA-256, versioning on.

    Args:
        endpoint: ``host:port`` (a URL's scheme is accepted and decides ``secure``).
        access_key: the S3 access key.
        secret_key: the S3 secret key.
        secure: HTTPS when true.
        region: the S3 region, if the server wants one.
        bucket_prefix: prefix of the physical bucket names.
        part_size: multipart part size for uploads larger than it.
        connect_timeout_s: seconds to connect.
        read_timeout_s: seconds to wait for a response.
        presign_expiry_s: default lifetime of a presigned URL.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        access_key: str | None,
        secret_key: str | None,
        secure: bool = True,
        region: str | None = None,
        bucket_prefix: str = "sohoa",
        part_size: int = 16 * 1024 * 1024,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 60.0,
        presign_expiry_s: int = 300,
    ) -> None:
        if "://" in endpoint:
            scheme, endpoint = endpoint.split("://", 1)
            secure = scheme == "https"
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout_s, read=read_timeout_s),
            maxsize=16,
            retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)),
        )
        self.client = _Client(endpoint.rstrip("/"), access_key=access_key, secret_key=secret_key,
                              secure=secure, region=region, http_client=http)
        self.secure = secure
        self.prefix = bucket_prefix
        self.part_size = part_size
        self.presign_expiry_s = presign_expiry_s

    def bucket_name(self, bucket: Bucket) -> str:
        """The physical bucket name."""
        return f"{self.prefix}-{bucket.value}"

    def ensure_buckets(self) -> None:
        """Create missing buckets and turn versioning on (ignored where the server lacks it)."""
        for bucket in Bucket:
            name = self.bucket_name(bucket)
            with s3_errors("make_bucket", name):
                if not self.client.bucket_exists(name):
                    try:
                        self.client.make_bucket(name)
                    except S3Error as e:
                        if e.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                            raise
                try:
                    self.client.set_bucket_versioning(name, VersioningConfig(ENABLED))
                except S3Error as e:
                    if e.code not in {"NotImplemented", "MalformedXML"}:
                        raise

    def put_bytes(self, bucket: Bucket, data: bytes, *, content_type: str, owner: str,
                  digest: tuple[str, int] | None = None, fresh: bool = False) -> StoredObject:
        """Store bytes under their SHA-256 key (skipped when the key is already there, unless ``fresh``;
        ``digest``: their known SHA-256 and size, an upload kept in memory)."""
        sha = digest[0] if digest else hashlib.sha256(data).hexdigest()
        # the SDK reads the whole of an unread BytesIO without copying it: one PUT straight from these bytes
        return self._put(bucket, sha, len(data), content_type=content_type, owner=owner,
                         body=lambda: io.BytesIO(data), fresh=fresh)

    def put_file(self, bucket: Bucket, path: Path, *, content_type: str, owner: str,
                 digest: tuple[str, int] | None = None, fresh: bool = False) -> StoredObject:
        """Stream a file up under its SHA-256 key; multipart above ``part_size``.

        Args:
            digest: the file's (SHA-256, size) when the caller hashed it already (an upload spooled to disk).
            fresh: put it even when the key is there, without the HEAD request that would tell (the same
                bytes again: on a versioned bucket, one more version of them).
        """
        sha, size = digest or sha256_file(path)
        with path.open("rb") as fh:
            return self._put(bucket, sha, size, content_type=content_type, owner=owner, body=lambda: fh,
                             fresh=fresh)

    def _put(self, bucket: Bucket, sha: str, size: int, *, content_type: str, owner: str,
             body: Callable[[], BinaryIO], fresh: bool = False) -> StoredObject:
        key = content_key(sha)
        if not fresh and self.exists(bucket, key):
            return self.stat(bucket, key)
        name = self.bucket_name(bucket)
        metadata: dict[str, str | list[str] | tuple[str]] = {"sha256": sha, "owner": owner}
        if size <= self.part_size and not self.secure:
            # one request, whose payload digest we know: signed with it, not hashed again (see _Client);
            # over HTTPS the SDK signs UNSIGNED-PAYLOAD and hashes nothing for the signature
            metadata[PAYLOAD_SHA256] = sha
        with s3_errors("put_object", name, key):
            self.client.put_object(
                name, key, body(), size,
                content_type=content_type,
                metadata=metadata,
                # one PUT up to the part size (the SDK's own choice, 5 MiB parts, makes a scan just over
                # 5 MiB a multipart upload of four requests); parts of that size above it
                part_size=self.part_size,
            )
        return StoredObject(bucket, key, sha, size, content_type, owner)

    def open_put(self, bucket: Bucket, sha: str, size: int, *, content_type: str, owner: str) -> StreamedPut:
        """Start putting a file whose SHA-256 and size are declared before its bytes arrive (see :class:`StreamedPut`).

        The key is the declared digest's: the caller must :meth:`StreamedPut.abort` the put unless the bytes
        it fed hash to ``sha`` and number ``size``. Only for a single request (``size`` up to ``part_size``).
        """
        key = content_key(sha)
        name = self.bucket_name(bucket)
        headers = {"Content-Type": content_type, "x-amz-meta-sha256": sha, "x-amz-meta-owner": owner}

        def send(body: Iterator[bytes]) -> StoredObject:
            with s3_errors("put_object", name, key):
                self.client.put_streamed(name, key, body, size=size, sha256=sha, headers=headers)
            return StoredObject(bucket, key, sha, size, content_type, owner)

        return StreamedPut(send)

    def get_bytes(self, bucket: Bucket, key: str) -> bytes:
        """The bytes, refused when they no longer match the key."""
        expected = sha_of_key(key)
        name = self.bucket_name(bucket)
        with s3_errors("get_object", name, key):
            response = self.client.get_object(name, key)
            try:
                data = response.read()
            finally:
                response.close()
                response.release_conn()
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise integrity_error(bucket, key, actual)
        return data

    def download(self, bucket: Bucket, key: str, dest: Path) -> StoredObject:
        """Stream the object into ``dest``, which appears only if the SHA-256 matches."""
        info = self.stat(bucket, key)
        name = self.bucket_name(bucket)
        with s3_errors("get_object", name, key):
            response = self.client.get_object(name, key)
            try:
                copy_verified(response, dest, bucket=bucket, key=key)
            finally:
                response.close()
                response.release_conn()
        return info

    def stat(self, bucket: Bucket, key: str) -> StoredObject:
        """The object's size, type, owner and SHA-256 from its metadata."""
        name = self.bucket_name(bucket)
        with s3_errors("stat_object", name, key):
            obj = self.client.stat_object(name, key)
        meta = obj.metadata or {}
        return StoredObject(
            bucket=bucket,
            key=key,
            sha256=str(meta.get("x-amz-meta-sha256") or sha_of_key(key)),
            size=int(obj.size or 0),
            content_type=obj.content_type or "application/octet-stream",
            owner=str(meta.get("x-amz-meta-owner") or ""),
            created=obj.last_modified,
        )

    def exists(self, bucket: Bucket, key: str) -> bool:
        """Whether the object is there."""
        try:
            self.stat(bucket, key)
        except NotFoundError:
            return False
        return True

    def list_objects(self, bucket: Bucket) -> Iterator[ListedObject]:
        """Every object of ours in the bucket, listed page by page (keys that are not content addresses left out)."""
        name = self.bucket_name(bucket)
        with s3_errors("list_objects", name):
            for obj in self.client.list_objects(name, recursive=True):
                key = obj.object_name or ""
                if is_content_key(key) and obj.last_modified is not None:
                    yield ListedObject(key, int(obj.size or 0), obj.last_modified)

    def delete(self, bucket: Bucket, key: str) -> None:
        """Remove every version of the object (with versioning on, a plain delete would only hide it)."""
        sha_of_key(key)
        name = self.bucket_name(bucket)
        with s3_errors("remove_object", name, key):
            versions = [o.version_id for o in self.client.list_objects(name, prefix=key, include_version=True)
                        if o.object_name == key and o.version_id]
            for version in versions or [None]:
                self.client.remove_object(name, key, version_id=version)

    def presigned_url(self, bucket: Bucket, key: str, *, expiry_s: int | None = None) -> str:
        """A presigned GET URL valid for ``expiry_s`` seconds."""
        name = self.bucket_name(bucket)
        expires = timedelta(seconds=expiry_s or self.presign_expiry_s)
        with s3_errors("presign", name, key):
            return self.client.presigned_get_object(name, key, expires=expires)
