"""The object store, the same tests on the local folder and on a real S3 server (SeaweedFS)."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.request
from pathlib import Path

import pytest
from minio import Minio

from schemas.errors import AccessDenied, ErrorCode, NotFoundError, SohoaError, TransientError
from store.objects import Bucket, LocalObjectStore, ObjectStore, S3ObjectStore, content_key
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, WeedServer, free_port

PART = 5 * 1024 * 1024


def _s3(server: WeedServer, prefix: str, **kwargs: object) -> S3ObjectStore:
    store = S3ObjectStore(server.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False,
                          bucket_prefix=prefix, part_size=PART, **kwargs)  # type: ignore[arg-type]
    store.ensure_buckets()
    return store


@pytest.fixture(params=["local", "s3"])
def object_store(request: pytest.FixtureRequest, tmp_path: Path, bucket_prefix: str) -> ObjectStore:
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects", secret=b"k" * 32)
    return _s3(request.getfixturevalue("seaweedfs"), bucket_prefix)


def _tamper(store: ObjectStore, bucket: Bucket, key: str, data: bytes) -> None:
    """Change an object's bytes behind the store's back."""
    if isinstance(store, LocalObjectStore):
        path = store.root / bucket.value / key
        path.chmod(0o644)
        path.write_bytes(data)
        return
    assert isinstance(store, S3ObjectStore)
    store.client.put_object(store.bucket_name(bucket), key, io.BytesIO(data), len(data))


def test_put_bytes_is_addressed_by_sha256_with_metadata(object_store: ObjectStore) -> None:
    data = b"scan of a birth certificate"
    stored = object_store.put_bytes(Bucket.SCANS, data, content_type="image/png", owner="001090000001")
    sha = hashlib.sha256(data).hexdigest()
    assert stored.key == content_key(sha) == f"{sha[:2]}/{sha[2:4]}/{sha}"
    info = object_store.stat(Bucket.SCANS, stored.key)
    assert (info.sha256, info.size, info.content_type, info.owner) == (sha, len(data), "image/png",
                                                                        "001090000001")
    assert object_store.get_bytes(Bucket.SCANS, stored.key) == data


def test_same_bytes_twice_give_one_object_and_are_not_rewritten(object_store: ObjectStore) -> None:
    first = object_store.put_bytes(Bucket.DOCUMENTS, b"pdf", content_type="application/pdf", owner="a")
    again = object_store.put_bytes(Bucket.DOCUMENTS, b"pdf", content_type="text/plain", owner="b")
    assert again.key == first.key
    assert object_store.stat(Bucket.DOCUMENTS, first.key).owner == "a"  # the first upload stands


def test_bytes_with_a_known_digest_put_fresh_are_written_anew(object_store: ObjectStore) -> None:
    """An upload kept in memory goes up under the digest its spool computed, written even when the key is
    there (so the object is as young as the upload: see ``Store.upload_components``)."""
    data = b"scan kept in memory"
    first = object_store.put_bytes(Bucket.SCANS, data, content_type="image/png", owner="a")
    again = object_store.put_bytes(Bucket.SCANS, data, content_type="image/png", owner="b",
                                   digest=(hashlib.sha256(data).hexdigest(), len(data)), fresh=True)
    assert again.key == first.key
    assert object_store.stat(Bucket.SCANS, first.key).owner == "b"
    assert object_store.get_bytes(Bucket.SCANS, first.key) == data


def test_large_file_streams_up_in_parts_and_downloads_verified(object_store: ObjectStore, tmp_path: Path) -> None:
    src = tmp_path / "big.tif"
    src.write_bytes(os.urandom(PART * 2 + 12345))
    stored = object_store.put_file(Bucket.SCANS, src, content_type="image/tiff", owner="001090000001")
    assert stored.size == src.stat().st_size
    dest = tmp_path / "out" / "big.tif"
    object_store.download(Bucket.SCANS, stored.key, dest)
    assert dest.read_bytes() == src.read_bytes()


def test_bytes_changed_behind_our_back_are_refused(object_store: ObjectStore, tmp_path: Path) -> None:
    stored = object_store.put_bytes(Bucket.SCANS, b"original scan", content_type="image/png", owner="x")
    _tamper(object_store, Bucket.SCANS, stored.key, b"forged scan")
    with pytest.raises(SohoaError) as caught:
        object_store.get_bytes(Bucket.SCANS, stored.key)
    assert caught.value.code == ErrorCode.INTEGRITY_ERROR
    assert caught.value.detail["actual"] == hashlib.sha256(b"forged scan").hexdigest()
    dest = tmp_path / "copy.png"
    with pytest.raises(SohoaError):
        object_store.download(Bucket.SCANS, stored.key, dest)
    assert not dest.exists()


def test_missing_object_is_not_found(object_store: ObjectStore) -> None:
    key = content_key("0" * 64)
    assert not object_store.exists(Bucket.SIGNED, key)
    with pytest.raises(NotFoundError):
        object_store.get_bytes(Bucket.SIGNED, key)


def test_keys_that_are_not_content_addresses_are_refused(object_store: ObjectStore) -> None:
    with pytest.raises(SohoaError) as caught:
        object_store.get_bytes(Bucket.SCANS, "../../etc/passwd")
    assert caught.value.code == ErrorCode.INVALID_VALUE


def test_presigned_url_on_s3_downloads_the_object(seaweedfs: WeedServer, bucket_prefix: str) -> None:
    store = _s3(seaweedfs, bucket_prefix)
    stored = store.put_bytes(Bucket.SIGNED, b"signed result", content_type="application/pdf", owner="x")
    url = store.presigned_url(Bucket.SIGNED, stored.key, expiry_s=60)
    assert "X-Amz-Expires=60" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"signed result"


def test_buckets_on_s3_have_versioning_on(seaweedfs: WeedServer, bucket_prefix: str) -> None:
    store = _s3(seaweedfs, bucket_prefix)
    client = Minio(seaweedfs.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False)
    for bucket in Bucket:
        assert client.get_bucket_versioning(store.bucket_name(bucket)).status == "Enabled"


def test_unreachable_s3_is_a_retryable_error(bucket_prefix: str) -> None:
    store = S3ObjectStore(f"127.0.0.1:{free_port()}", access_key="a", secret_key="b", secure=False,
                          bucket_prefix=bucket_prefix, connect_timeout_s=1)
    with pytest.raises(TransientError) as caught:
        store.put_bytes(Bucket.SCANS, b"x", content_type="image/png", owner="x")
    assert caught.value.retryable and caught.value.code == ErrorCode.STORAGE_UNAVAILABLE


def test_local_presigned_url_is_signed_and_expires(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path, base_url="http://127.0.0.1:8000/files", secret=b"s" * 32)
    stored = store.put_bytes(Bucket.SIGNED, b"result", content_type="application/pdf", owner="x")
    url = store.presigned_url(Bucket.SIGNED, stored.key, expiry_s=30)
    assert store.verify_presigned(url) == (Bucket.SIGNED, stored.key)
    with pytest.raises(AccessDenied):
        store.verify_presigned(url, now=10**12)
    with pytest.raises(AccessDenied):
        store.verify_presigned(url.replace("signature=", "signature=0"))


def test_local_objects_are_read_only_files(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    stored = store.put_bytes(Bucket.SCANS, b"scan", content_type="image/png", owner="x")
    assert (tmp_path / "scans" / stored.key).stat().st_mode & 0o222 == 0


def test_a_put_with_a_known_digest_is_signed_with_it_not_hashed_again(
        seaweedfs: WeedServer, bucket_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a file whose SHA-256 the caller knows, when it is put in one request over plain HTTP, then the
    SDK hashes no body for the signature, the server accepts the signature, and the object carries its
    digest, owner and type as any put does."""
    import minio.api

    store = _s3(seaweedfs, bucket_prefix)
    data = os.urandom(PART - 1)
    src = tmp_path / "scan.tif"
    src.write_bytes(data)
    hashed: list[int] = []
    real = minio.api.sha256_hash
    monkeypatch.setattr(minio.api, "sha256_hash", lambda body: (hashed.append(len(body or b"")), real(body))[1])
    sha = hashlib.sha256(data).hexdigest()
    stored = store.put_file(Bucket.SCANS, src, content_type="image/tiff", owner="001090000001",
                            digest=(sha, len(data)), fresh=True)
    assert max(hashed) == 0  # only the empty payload of the signature's own bookkeeping
    info = store.stat(Bucket.SCANS, stored.key)
    assert (info.key, info.sha256, info.size, info.content_type, info.owner) == (
        content_key(sha), sha, len(data), "image/tiff", "001090000001")
    assert store.get_bytes(Bucket.SCANS, stored.key) == data


def test_a_file_larger_than_a_part_is_hashed_part_by_part_by_the_sdk(
        seaweedfs: WeedServer, bucket_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file's digest is not any part's: parts keep the SDK's own payload hash."""
    import minio.api

    store = _s3(seaweedfs, bucket_prefix)
    data = os.urandom(PART + 1000)
    src = tmp_path / "big.tif"
    src.write_bytes(data)
    hashed: list[int] = []
    real = minio.api.sha256_hash
    monkeypatch.setattr(minio.api, "sha256_hash", lambda body: (hashed.append(len(body or b"")), real(body))[1])
    stored = store.put_file(Bucket.SCANS, src, content_type="image/tiff", owner="x",
                            digest=(hashlib.sha256(data).hexdigest(), len(data)), fresh=True)
    assert sorted(hashed)[-2:] == [1000, PART]
    assert store.get_bytes(Bucket.SCANS, stored.key) == data
