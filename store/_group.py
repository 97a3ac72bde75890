"""Group commit on the event loop: many concurrent callers, one round trip for all of them; and one object per loop.

Each caller awaits its own item's result; items that arrive while a round trip is in
flight wait for the next one, which takes every one of them at once. Under load a
round trip serves as many callers as arrived while the last one ran; alone, a caller
pays one round trip as before. A failed round trip fails every caller in it (each
sees the error: nothing is reported done that was not).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")
T = TypeVar("T")


class GroupRunner(Generic[In, Out]):
    """Runs ``flush(items)`` for the items submitted meanwhile, one flush at a time, on one event loop.

    Args:
        flush: takes the batch, returns one result per item in the same order (or raises).
        max_batch: the most items one flush takes (the rest wait for the next).
    """

    def __init__(self, flush: Callable[[list[In]], Awaitable[Sequence[Out]]], *, max_batch: int = 500) -> None:
        self._flush = flush
        self._max = max_batch
        self._pending: list[tuple[In, asyncio.Future[Out]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: In) -> Out:
        """``item``'s result, once the flush that took it has finished."""
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._running is None:
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[:self._max], self._pending[self._max:]
                try:
                    results = await self._flush([item for item, _ in batch])
                    if len(results) != len(batch):
                        raise RuntimeError(f"a flush of {len(batch)} items gave {len(results)} results")
                except Exception as e:  # every caller of the batch sees the failure
                    _fail(batch, e)
                    continue
                except BaseException as e:  # cancelled (the loop is closing): nobody is left waiting
                    _fail(batch + self._pending, e)
                    self._pending = []
                    raise
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._running = None


def _fail(batch: list[tuple[In, asyncio.Future[Out]]], error: BaseException) -> None:
    for _, future in batch:
        if future.done():
            continue
        if isinstance(error, Exception):
            future.set_exception(error)
        else:
            future.cancel()


class PerLoop(Generic[T]):
    """One ``T`` per running event loop, made on first use there and dropped with its loop.

    Asyncio connections (and what batches on them, a :class:`GroupRunner`) belong to the loop
    that opened them: a uvicorn worker has one loop, tests open several.

    Args:
        make: makes this loop's ``T`` (called on the loop, synchronously).
    """

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def current(self) -> T | None:
        """This loop's ``T``; ``None`` when none was made on it yet."""
        return self._loops.get(asyncio.get_running_loop())

    def get(self) -> T:
        """This loop's ``T``, made now when it has none."""
        loop = asyncio.get_running_loop()
        made = self._loops.get(loop)
        if made is None:
            made = self._loops[loop] = self._make()
        return made

    def pop(self) -> T | None:
        """Forget this loop's ``T`` (to close it); ``None`` when it had none."""
        return self._loops.pop(asyncio.get_running_loop(), None)
