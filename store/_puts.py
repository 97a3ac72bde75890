"""Files handed in going up to the object store in a thread of their own, while the caller records them.

An upload's files are put as soon as they are checked, before the records
transaction has even read the dossier, so the put, the slowest step, overlaps
all of the records' work. Nothing refers to a put object until the records
commit, which waits for every put; a request that fails meanwhile leaves at
most objects no record refers to, younger than the orphan sweep's grace
period, which a later sweep removes.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from store.objects import Bucket, ObjectStore, StoredObject, StreamedPut

#: a file handed in: its bytes, kept in memory, or the temporary file that holds them
Source = Path | bytes


def put_source(objects: ObjectStore, bucket: Bucket, source: Source, *, content_type: str, owner: str,
               digest: tuple[str, int], fresh: bool = False) -> StoredObject:
    """Put a file handed in, from memory or from its file (see :meth:`ObjectStore.put_file` for the options)."""
    if isinstance(source, bytes):
        return objects.put_bytes(bucket, source, content_type=content_type, owner=owner, digest=digest, fresh=fresh)
    return objects.put_file(bucket, source, content_type=content_type, owner=owner, digest=digest, fresh=fresh)


class Puts:
    """Scans going up, one after another in one thread, each put anew (no HEAD first; see ``Store.upload_components``).

    Use as a context manager (or call :meth:`close`): leaving it cancels the puts not
    started and waits for the one under way, so no thread reads bytes the caller lets
    go of afterwards.

    Args:
        objects: the object store.
        files: each file's source and content type (from its bytes).
        digests: each file's (SHA-256, size), as the caller hashed it while it came in.
        owner: the citizen the files belong to (the objects' ``owner`` metadata).
        streams: for each file, its put already under way while it arrived, or ``None``: such a put is
            finished (its held-back last chunk sent) instead of a put of the whole file: every one of
            them at once, before the other files' puts start.
    """

    def __init__(self, objects: ObjectStore, files: list[tuple[Source, str]], *, digests: list[tuple[str, int]],
                 owner: str, streams: list[StreamedPut | None] | None = None) -> None:
        self.owner = owner
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sohoa-put")
        going = streams or [None] * len(files)
        finishing = {i: stream.release() for i, stream in enumerate(going) if stream is not None}
        self._going: list[Future[StoredObject]] = [
            finishing.get(i) or self._pool.submit(put_source, objects, Bucket.SCANS, source, content_type=kind,
                                                  owner=owner, digest=digest, fresh=True)
            for i, ((source, kind), digest) in enumerate(zip(files, digests, strict=True))]

    def wait(self) -> list[StoredObject]:
        """Every file once it is in the store.

        Raises:
            TransientError: a put failed (the first failure, as the object store raised it).
        """
        return [put.result() for put in self._going]

    def close(self) -> None:
        """Cancel the puts not started and wait for the one under way: at once when :meth:`wait` returned."""
        busy = any(not put.done() for put in self._going)
        self._pool.shutdown(wait=busy, cancel_futures=True)

    def __enter__(self) -> Puts:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
