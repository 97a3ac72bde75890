"""The guard around verifying one file: a time limit, one kind of failure per signature, and quiet libraries.

A hostile file must not hang the verifier nor print a library's traceback.
The work checks a :class:`Deadline` between steps (every signature, every
object compared), and the coroutines it hands to pyHanko are waited on with
what is left of it. Should a step still run past the limit (a pure-Python loop
deep in a library), :func:`interrupt` raises :class:`VerifyTimeout` inside the
thread that runs it, and the caller moves on with a stable error.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from schemas.errors import ErrorCode, VerificationError

T = TypeVar("T")

#: the loggers of the libraries we call; what they log is in our report already
_LIBRARY_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "pdfminer", "pikepdf", "fontTools", "asyncio")


class VerifyTimeout(BaseException):
    """Verifying one file ran past its time limit (turned into ``verify_timeout`` by the caller)."""


class Deadline:
    """The time left to verify one file.

    Args:
        seconds: the budget.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (never below a small positive floor, so waits do not spin)."""
        return max(self._end - time.monotonic(), 0.001)

    def expired(self) -> bool:
        """Whether the budget is spent."""
        return time.monotonic() >= self._end

    def check(self) -> None:
        """Stop the work when the budget is spent.

        Raises:
            VerifyTimeout: the time limit has passed.
        """
        if self.expired():
            raise VerifyTimeout(f"verification ran past its limit of {self.seconds:g} s")


def timeout_error(seconds: float) -> VerificationError:
    """The error a caller gets for a file that ran past its time limit."""
    return VerificationError(
        f"verifying the file took longer than the limit of {seconds:g} s; it was stopped",
        code=ErrorCode.VERIFY_TIMEOUT, detail={"limit_s": seconds},
    )


def interrupt(thread: threading.Thread) -> None:
    """Raise :class:`VerifyTimeout` inside ``thread`` at its next Python instruction.

    A thread blocked in C code (a lock, a system call) gets it when it returns to Python.
    """
    ident = thread.ident
    if ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(VerifyTimeout))


def run_with_limit(fn: Callable[[], T], deadline: Deadline, *, name: str = "sohoa-verify-file") -> T:
    """Run ``fn`` in a worker thread and wait for it at most until ``deadline``.

    Args:
        fn: the work; its exception, if any, is raised here.
        deadline: the budget.
        name: the worker thread's name.

    Returns:
        What ``fn`` returned.

    Raises:
        VerifyTimeout: ``fn`` did not finish in time (it is interrupted and left to end on its own).
    """
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the caller, whatever it is
            box["error"] = e

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    thread.join(deadline.remaining() + 0.5)  # the work checks the deadline itself; this is the backstop
    if thread.is_alive():
        interrupt(thread)
        raise VerifyTimeout(f"verification ran past its limit of {deadline.seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def quiet_library_logs() -> None:
    """Keep pyHanko's, certvalidator's and the PDF libraries' diagnostics off stderr.

    Each failure they log (an untrusted chain, a disallowed algorithm) is a line
    of the report already; their tracebacks beside it read as a crash. Call once
    in a process that verifies files (the CLI does; a server may prefer its own
    logging configuration).
    """
    for name in _LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
