"""Orphaned files (uploaded, never recorded) are swept; referenced, young and claimed files are kept.

The same tests run on the embedded store (folder + SQLite) and on the services
(SeaweedFS + PostgreSQL).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from schemas.settings import Settings
from store import Store, sweep_orphans
from store.objects import Bucket, ObjectStore, S3ObjectStore, StoredObject
from store.records import SYSTEM_WORKER, audit_trail
from tests.fixtures_services import S3_ACCESS_KEY, S3_SECRET_KEY
from tests.store.helpers import CITIZEN, DOSSIER, OFFICER, OPERATOR


@pytest.fixture(params=["embedded", "services"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        settings = Settings(data_dir=tmp_path)
    else:
        weed = request.getfixturevalue("seaweedfs")
        settings = Settings(data_dir=tmp_path, database_url=request.getfixturevalue("empty_postgres"),
                            s3_endpoint=weed.endpoint, s3_access_key=S3_ACCESS_KEY,
                            s3_secret_key=SecretStr(S3_SECRET_KEY), s3_secure=False,
                            bucket_prefix=request.getfixturevalue("bucket_prefix"))
    opened = Store.open(settings)
    yield opened
    opened.close()


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_listing_and_deleting_objects(store: Store) -> None:
    kept = store.objects.put_bytes(Bucket.SIGNED, b"%PDF kept", content_type="application/pdf", owner=CITIZEN)
    gone = store.objects.put_bytes(Bucket.SIGNED, b"%PDF gone", content_type="application/pdf", owner=CITIZEN)
    assert {o.key: o.size for o in store.objects.list_objects(Bucket.SIGNED)} == {kept.key: 9, gone.key: 9}
    store.objects.delete(Bucket.SIGNED, gone.key)
    assert not store.objects.exists(Bucket.SIGNED, gone.key)
    if isinstance(store.objects, S3ObjectStore):  # versioning is on: no old version may stay behind
        name = store.objects.bucket_name(Bucket.SIGNED)
        assert list(store.objects.client.list_objects(name, prefix=gone.key, include_version=True)) == []
    assert [o.key for o in store.objects.list_objects(Bucket.SIGNED)] == [kept.key]


def test_orphans_are_deleted_and_referenced_files_kept(store: Store, tmp_path: Path) -> None:
    recorded = store.upload_component(_file(tmp_path, "a.png", b"\x89PNG recorded scan"), citizen=CITIZEN,
                                      by=OPERATOR).component
    orphan = store.objects.put_bytes(Bucket.DOCUMENTS, b"%PDF signed by a job that crashed before its commit",
                                     content_type="application/pdf", owner=CITIZEN)
    young = sweep_orphans(store, older_than_s=3600, by=SYSTEM_WORKER)
    assert young.orphans == [] and young.looked_at == 2  # within the grace period: an upload about to commit
    dry = sweep_orphans(store, older_than_s=0, by=SYSTEM_WORKER, dry_run=True)
    assert dry.orphans == [("documents", orphan.key, orphan.size)] and not dry.deleted
    assert store.objects.exists(Bucket.DOCUMENTS, orphan.key)
    done = sweep_orphans(store, older_than_s=0, by=SYSTEM_WORKER)
    assert done.deleted and done.orphans == dry.orphans
    assert not store.objects.exists(Bucket.DOCUMENTS, orphan.key)
    assert store.objects.exists(Bucket.SCANS, recorded.scan_key)
    with store.records.transaction() as s:
        [entry] = [a for a in audit_trail(s, record_id="documents") if a.action == "sweep"]
    assert entry.detail["count"] == 1


class _SweptMeanwhile:
    """An object store whose uploads find the file already there, and a sweep deletes it right after."""

    def __init__(self, inner: ObjectStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def put_file(self, bucket: Bucket, path: Path, *, content_type: str, owner: str) -> StoredObject:
        stored = self.inner.put_file(bucket, path, content_type=content_type, owner=owner)
        self.inner.delete(bucket, stored.key)
        self.put_file = self.inner.put_file  # type: ignore[method-assign]  # only the first upload is swept
        return stored


def test_a_file_swept_between_upload_and_commit_is_uploaded_again(store: Store, tmp_path: Path) -> None:
    path = _file(tmp_path, "again.png", b"\x89PNG handed in again after a failed first try")
    store.objects.put_file(Bucket.SCANS, path, content_type="image/png", owner=CITIZEN)  # the orphan of the first try
    racing = Store(_SweptMeanwhile(store.objects), store.records)  # type: ignore[arg-type]
    component = racing.upload_component(path, citizen=CITIZEN, by=OPERATOR).component
    assert store.objects.get_bytes(Bucket.SCANS, component.scan_key) == path.read_bytes()


def test_a_dossier_upload_puts_a_stored_file_anew_so_the_sweep_grace_covers_it(store: Store, tmp_path: Path) -> None:
    """Given the orphan of a failed first try, when the file is handed in again for a dossier, the object is
    written anew (not skipped as already there): it is as young as the upload, so no sweep can take it
    between the put and the commit of its record."""
    path = _file(tmp_path, "again.png", b"\x89PNG handed in for a dossier after a failed first try")
    orphan = store.objects.put_file(Bucket.SCANS, path, content_type="image/png", owner=CITIZEN)
    store.upload_component(_file(tmp_path, "first.png", b"\x89PNG opens the dossier"), citizen=CITIZEN,
                           by=OPERATOR, dossier=DOSSIER)
    time.sleep(1.1)  # S3 keeps the modification time to the second
    started = datetime.now(UTC).replace(microsecond=0)
    [taken] = store.upload_components([(path, "again.png", "image/png")], dossier=DOSSIER, by=OFFICER)
    assert taken.created and taken.component.scan_key == orphan.key
    [listed] = [o for o in store.objects.list_objects(Bucket.SCANS) if o.key == orphan.key]
    assert listed.modified >= started
    assert store.objects.get_bytes(Bucket.SCANS, orphan.key) == path.read_bytes()
