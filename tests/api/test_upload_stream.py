"""Uploads whose file parts declare their SHA-256 and length (Repr-Digest, RFC 9530): streamed into S3 as they arrive.

Through the route, on a real S3 server (SeaweedFS) with SQLite records: a
declared file lands under its key without a second put; a file that is not
what its part declared, or that the check refuses, leaves no object and no
row. The multipart reading itself (a body ending inside a declared part) is
tested on :func:`api._upload.read_upload` with a stand-in put.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.requests import Request

from api import create_app
from api._upload import declared_digest, read_upload
from schemas.errors import ErrorCode, InputError
from store.objects import Bucket, S3ObjectStore, StoredObject, StreamedPut, content_key
from tests.api.conftest import DOSSIER, Api, api_settings, tokens_for
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY, WeedServer
from workers import fake_scan

URL = f"/v1/dossiers/{DOSSIER}/components"


def digest_header(data: bytes) -> str:
    """``sha-256=:<base64>:`` of ``data`` (RFC 9530)."""
    return f"sha-256=:{base64.b64encode(hashlib.sha256(data).digest()).decode()}:"


def declared(name: str, data: bytes, *, digest_of: bytes | None = None, length: int | None = None,
             header: str = "Repr-Digest") -> tuple[str, tuple[str, bytes, str, dict[str, str]]]:
    """A ``files`` part as httpx sends it with per-part headers (4-tuple)."""
    headers = {header: digest_header(data if digest_of is None else digest_of),
               "Content-Length": str(len(data) if length is None else length)}
    return "files", (name, data, "image/png", headers)


@pytest.fixture
def s3_api(tmp_path: Path, seaweedfs: WeedServer, bucket_prefix: str,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Api, S3ObjectStore, list[str]]]:
    """The app on SQLite and SeaweedFS; the third item lists the keys put the usual way (after the body)."""
    settings = api_settings(tmp_path, s3_endpoint=seaweedfs.endpoint, s3_access_key=S3_ACCESS_KEY,
                            s3_secret_key=SecretStr(S3_SECRET_KEY), s3_secure=False, bucket_prefix=bucket_prefix)
    put_after: list[str] = []
    real_put_bytes, real_put_file = S3ObjectStore.put_bytes, S3ObjectStore.put_file

    def put_bytes(self: S3ObjectStore, bucket: Bucket, data: bytes, **kw: Any) -> StoredObject:
        put_after.append(content_key(hashlib.sha256(data).hexdigest()))
        return real_put_bytes(self, bucket, data, **kw)

    def put_file(self: S3ObjectStore, bucket: Bucket, path: Path, **kw: Any) -> StoredObject:
        put_after.append(content_key(hashlib.sha256(path.read_bytes()).hexdigest()))
        return real_put_file(self, bucket, path, **kw)

    monkeypatch.setattr(S3ObjectStore, "put_bytes", put_bytes)
    monkeypatch.setattr(S3ObjectStore, "put_file", put_file)
    objects = S3ObjectStore(seaweedfs.endpoint, access_key=S3_ACCESS_KEY, secret_key=S3_SECRET_KEY, secure=False,
                            bucket_prefix=bucket_prefix)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        api = Api(client, settings, tokens_for(settings))
        api.open_dossier()
        yield api, objects, put_after


def components(api: Api) -> list[dict[str, Any]]:
    r = api.client.get(f"/v1/dossiers/{DOSSIER}", headers=api.headers("officer"))
    assert r.status_code == 200, r.text
    return list(r.json()["components"])


def nothing_under(objects: S3ObjectStore, *datas: bytes) -> bool:
    """No object under the key of any of these bytes, a moment after the answer (the aborted put's
    connection has closed by then)."""
    time.sleep(0.5)
    keys = {content_key(hashlib.sha256(d).hexdigest()) for d in datas}
    return not any(o.key in keys for o in objects.list_objects(Bucket.SCANS))


def test_a_declared_scan_goes_up_while_it_arrives_and_becomes_a_component(
    s3_api: tuple[Api, S3ObjectStore, list[str]],
) -> None:
    api, objects, put_after = s3_api
    scan = fake_scan(seed=3)
    r = api.client.post(URL, files=[declared("cccd.png", scan)], headers=api.headers("officer"))
    assert r.status_code == 202, r.text
    sha = hashlib.sha256(scan).hexdigest()
    stored = objects.stat(Bucket.SCANS, content_key(sha))
    assert (stored.sha256, stored.size, stored.content_type) == (sha, len(scan), "image/png")
    assert stored.owner == "001090000001"
    assert objects.get_bytes(Bucket.SCANS, content_key(sha)) == scan
    assert put_after == []  # streamed: no put of the whole file after the body
    [component] = components(api)
    assert (component["sha256"], component["size_bytes"]) == (sha, len(scan))
    assert api.wait_component(r.json()["items"][0]["id"])["status"] == "done"


def test_content_digest_is_taken_as_well(s3_api: tuple[Api, S3ObjectStore, list[str]]) -> None:
    api, objects, put_after = s3_api
    scan = fake_scan(seed=4)
    r = api.client.post(URL, files=[declared("a.png", scan, header="Content-Digest")], headers=api.headers("officer"))
    assert r.status_code == 202, r.text
    assert objects.exists(Bucket.SCANS, content_key(hashlib.sha256(scan).hexdigest())) and put_after == []


@pytest.mark.parametrize("wrong", ["digest", "longer", "shorter"])
def test_a_file_not_what_its_part_declared_is_refused_with_no_object_and_no_row(
    s3_api: tuple[Api, S3ObjectStore, list[str]], wrong: str,
) -> None:
    """Given a part declaring another digest, or a length past or short of its bytes, then 400
    ``digest_mismatch``, and neither the declared key nor the real one holds an object."""
    api, objects, put_after = s3_api
    scan = fake_scan(seed=5)
    other = fake_scan(seed=6)
    part = {"digest": declared("a.png", scan, digest_of=other),
            "longer": declared("a.png", scan, length=len(scan) + 10),
            "shorter": declared("a.png", scan, length=len(scan) - 10)}[wrong]
    r = api.client.post(URL, files=[part], headers=api.headers("officer"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == ErrorCode.DIGEST_MISMATCH
    assert nothing_under(objects, scan, other) and put_after == []
    assert components(api) == []


def test_a_declared_file_the_check_refuses_is_never_stored(s3_api: tuple[Api, S3ObjectStore, list[str]]) -> None:
    """A file whose first bytes say PNG goes up at once, but the check (which needs all of it) refuses it:
    its held-back last chunk is never sent. A file whose first bytes are of no type we take is not even sent."""
    api, objects, _put_after = s3_api
    broken = b"\x89PNG\r\n\x1a\n" + os.urandom(400_000)
    r = api.client.post(URL, files=[declared("broken.png", broken)], headers=api.headers("officer"))
    assert r.status_code in (415, 422), r.text
    gif = b"GIF89a" + os.urandom(100_000)
    r2 = api.client.post(URL, files=[declared("a.gif", gif)], headers=api.headers("officer"))
    assert r2.status_code == 415 and r2.json()["error"]["code"] == "unsupported_type"
    assert nothing_under(objects, broken, gif)
    assert components(api) == []


def test_a_declared_upload_retried_with_its_idempotency_key_makes_one_component(
    s3_api: tuple[Api, S3ObjectStore, list[str]],
) -> None:
    api, objects, _put_after = s3_api
    scan = fake_scan(seed=8)
    headers = api.headers("officer", **{"Idempotency-Key": "stream-1"})
    first = api.client.post(URL, files=[declared("a.png", scan)], headers=headers)
    again = api.client.post(URL, files=[declared("a.png", scan)], headers=headers)
    assert first.status_code == again.status_code == 202, again.text
    assert first.json() == again.json() and again.headers.get("idempotent-replayed") == "true"
    assert len(components(api)) == 1
    assert objects.get_bytes(Bucket.SCANS, content_key(hashlib.sha256(scan).hexdigest())) == scan


def test_declared_and_plain_parts_in_one_request_both_become_components(
    s3_api: tuple[Api, S3ObjectStore, list[str]],
) -> None:
    """The declared part is streamed, the plain one put after the body, as before."""
    api, objects, put_after = s3_api
    streamed, plain = fake_scan(seed=9), fake_scan(seed=10)
    r = api.client.post(URL, files=[declared("a.png", streamed), ("files", ("b.png", plain, "image/png"))],
                        headers=api.headers("officer"))
    assert r.status_code == 202, r.text
    assert put_after == [content_key(hashlib.sha256(plain).hexdigest())]
    for data in (streamed, plain):
        assert objects.get_bytes(Bucket.SCANS, content_key(hashlib.sha256(data).hexdigest())) == data
    assert sorted(c["sha256"] for c in components(api)) == sorted(
        hashlib.sha256(d).hexdigest() for d in (streamed, plain))


def test_several_declared_parts_are_all_streamed_and_taken_in(s3_api: tuple[Api, S3ObjectStore, list[str]]) -> None:
    api, objects, put_after = s3_api
    scans = [fake_scan(seed=20 + n) for n in range(3)]
    r = api.client.post(URL, files=[declared(f"s{n}.png", d) for n, d in enumerate(scans)],
                        headers=api.headers("officer"))
    assert r.status_code == 202, r.text
    assert put_after == [] and len(components(api)) == 3
    for data in scans:
        assert objects.get_bytes(Bucket.SCANS, content_key(hashlib.sha256(data).hexdigest())) == data


def test_a_bad_declaration_among_good_files_leaves_nothing_at_all(
    s3_api: tuple[Api, S3ObjectStore, list[str]],
) -> None:
    """All or nothing: a good declared part, then one whose digest is wrong."""
    api, objects, _put_after = s3_api
    good, bad = fake_scan(seed=11), fake_scan(seed=12)
    r = api.client.post(URL, files=[declared("a.png", good), declared("b.png", bad, digest_of=good)],
                        headers=api.headers("officer"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "digest_mismatch"
    assert nothing_under(objects, good, bad) and components(api) == []


def test_on_the_local_folder_a_declared_digest_is_still_checked(api: Api) -> None:
    """Embedded mode does not stream, but the declaration still holds."""
    api.open_dossier()
    scan = fake_scan(seed=13)
    ok = api.client.post(URL, files=[declared("a.png", scan)], headers=api.headers("officer"))
    assert ok.status_code == 202, ok.text
    bad = api.client.post(URL, files=[declared("b.png", fake_scan(seed=14), digest_of=scan)],
                          headers=api.headers("officer"))
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "digest_mismatch"


# --------------------------------------------------------------------------- the reading alone


class _Recorder:
    """Stands in for the object store's put: records what the body sent and whether it was aborted."""

    def __init__(self) -> None:
        self.puts: list[StreamedPut] = []
        self.sent: list[bytes] = []

    def open(self, sha: str, size: int, head: bytes) -> StreamedPut:
        def send(body: Iterator[bytes]) -> StoredObject:
            for chunk in body:
                self.sent.append(chunk)
            return StoredObject(Bucket.SCANS, content_key(sha), sha, size, "image/png", "o")

        put = StreamedPut(send)
        self.puts.append(put)
        return put


def _request(body: bytes, content_type: str, *, chunk: int = 4096) -> Request:
    pieces = [body[i:i + chunk] for i in range(0, len(body), chunk)]
    messages = [{"type": "http.request", "body": p, "more_body": n < len(pieces) - 1} for n, p in enumerate(pieces)]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "path": "/upload", "query_string": b"",
             "headers": [(b"content-type", content_type.encode())]}
    return Request(scope, receive)  # type: ignore[arg-type]


def _built(files: list[Any]) -> tuple[bytes, str]:
    built = httpx.Request("POST", "http://test/upload", files=files)
    return built.read(), built.headers["content-type"]


def test_a_body_ending_inside_a_declared_part_is_a_digest_mismatch_and_its_put_is_aborted(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(50_000)
    body, kind = _built([declared("a.png", data)])
    recorder = _Recorder()
    with pytest.raises(InputError) as caught:
        asyncio.run(read_upload(_request(body[:30_000], kind), tmp_dir=tmp_path, max_file_bytes=1 << 20,
                                max_files=5, opener=recorder.open))
    assert caught.value.code == ErrorCode.DIGEST_MISMATCH
    [put] = recorder.puts
    assert put.aborted and sum(map(len, recorder.sent)) < len(data)


def test_the_reading_hands_every_byte_to_the_put_but_holds_the_last_chunk(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(50_000)
    body, kind = _built([declared("a.png", data)])
    recorder = _Recorder()
    form = asyncio.run(read_upload(_request(body, kind, chunk=7), tmp_dir=tmp_path, max_file_bytes=1 << 20,
                                   max_files=5, opener=recorder.open))
    [spooled] = form.files
    assert spooled.stream is recorder.puts[0] and spooled.declared == (hashlib.sha256(data).hexdigest(), len(data))
    time.sleep(0.2)
    assert len(b"".join(recorder.sent)) < len(data)
    spooled.stream.finish()
    assert b"".join(recorder.sent) == data


@pytest.mark.parametrize(("headers", "expected"), [
    ({b"repr-digest": b"sha-256=:" + base64.b64encode(b"\x01" * 32) + b":", b"content-length": b"12"},
     ("01" * 32, 12)),
    ({b"content-digest": b"sha-512=:AAAA:, sha-256=:" + base64.b64encode(b"\x02" * 32) + b":",
      b"content-length": b"3"}, ("02" * 32, 3)),
    ({b"repr-digest": b"sha-256=:" + base64.b64encode(b"\x01" * 32) + b":"}, None),  # no length: not declared
    ({b"repr-digest": b"sha-512=:AAAA:", b"content-length": b"3"}, None),
    ({b"content-length": b"3"}, None),
])
def test_declared_digest_reads_rfc_9530(headers: dict[bytes, bytes], expected: tuple[str, int] | None) -> None:
    assert declared_digest(headers) == expected


@pytest.mark.parametrize("value", [b"sha-256=:notbase64!:", b"sha-256=:" + base64.b64encode(b"short") + b":"])
def test_a_malformed_declaration_is_refused(value: bytes) -> None:
    with pytest.raises(InputError):
        declared_digest({b"repr-digest": value, b"content-length": b"3"})
