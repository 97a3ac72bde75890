"""Multipart uploads read as a stream: each file kept in memory or spooled to a temporary file while it is hashed.

A request's files are kept in memory up to ``memory_bytes`` in all (a scan of a
few MB then goes to the object store without being written to disk and read
back); the file that would pass that bound, and every file after it, go to a
temporary file, so a request holds at most ``memory_bytes`` plus one chunk. A
file over its limit, too many files, or a body that is not multipart are refused
as soon as they are seen. The type
of a file is taken later from its bytes (``pipeline.ingest.count_pages``), never
from its name or its Content-Type. A file name is kept only as a label: any
folder part is dropped (``../../etc/passwd`` → ``passwd``).

A file part that declares its SHA-256 (``Repr-Digest`` or ``Content-Digest``,
RFC 9530: ``sha-256=:<base64>:``) and its ``Content-Length`` goes up to the
object store while it arrives (``opener``, :meth:`store.Store.open_stream`),
its last chunk held back until the bytes are known to match the declaration
and to pass the check; a part whose bytes or length differ is refused
(``digest_mismatch``, 400) and its put aborted, so nothing is stored.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from schemas.errors import ErrorCode, InputError, LimitExceeded
from store import TYPE_BYTES
from store.objects import StreamedPut

#: the largest plain (non-file) form field
MAX_FIELD_BYTES = 64 * 1024
#: how many bytes of a streamed file may wait for the object store before the body's reading waits for it
STREAM_BACKLOG_BYTES = 4 * 1024 * 1024
#: starts the put of a file whose (SHA-256, size) was declared, given its first bytes; ``None``: not streamed
Opener = Callable[[str, int, bytes], StreamedPut | None]
#: the part headers that may declare a file's digest (RFC 9530), the first one present wins
_DIGEST_HEADERS = (b"repr-digest", b"content-digest")


@dataclass
class SpooledFile:
    """One uploaded file, in memory or on disk.

    Attributes:
        field: the form field it came in.
        name: a safe label (the last part of the name the client gave).
        path: the temporary file, ``None`` when the bytes are kept in memory.
        sha256: hex SHA-256 of its bytes.
        size: length in bytes.
        head: its first bytes (for sniffing).
        chunks: the bytes as they came, when kept in memory (``path`` is ``None`` then).
        declared: the (SHA-256, size) its part declared, ``None`` when it declared none.
        stream: its put, under way since it arrived (its last chunk held back), ``None`` when not streamed.
    """

    field: str
    name: str
    path: Path | None
    sha256: str
    size: int
    head: bytes
    chunks: list[bytes] | None = None
    declared: tuple[str, int] | None = None
    stream: StreamedPut | None = None

    @property
    def data(self) -> bytes | None:
        """The bytes, when kept in memory: joined on first use, in the thread that first needs them, not in
        the event loop's (there, joining a 5 MB scan took 2.6 ms of CPU; in a worker thread 0.2 ms)."""
        if self.chunks is None:
            return None
        if len(self.chunks) != 1:
            self.chunks = [b"".join(self.chunks)]
        return self.chunks[0]

    @property
    def source(self) -> Path | bytes:
        """The bytes, or the file that holds them: what ``count_pages`` and the store take."""
        if self.path is not None:
            return self.path
        data = self.data
        assert data is not None, "a spooled file has its bytes or a path"
        return data


@dataclass
class UploadForm:
    """The parsed form: files on disk, plain fields as text. Call :meth:`cleanup` when done."""

    files: list[SpooledFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        """Delete the temporary files, let go of the bytes kept in memory, abort the puts not finished."""
        for spooled in self.files:
            if spooled.stream is not None:
                spooled.stream.abort()
            if spooled.path is not None:
                spooled.path.unlink(missing_ok=True)
            spooled.chunks = None


def safe_name(raw: str) -> str:
    """A file name fit to show and store: no folders, no control characters, NFC, at most 200 characters."""
    last = PurePosixPath(raw.replace("\\", "/")).name
    clean = "".join(ch for ch in unicodedata.normalize("NFC", last) if unicodedata.category(ch)[0] != "C").strip()
    return (clean.lstrip(".") or "upload")[:200]


def declared_digest(headers: dict[bytes, bytes]) -> tuple[str, int] | None:
    """The (hex SHA-256, size) a file part declares, or ``None`` when it declares no SHA-256 and length.

    A digest header with other algorithms only (``sha-512=…``) is no declaration; a
    ``sha-256`` member that is not 32 bytes of base64, or a length that is not a number, is.

    Raises:
        InputError: a malformed declaration (``invalid_value``).
    """
    raw = next((headers[name] for name in _DIGEST_HEADERS if name in headers), None)
    length = headers.get(b"content-length")
    if raw is None or length is None:
        return None
    members = dict(m.strip().partition(b"=")[::2] for m in raw.split(b","))
    value = members.get(b"sha-256")
    if value is None:
        return None
    try:
        digest = base64.b64decode(value.strip().strip(b":"), validate=True)
        size = int(length)
    except (binascii.Error, ValueError) as e:
        raise InputError("a file part's Repr-Digest or Content-Length is malformed",
                         detail={"repr_digest": raw.decode("latin-1")[:120]}) from e
    if len(digest) != 32 or size < 0:
        raise InputError("a file part's sha-256 digest must be 32 bytes (RFC 9530: sha-256=:<base64>:)",
                         detail={"repr_digest": raw.decode("latin-1")[:120]})
    return digest.hex(), size


def mismatch(name: str, declared: tuple[str, int], got: tuple[str, int]) -> InputError:
    """The error for a file that is not what its part declared."""
    return InputError(f"'{name}' is not the file its part declared (SHA-256 or length differ)",
                      code=ErrorCode.DIGEST_MISMATCH,
                      detail={"file": name, "declared_sha256": declared[0], "declared_size": declared[1],
                              "sha256": got[0], "size": got[1]})


class _Parser:
    """Callbacks of python-multipart, keeping file parts in memory or writing them to disk as they come.

    Each file's SHA-256 is computed in a thread of the request's own while the next
    chunks arrive (``hashlib`` lets go of the GIL): on the event loop's thread it took
    about 3.5 ms of a 5 MB scan's 6-7 ms of reading there. :func:`read_upload` waits
    for the digests once the body has ended.
    """

    def __init__(self, tmp_dir: Path, *, max_file_bytes: int, max_files: int, memory_bytes: int = 0,
                 opener: Opener | None = None) -> None:
        self.tmp_dir = tmp_dir
        self.opener = opener
        self.declared: tuple[str, int] | None = None  # the open file's declaration
        self.stream: StreamedPut | None = None  # the open file's put, when it is streamed
        self._early: list[bytes] | None = None  # the open file's chunks before its put opens (None: not to open)
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.memory_left = memory_bytes  # what the request's files may still keep in memory
        self._chunks: list[bytes] | None = None  # the open file's bytes while it is kept in memory
        self._hashing: ThreadPoolExecutor | None = None  # started with the first file
        self.digests: list[tuple[SpooledFile, Future[str]]] = []  # each file and its SHA-256 to come
        self.form = UploadForm()
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._field = ""
        self._name: str | None = None
        self._out: IO[bytes] | None = None
        self._digest = hashlib.sha256()
        self._size = 0
        self._head = b""
        self._value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {"on_part_begin": self._begin, "on_header_field": self._hfield, "on_header_value": self._hvalue,
                "on_header_end": self._hend, "on_headers_finished": self._headers_done, "on_part_data": self._data,
                "on_part_end": self._end}

    def _begin(self) -> None:
        self._headers, self._header_name, self._header_value = {}, b"", b""

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _hend(self) -> None:
        self._headers[self._header_name.strip().lower()] = self._header_value.strip()
        self._header_name, self._header_value = b"", b""

    def _headers_done(self) -> None:
        _kind, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._field = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._name = safe_name(filename.decode("utf-8", "replace")) if filename is not None else None
        self._value = bytearray()
        if self._name is not None:
            if len(self.form.files) >= self.max_files:
                raise LimitExceeded(f"at most {self.max_files} files in one upload", code=ErrorCode.REQUEST_TOO_LARGE,
                                    detail={"max_files": self.max_files})
            self._out, self._chunks = None, []
            if self._hashing is None:
                self._hashing = ThreadPoolExecutor(1, thread_name_prefix="sohoa-sha256")
            self._digest, self._size, self._head = hashlib.sha256(), 0, b""
            self.declared, self.stream, self._early = declared_digest(self._headers), None, []

    def _data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._chunks is None and self._out is None:
            self._value += chunk
            if len(self._value) > MAX_FIELD_BYTES:
                raise LimitExceeded("a form field is too long", code=ErrorCode.REQUEST_TOO_LARGE,
                                    detail={"field": self._field})
            return
        self._size += len(chunk)
        if self._size > self.max_file_bytes:
            raise LimitExceeded(f"'{self._name}' is over {self.max_file_bytes} bytes", code=ErrorCode.FILE_TOO_LARGE,
                                detail={"file": self._name, "max_bytes": self.max_file_bytes})
        if len(self._head) < 64:
            self._head = (self._head + chunk)[:64]
        if self.declared is not None:
            self._stream_chunk(chunk)
        assert self._hashing is not None
        self._hashing.submit(self._digest.update, chunk)  # in order: one thread
        if self._chunks is not None and self._size > self.memory_left:
            self._to_disk()
        if self._chunks is not None:
            self._chunks.append(chunk)
        else:
            assert self._out is not None
            self._out.write(chunk)

    def _stream_chunk(self, chunk: bytes) -> None:
        """Send a chunk of a file with a declared digest up, opening its put with the first bytes."""
        assert self.declared is not None
        if self._size > self.declared[1]:  # more bytes than declared: refused at once, its put aborted
            raise mismatch(self._name or "upload", self.declared, ("", self._size))
        if self.stream is not None:
            self.stream.feed(chunk)
            return
        if self.opener is None or self._early is None:
            return
        self._early.append(chunk)  # the chunks before the put opens: less than TYPE_BYTES before this one
        if len(self._head) >= TYPE_BYTES or self._size == self.declared[1]:
            early, self._early = self._early, None  # once: with enough of the first bytes to tell the type
            self.stream = self.opener(self.declared[0], self.declared[1], self._head)
            if self.stream is not None:
                for piece in early:
                    self.stream.feed(piece)

    def _to_disk(self) -> None:
        """Move the open file's bytes so far to a temporary file, where the rest of it goes too."""
        self._out = tempfile.NamedTemporaryFile(dir=self.tmp_dir, prefix=".api-upload-", delete=False)  # noqa: SIM115
        self._out.writelines(self._chunks or ())
        self._chunks = None
        self.memory_left = 0  # the files after this one go to disk as well: the bound holds for the request

    def _end(self) -> None:
        if self._chunks is None and self._out is None:
            self.form.fields[self._field] = self._value.decode("utf-8", "replace")
            return
        name = self._name or "upload"
        if self._chunks is not None:
            self.memory_left -= self._size
            spooled = SpooledFile(self._field, name, None, "", self._size, self._head, self._chunks)
            self._chunks = None
        else:
            assert self._out is not None
            self._out.close()
            spooled = SpooledFile(self._field, name, Path(self._out.name), "", self._size, self._head)
            self._out = None
        spooled.declared, spooled.stream = self.declared, self.stream
        self.declared, self.stream = None, None
        self.form.files.append(spooled)
        assert self._hashing is not None
        self.digests.append((spooled, self._hashing.submit(self._digest.hexdigest)))

    async def finish(self) -> None:
        """Give each file its SHA-256, once the hashing thread has caught up with the body."""
        for spooled, digest in self.digests:
            spooled.sha256 = await asyncio.wrap_future(digest)
        self._stop_hashing()
        for spooled in self.form.files:
            if spooled.declared is not None and spooled.declared != (spooled.sha256, spooled.size):
                raise mismatch(spooled.name, spooled.declared, (spooled.sha256, spooled.size))

    async def drain(self) -> None:
        """Wait while the open file's put lags too far behind the body (its chunks wait in memory)."""
        if self.stream is not None and self.stream.backlog > STREAM_BACKLOG_BYTES:
            await asyncio.to_thread(self.stream.wait_room, STREAM_BACKLOG_BYTES)

    def _stop_hashing(self) -> None:
        if self._hashing is not None:
            self._hashing.shutdown(wait=False, cancel_futures=True)
            self._hashing = None

    @property
    def unfinished(self) -> bool:
        """Whether a file part was still open when the body ended."""
        return self._out is not None or self._chunks is not None

    def abort(self) -> None:
        self._stop_hashing()
        if self.stream is not None:
            self.stream.abort()
            self.stream = None
        self._chunks = None
        if self._out is not None:
            self._out.close()
            Path(self._out.name).unlink(missing_ok=True)
            self._out = None
        self.form.cleanup()


async def read_upload(request: Request, *, tmp_dir: Path, max_file_bytes: int, max_files: int,
                      memory_bytes: int = 0, opener: Opener | None = None) -> UploadForm:
    """Read a ``multipart/form-data`` body as it streams in.

    Args:
        memory_bytes: how many bytes of its files the request may keep in memory (0: every file on disk).
        opener: starts the put of a file part that declares its digest and length (``None``: no file
            streams; a declared digest is still checked).

    Raises:
        InputError: not multipart, or malformed (``unsupported_type`` / ``invalid_value``); a file not what
            its part declared (``digest_mismatch``).
        LimitExceeded: a file over ``max_file_bytes`` (``file_too_large``), too many files or a
            field too long (``request_too_large``).
    """
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InputError("send the files as multipart/form-data", code=ErrorCode.UNSUPPORTED_TYPE,
                         detail={"content_type": request.headers.get("content-type", "")[:100]})
    tmp_dir.mkdir(parents=True, exist_ok=True)
    parser = _Parser(tmp_dir, max_file_bytes=max_file_bytes, max_files=max_files, memory_bytes=memory_bytes,
                     opener=opener)
    multipart = MultipartParser(boundary, parser.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            multipart.write(chunk)
            await parser.drain()
        multipart.finalize()
    except MultipartParseError as e:
        parser.abort()
        raise InputError(f"the multipart body is malformed: {e}", code=ErrorCode.INVALID_VALUE) from e
    except BaseException:
        parser.abort()
        raise
    if parser.unfinished:  # the body ended inside a file part
        declared = parser.declared is not None
        parser.abort()
        raise InputError("the multipart body ended early",
                         code=ErrorCode.DIGEST_MISMATCH if declared else ErrorCode.INVALID_VALUE)
    try:
        await parser.finish()
    except BaseException:
        parser.abort()
        raise
    return parser.form


@contextlib.contextmanager
def cleaned(form: UploadForm) -> Iterator[UploadForm]:
    """Delete the form's files when the block ends."""
    try:
        yield form
    finally:
        form.cleanup()
