"""Reading a multipart upload: files kept in memory up to the request's bound, the rest spooled to disk."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from api._upload import UploadForm, read_upload
from schemas.errors import LimitExceeded
from tests.api.conftest import DOSSIER, Api, api_settings, tokens_for


def _request(files: list[tuple[str, bytes]], *, chunk: int = 4096) -> Request:
    """A request whose multipart body (made by httpx, as a client would) arrives in ``chunk``-byte pieces."""
    built = httpx.Request("POST", "http://test/upload", files=[("files", (n, d, "image/png")) for n, d in files])
    body = built.read()
    pieces = [body[i:i + chunk] for i in range(0, len(body), chunk)]
    messages = [{"type": "http.request", "body": p, "more_body": n < len(pieces) - 1} for n, p in enumerate(pieces)]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "path": "/upload", "query_string": b"",
             "headers": [(b"content-type", built.headers["content-type"].encode())]}
    return Request(scope, receive)  # type: ignore[arg-type]


def _read(tmp_path: Path, files: list[tuple[str, bytes]], **limits: int) -> UploadForm:
    return asyncio.run(read_upload(_request(files), tmp_dir=tmp_path, **{"max_file_bytes": 1 << 20, "max_files": 5,
                                                                           **limits}))


def test_files_are_kept_in_memory_up_to_the_bound_and_the_rest_spooled_to_disk(tmp_path: Path) -> None:
    """Given three 3000-byte files and room for 5000 bytes in memory, the first stays in memory, the second
    (which would pass the bound) and every file after it go to disk; each is hashed and sized the same way."""
    data = [os.urandom(3000) for _ in range(3)]
    form = _read(tmp_path, [(f"s{n}.png", d) for n, d in enumerate(data)], memory_bytes=5000)
    assert [f.path is None for f in form.files] == [True, False, False]
    assert form.files[0].data == form.files[0].source == data[0]
    for spooled, expected in zip(form.files, data, strict=True):
        assert (spooled.sha256, spooled.size, spooled.head) == (hashlib.sha256(expected).hexdigest(), 3000,
                                                                expected[:64])
        content = spooled.source if isinstance(spooled.source, bytes) else spooled.source.read_bytes()
        assert content == expected
    assert len(list(tmp_path.iterdir())) == 2
    form.cleanup()
    assert list(tmp_path.iterdir()) == [] and form.files[0].data is None


def test_with_no_room_in_memory_every_file_goes_to_disk(tmp_path: Path) -> None:
    form = _read(tmp_path, [("a.png", b"\x89PNG a"), ("b.png", b"\x89PNG b")], memory_bytes=0)
    assert all(f.path is not None and f.data is None for f in form.files)
    assert [f.source.read_bytes() for f in form.files if isinstance(f.source, Path)] == [b"\x89PNG a", b"\x89PNG b"]
    form.cleanup()


def test_a_file_over_its_limit_is_refused_in_memory_or_on_disk_and_nothing_is_left(tmp_path: Path) -> None:
    for memory in (0, 1 << 20):
        with pytest.raises(LimitExceeded):
            _read(tmp_path, [("ok.png", b"\x89PNG small"), ("big.png", os.urandom(50_000))], max_file_bytes=20_000,
                  memory_bytes=memory)
        assert list(tmp_path.iterdir()) == []


def test_an_upload_past_the_memory_bound_is_taken_in_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the route: a scan larger than the request's memory bound goes up from its temporary file,
    becomes a component with the same bytes, and no temporary file is left behind."""
    from fastapi.testclient import TestClient

    from api import create_app
    from schemas.settings import ApiSettings
    from store.objects import Bucket, LocalObjectStore, content_key
    from workers import fake_scan

    base = api_settings(tmp_path)
    settings = base.model_copy(update={"api": ApiSettings(**{**base.api.model_dump(), "upload_memory_bytes": 256})})
    scan = fake_scan(seed=7)
    from_files: list[Path] = []
    real_put_file = LocalObjectStore.put_file
    monkeypatch.setattr(LocalObjectStore, "put_file", lambda self, bucket, path, **kw: (
        from_files.append(path), real_put_file(self, bucket, path, **kw))[1])
    assert len(scan) > 256
    with TestClient(create_app(settings)) as client:
        api = Api(client, settings, tokens_for(settings))
        api.open_dossier()
        r = client.post(f"/v1/dossiers/{DOSSIER}/components", files=[("files", ("big.png", scan, "image/png"))],
                        headers=api.headers("officer"))
        assert r.status_code == 202, r.text
        component = api.wait_component(r.json()["items"][0]["id"])
        assert component["sha256"] == hashlib.sha256(scan).hexdigest() and component["size_bytes"] == len(scan)
        objects = LocalObjectStore(settings.data_dir / "objects")
        assert objects.get_bytes(Bucket.SCANS, content_key(component["sha256"])) == scan
    assert [p.parent for p in from_files] == [settings.data_dir / "api" / "uploads"]  # put from its temporary file
    assert [p for p in (settings.data_dir / "api" / "uploads").iterdir()] == []
