"""The store facade: what ``sohoa demo`` calls to keep a result, and the intake step of ``sohoa ingest``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from schemas.errors import ConflictError, ErrorCode, InputError, TransientError
from schemas.settings import Settings
from store import Store, content_type_of
from store.objects import Bucket, ObjectStore, StoredObject
from store.records import SYSTEM_WORKER, audit_trail, find_duplicates, get_dossier
from tests.store.helpers import CITIZEN, DOSSIER, OFFICER, OTHER, PROCEDURE, result


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(Settings(data_dir=tmp_path))


def test_demo_keeps_a_result_and_lists_it_back(store: Store) -> None:
    res = result("khai_sinh", fields={"ho_ten": "Lê Thị Hoa", "so_dinh_danh": CITIZEN})
    kept = store.keep_digitized(res, scan=b"\x89PNG scan bytes", searchable_pdf=b"%PDF-1.7 searchable",
                                citizen=CITIZEN, by=OFFICER, dossier=DOSSIER, procedure=PROCEDURE)
    assert [(d.doc_type, d.ho_ten, d.ma_ho_so) for d in kept] == [("khai_sinh", "Lê Thị Hoa", DOSSIER)]
    assert store.objects.get_bytes(Bucket.SCANS, kept[0].source_scan_key or "") == b"\x89PNG scan bytes"
    assert store.objects.get_bytes(Bucket.DOCUMENTS, kept[0].searchable_pdf_key or "") == b"%PDF-1.7 searchable"
    assert [d.id for d in store.documents_of(CITIZEN, by=OFFICER)] == [kept[0].id]
    with store.records.transaction() as s:
        assert audit_trail(s, citizen=CITIZEN)[0].action == "read_documents"


def test_intake_refuses_bad_input_before_uploading(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        store.upload_component(empty, citizen=CITIZEN, by=OFFICER)
    assert caught.value.code == ErrorCode.EMPTY_FILE
    full = tmp_path / "a.png"
    full.write_bytes(b"\x89PNG\r\n\x1a\nbytes")
    with pytest.raises(InputError) as bad_id:
        store.upload_component(full, citizen="12345", by=OFFICER)
    assert bad_id.value.code == ErrorCode.INVALID_ID_NUMBER
    with pytest.raises(InputError) as bad_dossier:
        store.upload_component(full, citizen=CITIZEN, by=OFFICER, dossier="000.00.15.H55-230230-0001")
    assert bad_dossier.value.code == ErrorCode.INVALID_DOSSIER_CODE  # 30 February
    assert not any((store.objects.root / "scans").rglob("*.meta.json"))  # type: ignore[attr-defined]


def test_content_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    for name, head, kind in (("a.jpg", b"%PDF-1.4", "application/pdf"), ("b.pdf", b"\xff\xd8\xff\xe0", "image/jpeg"),
                             ("c.bin", b"II*\x00", "image/tiff"), ("d.png", b"????", "image/png")):
        path = tmp_path / name
        path.write_bytes(head + b"...")
        assert content_type_of(path) == kind


class _FailingPuts:
    """An object store whose puts of ``failing`` bytes fail as an S3 outage would."""

    def __init__(self, inner: ObjectStore, failing: bytes) -> None:
        self.inner, self.failing = inner, failing

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def put_file(self, bucket: Bucket, path: Path, **kw: object) -> StoredObject:
        if path.read_bytes() == self.failing:
            raise TransientError("the object store is unreachable")
        return self.inner.put_file(bucket, path, **kw)  # type: ignore[arg-type]

    def put_bytes(self, bucket: Bucket, data: bytes, **kw: object) -> StoredObject:
        if data == self.failing:
            raise TransientError("the object store is unreachable")
        return self.inner.put_bytes(bucket, data, **kw)  # type: ignore[arg-type]


def _files(tmp_path: Path, *contents: bytes) -> list[tuple[Path, str, str]]:
    files = []
    for n, data in enumerate(contents):
        path = tmp_path / f"scan-{n}.png"
        path.write_bytes(data)
        files.append((path, path.name, "image/png"))
    return files


def test_a_dossier_upload_records_every_file_once_all_are_stored(store: Store, tmp_path: Path) -> None:
    store.upload_component(_files(tmp_path, b"\x89PNG opens the dossier")[0][0], citizen=CITIZEN, by=OFFICER,
                           dossier=DOSSIER)
    taken = store.upload_components(_files(tmp_path, b"\x89PNG one", b"\x89PNG two"), dossier=DOSSIER, by=OFFICER)
    assert [t.created for t in taken] == [True, True]
    for t, data in zip(taken, (b"\x89PNG one", b"\x89PNG two"), strict=True):
        assert store.objects.get_bytes(Bucket.SCANS, t.component.scan_key) == data
        assert t.component.scan_sha256 == hashlib.sha256(data).hexdigest()


def test_a_put_that_fails_while_the_records_are_written_leaves_no_record(store: Store, tmp_path: Path) -> None:
    """Given two files where the second cannot be stored, when both are handed in, then neither becomes a
    component: the records written meanwhile are rolled back (the first file is an orphan for the sweep)."""
    store.upload_component(_files(tmp_path, b"\x89PNG opens the dossier")[0][0], citizen=CITIZEN, by=OFFICER,
                           dossier=DOSSIER)
    failing = Store(_FailingPuts(store.objects, b"\x89PNG cannot go up"), store.records)  # type: ignore[arg-type]
    with pytest.raises(TransientError):
        failing.upload_components(_files(tmp_path, b"\x89PNG goes up", b"\x89PNG cannot go up"), dossier=DOSSIER,
                                  by=OFFICER)
    with store.records.transaction() as s:
        assert len(get_dossier(s, SYSTEM_WORKER, DOSSIER)[1]) == 1


def test_an_upload_of_a_file_already_in_the_citizens_store_names_its_documents(store: Store, tmp_path: Path) -> None:
    """Given a scan digitized into a document of the citizen's store, when an officer of the agency hands the same
    bytes in to another dossier of that citizen, then the new component names that document (the hits and the
    audit line find_duplicates gives), and a first-seen file names none."""
    scan = b"\x89PNG scanned once"
    kept = store.keep_digitized(result("khai_sinh", fields={"ho_ten": "Lê Thị Hoa"}), scan=scan, citizen=CITIZEN,
                                by=OFFICER, dossier=DOSSIER, procedure=PROCEDURE)
    second = "000.00.15.H55-230612-0002"
    store.upload_component(_files(tmp_path, b"\x89PNG opens the second dossier")[0][0], citizen=CITIZEN,
                           by=OFFICER, dossier=second)
    (tmp_path / "again").mkdir()
    files = _files(tmp_path / "again", scan, b"\x89PNG never seen")
    taken = store.upload_components(files, dossier=second, by=OFFICER)
    with store.records.transaction() as s:
        expected = find_duplicates(s, OFFICER, CITIZEN, sha256=hashlib.sha256(scan).hexdigest(),
                                   exclude=taken[0].component.document_ids)
        actions = [line.action for line in audit_trail(s, citizen=CITIZEN, limit=5)]
    assert [h.document_id for h in taken[0].duplicates] == [kept[0].id] and taken[0].duplicates[0].match == "sha256"
    assert list(taken[0].duplicates) == expected and taken[1].duplicates == ()
    assert "find_duplicates" in actions


def _in_memory(*contents: bytes) -> tuple[list[tuple[bytes, str, str]], list[tuple[str, int]]]:
    files = [(data, f"scan-{n}.png", "image/png") for n, data in enumerate(contents)]
    return files, [(hashlib.sha256(data).hexdigest(), len(data)) for data in contents]


def _open_dossier(store: Store, tmp_path: Path) -> None:
    store.upload_component(_files(tmp_path, b"\x89PNG opens the dossier")[0][0], citizen=CITIZEN, by=OFFICER,
                           dossier=DOSSIER)


def test_files_kept_in_memory_go_up_while_the_caller_started_their_puts(store: Store, tmp_path: Path) -> None:
    """Given an upload kept in memory whose puts the caller started (before the records transaction), when the
    store records them, then each component points at its bytes, stored once every put ended."""
    _open_dossier(store, tmp_path)
    files, digests = _in_memory(b"\x89PNG kept in memory", b"\xff\xd8\xff also in memory")
    with store.start_puts([(data, kind) for data, _name, kind in files], digests=digests, owner=CITIZEN) as puts:
        taken = store.upload_components(files, dossier=DOSSIER, by=OFFICER, digests=digests, puts=puts)
    for t, (data, _name, _kind) in zip(taken, files, strict=True):
        assert t.created and store.objects.get_bytes(Bucket.SCANS, t.component.scan_key) == data


def test_puts_started_for_another_citizen_are_refused_and_nothing_is_recorded(store: Store, tmp_path: Path) -> None:
    _open_dossier(store, tmp_path)
    files, digests = _in_memory(b"\x89PNG meant for someone else")
    with store.start_puts([(files[0][0], "image/png")], digests=digests, owner=OTHER) as puts, \
            pytest.raises(ConflictError):
        store.upload_components(files, dossier=DOSSIER, by=OFFICER, digests=digests, puts=puts)
    with store.records.transaction() as s:
        assert len(get_dossier(s, SYSTEM_WORKER, DOSSIER)[1]) == 1


def test_a_started_put_that_fails_leaves_no_record(store: Store, tmp_path: Path) -> None:
    _open_dossier(store, tmp_path)
    failing = Store(_FailingPuts(store.objects, b"\x89PNG cannot go up"), store.records)  # type: ignore[arg-type]
    files, digests = _in_memory(b"\x89PNG goes up", b"\x89PNG cannot go up")
    with failing.start_puts([(d, k) for d, _n, k in files], digests=digests, owner=CITIZEN) as puts, \
            pytest.raises(TransientError):
        failing.upload_components(files, dossier=DOSSIER, by=OFFICER, digests=digests, puts=puts)
    with store.records.transaction() as s:
        assert len(get_dossier(s, SYSTEM_WORKER, DOSSIER)[1]) == 1
