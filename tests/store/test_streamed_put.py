"""A put fed while the file arrives (store.objects._stream), on a real S3 server (SeaweedFS).

The point of these tests: an object is stored only when the held-back last chunk
is released; a put aborted before it, or whose body falls short of its length,
leaves nothing on the server.
"""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from schemas.errors import NotFoundError, SohoaError
from store.objects import Bucket, S3ObjectStore, content_key
from store.objects._stream import PutAborted, StreamedPut
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, WeedServer

CHUNK = 64 * 1024


@pytest.fixture
def s3(seaweedfs: WeedServer, bucket_prefix: str) -> S3ObjectStore:
    store = S3ObjectStore(seaweedfs.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False,
                          bucket_prefix=bucket_prefix)
    store.ensure_buckets()
    return store


def _chunks(data: bytes) -> list[bytes]:
    return [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]


def _absent_for_good(s3: S3ObjectStore, key: str) -> bool:
    """No object under ``key``, still none a moment later (the server has seen the connection close)."""
    time.sleep(0.5)
    return not s3.exists(Bucket.SCANS, key) and not any(o.key == key for o in s3.list_objects(Bucket.SCANS))


def test_a_streamed_put_stores_the_object_with_its_metadata_once_released(s3: S3ObjectStore) -> None:
    data = os.urandom(1_000_000)
    sha = hashlib.sha256(data).hexdigest()
    put = s3.open_put(Bucket.SCANS, sha, len(data), content_type="image/png", owner="001099012345")
    for chunk in _chunks(data):
        put.feed(chunk)
    stored = put.finish()
    assert stored.key == content_key(sha)
    assert s3.get_bytes(Bucket.SCANS, stored.key) == data
    meta = s3.stat(Bucket.SCANS, stored.key)
    assert (meta.sha256, meta.size, meta.content_type, meta.owner) == (sha, len(data), "image/png", "001099012345")


def test_the_last_chunk_waits_for_finish(s3: S3ObjectStore) -> None:
    """Given every chunk fed, when finish is not called yet, then the server holds nothing under the key."""
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    put = s3.open_put(Bucket.SCANS, sha, len(data), content_type="image/png", owner="o")
    for chunk in _chunks(data):
        put.feed(chunk)
    assert _absent_for_good(s3, content_key(sha))
    put.finish()
    assert s3.exists(Bucket.SCANS, content_key(sha))


def test_an_aborted_put_leaves_no_object(s3: S3ObjectStore) -> None:
    """Given a put with all but its last chunk sent, when it is aborted, then the connection closes short of
    the length and SeaweedFS stores nothing (not even an empty or partial object)."""
    data = os.urandom(1_000_000)
    sha = hashlib.sha256(data).hexdigest()
    put = s3.open_put(Bucket.SCANS, sha, len(data), content_type="image/png", owner="o")
    for chunk in _chunks(data):
        put.feed(chunk)
    put.wait_room(0)  # the server has taken every chunk but the held-back one
    put.abort(wait_s=10)
    assert put.aborted
    with pytest.raises(PutAborted):
        put.finish()
    assert _absent_for_good(s3, content_key(sha))
    with pytest.raises(NotFoundError):
        s3.get_bytes(Bucket.SCANS, content_key(sha))


def test_a_wrong_declared_digest_is_not_stored_under_the_key_on_finish_when_the_server_checks(
    s3: S3ObjectStore,
) -> None:
    """A put released with bytes other than the declared ones: SeaweedFS does not check the payload digest,
    so the caller must never release such a put (the API aborts it); this test pins down the server's side:
    the key is the declared one, whatever the bytes."""
    data = os.urandom(100_000)
    sha = hashlib.sha256(b"something else").hexdigest()
    put = s3.open_put(Bucket.SCANS, sha, len(data), content_type="image/png", owner="o")
    for chunk in _chunks(data):
        put.feed(chunk)
    try:
        put.finish()
    except SohoaError:
        return  # a server that checks x-amz-content-sha256 (AWS S3, MinIO) refuses it
    with pytest.raises(SohoaError):
        s3.get_bytes(Bucket.SCANS, content_key(sha))  # every read checks the bytes against the key


def test_back_pressure_waits_until_the_request_took_the_chunks() -> None:
    """The feeder waits on the backlog, which the request's body drains; nothing is lost or reordered."""
    got: list[bytes] = []

    def send(body):  # type: ignore[no-untyped-def]
        for chunk in body:
            time.sleep(0.001)
            got.append(chunk)
        from store.objects import StoredObject
        return StoredObject(Bucket.SCANS, "k", "s", sum(map(len, got)), "t", "o")

    put = StreamedPut(send)
    sent = [bytes([i]) * 1000 for i in range(50)]
    for chunk in sent:
        put.feed(chunk)
        put.wait_room(3000)
        assert put.backlog <= 3000
    assert put.finish().size == 50_000
    assert got == sent


def test_an_empty_chunk_never_takes_the_place_of_the_held_back_one(s3: S3ObjectStore) -> None:
    """Given every byte fed and then an empty chunk, the last bytes are still held back: nothing is stored
    until finish."""
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    put = s3.open_put(Bucket.SCANS, sha, len(data), content_type="image/png", owner="o")
    for chunk in _chunks(data):
        put.feed(chunk)
    put.feed(b"")
    assert _absent_for_good(s3, content_key(sha))
    put.abort(wait_s=10)
    assert _absent_for_good(s3, content_key(sha))
