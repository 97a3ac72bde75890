"""The corpus as a whole: write ``count`` files and their manifest; read a manifest back."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from corpus._types import SampleTruth
from corpus._writer import KINDS, check_request, write_sample
from schemas.documents import DocType
from schemas.errors import ErrorCode, InputError

MANIFEST = "manifest.jsonl"


def generate_corpus(out_dir: Path, *, count: int, seed: int, kinds: Sequence[str] = KINDS,
                    doc_types: Sequence[DocType] | None = None,
                    progress: Callable[[int], None] | None = None, style: str = "in") -> list[SampleTruth]:
    """Write ``count`` files into ``out_dir`` and ``out_dir/manifest.jsonl`` (one truth per line, in order).

    Args:
        out_dir: created if missing; files already there with the same names are replaced.
        count: number of files.
        seed: the whole corpus follows from it (same seed, same bytes).
        kinds: file kinds to cycle through (see :data:`KINDS`).
        doc_types: document types to draw from; all when ``None``.
        progress: called with the number of files written so far.
        style: ``in`` (the styles training and tuning see) or ``held_out`` (a font family and a
            layout family they never see; see :func:`corpus.render_document`).

    Returns:
        The truth of every file, in manifest order.

    Raises:
        InputError: ``invalid_value`` for a negative count, an unknown kind or type.
    """
    if count < 0:
        raise InputError("count must not be negative", code=ErrorCode.INVALID_VALUE)
    usable, types = check_request(kinds, doc_types)
    out_dir.mkdir(parents=True, exist_ok=True)
    truths: list[SampleTruth] = []
    for i in range(count):
        truths.append(write_sample(out_dir, index=i, kind=usable[i % len(usable)], seed=seed, doc_types=types,
                                   style=style))
        if progress:
            progress(i + 1)
    tmp = out_dir / f".{MANIFEST}.tmp"
    tmp.write_text("".join(t.to_json() + "\n" for t in truths), encoding="utf-8")
    os.replace(tmp, out_dir / MANIFEST)
    return truths


def load_manifest(path: Path) -> list[SampleTruth]:
    """Read a ``manifest.jsonl`` (or the folder holding one).

    Raises:
        InputError: ``file_not_found`` when it is missing, ``invalid_value`` for a bad line.
    """
    file = path / MANIFEST if path.is_dir() else path
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as e:
        raise InputError(f"no manifest at {file}", code=ErrorCode.FILE_NOT_FOUND) from e
    out: list[SampleTruth] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(SampleTruth.from_json(line))
        except ValueError as e:
            raise InputError(f"{file}:{number}: {e}", code=ErrorCode.INVALID_VALUE,
                             detail={"line": number}) from e
    return out
