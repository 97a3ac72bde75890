"""The errors ingest raises, worded for an officer, and the limits it checks before decoding.

Every refusal is an :class:`InputError` (or :class:`LimitExceeded` for a
configured limit) with a stable code and a ``detail`` holding at least the file
name and, for limits, the limit and the value found.
"""

from __future__ import annotations

import time
from typing import Any

from schemas.errors import ErrorCode, InputError, LimitExceeded
from schemas.settings import IngestSettings

_MIB = 1024 * 1024


def input_error(code: ErrorCode, message: str, *, name: str, **detail: Any) -> InputError:
    """An :class:`InputError` with ``code`` whose detail names the file.

    Args:
        code: the stable error code.
        message: one sentence telling the officer what is wrong and what to do.
        name: the file name as the officer knows it.
        **detail: further machine-readable context (page, reason …).

    Returns:
        The error, ready to raise.
    """
    return InputError(message, code=code, detail={"name": name, **detail})


def limit_error(code: ErrorCode, message: str, *, name: str, limit: Any, value: Any, **detail: Any) -> LimitExceeded:
    """A :class:`LimitExceeded` whose detail carries the limit and the value found.

    Args:
        code: the stable error code.
        message: one sentence telling the officer what is wrong and what to do.
        name: the file name.
        limit: the configured limit.
        value: what the file has.
        **detail: further context.

    Returns:
        The error, ready to raise.
    """
    return LimitExceeded(message, code=code, detail={"name": name, "limit": limit, "value": value, **detail})


def check_bytes(size: int, *, name: str, cfg: IngestSettings) -> None:
    """Refuse an empty file or one over ``cfg.max_bytes``.

    Raises:
        InputError: ``empty_file``.
        LimitExceeded: ``file_too_large``.
    """
    if size == 0:
        raise input_error(
            ErrorCode.EMPTY_FILE, f"'{name}' is empty (0 bytes): scan or upload the document again.", name=name
        )
    if size > cfg.max_bytes:
        raise limit_error(
            ErrorCode.FILE_TOO_LARGE,
            f"'{name}' is {size / _MIB:.1f} MiB, over the {cfg.max_bytes / _MIB:.0f} MiB limit: "
            "scan at 300 dpi or split it into several files.",
            name=name,
            limit=cfg.max_bytes,
            value=size,
        )


def check_pages(count: int, *, name: str, cfg: IngestSettings) -> None:
    """Refuse a file with more than ``cfg.max_pages`` pages.

    Raises:
        LimitExceeded: ``too_many_pages``.
    """
    if count > cfg.max_pages:
        raise limit_error(
            ErrorCode.TOO_MANY_PAGES,
            f"'{name}' has {count} pages, more than the {cfg.max_pages} allowed in one file: "
            "split it into separate files.",
            name=name,
            limit=cfg.max_pages,
            value=count,
        )


def check_pixels(width: int, height: int, *, name: str, page: int, cfg: IngestSettings) -> None:
    """Refuse a page image over ``cfg.max_pixels`` before any pixel is decoded.

    Args:
        width: pixels across, as the decoder would produce them.
        height: pixels down.
        name: the file name.
        page: 1-based page number, for the message.
        cfg: the limits.

    Raises:
        LimitExceeded: ``image_too_large`` (decompression bombs land here).
    """
    if width <= 0 or height <= 0:
        raise input_error(
            ErrorCode.CORRUPT_IMAGE,
            f"'{name}' page {page} declares an image of {width}×{height} pixels: the file is damaged.",
            name=name,
            page=page,
        )
    if width * height > cfg.max_pixels:
        raise too_large(width * height, name=name, page=page, cfg=cfg, size=(width, height))


def too_large(
    pixels: int, *, name: str, page: int, cfg: IngestSettings, size: tuple[int, int] | None = None
) -> LimitExceeded:
    """The ``image_too_large`` error for a page of ``pixels`` pixels."""
    shown = f"{size[0]}×{size[1]} pixels" if size else f"{pixels:,} pixels"
    return limit_error(
        ErrorCode.IMAGE_TOO_LARGE,
        f"'{name}' page {page} is {shown}, over the limit of {cfg.max_pixels:,} pixels: "
        "scan it again at 300 dpi.",
        name=name,
        limit=cfg.max_pixels,
        value=pixels,
        page=page,
    )


class Deadline:
    """A time budget checked between steps (a stuck C call cannot be interrupted from here).

    Args:
        seconds: the budget, from ``cfg.timeout_s``.
        name: the file name, for the message.
    """

    def __init__(self, seconds: float, *, name: str) -> None:
        self._seconds = seconds
        self._name = name
        self._start = time.monotonic()

    def check(self, step: str) -> None:
        """Raise if the budget is spent.

        Args:
            step: what was being done, for the detail.

        Raises:
            LimitExceeded: ``ingest_timeout``.
        """
        elapsed = time.monotonic() - self._start
        if elapsed > self._seconds:
            raise limit_error(
                ErrorCode.INGEST_TIMEOUT,
                f"Reading '{self._name}' took longer than {self._seconds:g} s: "
                "the file is unusually complex; scan or export it again.",
                name=self._name,
                limit=self._seconds,
                value=round(elapsed, 2),
                step=step,
            )
