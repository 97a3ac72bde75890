"""The input as ingest holds it: a path on disk or bytes in memory, never both copied.

A path stays a path so that readers can open it lazily (and page workers in
other processes do not load the whole file); its SHA-256 is computed on
demand, in chunks.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.ingest._limits import check_bytes, input_error
from pipeline.ingest._sniff import HEAD_BYTES
from schemas.errors import ErrorCode
from schemas.settings import IngestSettings

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One input file.

    Attributes:
        name: the name the officer knows it by (used in messages and for the extension check).
        path: where it is on disk, or ``None`` for bytes in memory.
        data: the bytes, or ``None`` for a file on disk.
        size: its length in bytes.
        head: its first bytes, for sniffing.
    """

    name: str
    path: Path | None
    data: bytes | None
    size: int
    head: bytes

    def open(self) -> BinaryIO:
        """A fresh binary stream over the input (the caller closes it)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")

    def sha256(self) -> str:
        """The SHA-256 of the input bytes, hex."""
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256()
        with self.open() as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def load_source(source: Path | bytes, *, name: str, cfg: IngestSettings) -> Source:
    """Check that the input exists, is not empty and is within ``cfg.max_bytes``.

    Args:
        source: a path, or the file's bytes.
        name: the name to report it under.
        cfg: the ingest limits.

    Returns:
        The :class:`Source`.

    Raises:
        InputError: ``file_not_found``, ``empty_file``.
        LimitExceeded: ``file_too_large``.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        check_bytes(len(data), name=name, cfg=cfg)
        return Source(name=name, path=None, data=data, size=len(data), head=data[:HEAD_BYTES])
    path = Path(source)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(str(path))
        check_bytes(size, name=name, cfg=cfg)
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as e:
        raise input_error(
            ErrorCode.FILE_NOT_FOUND,
            f"'{name}' does not exist or cannot be read: check the path and the permissions.",
            name=name,
            path=str(path),
            reason=type(e).__name__,
        ) from e
    return Source(name=name, path=path, data=None, size=size, head=head)
