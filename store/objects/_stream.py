"""A put fed chunk by chunk while the file still arrives, whose last chunk waits for the caller's word.

A file whose sender declared its SHA-256 and length can go to its content key
while it is received: the request to the object store opens with that length,
and each chunk is sent as it comes. The last chunk is held back until the
caller says the bytes are right (their digest and length match the declaration,
their type passed the check): :meth:`StreamedPut.finish` sends it and waits for
the answer, :meth:`StreamedPut.abort` closes the connection before it, so the
object store sees a body shorter than its length and keeps nothing.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future

from store.objects._base import StoredObject

#: what sends the body: the object store's request, reading the chunks as they are handed over
Sender = Callable[[Iterator[bytes]], StoredObject]


class PutAborted(Exception):  # noqa: N818 - not an error of ours: it only stops the request's body mid-way
    """Raised inside the request's body to stop it before its last byte (never an ``OSError``: the HTTP
    client then closes the connection instead of retrying)."""


class StreamedPut:
    """One object going up while its bytes arrive; the request runs in a thread of its own.

    Args:
        send: sends the request with the body it is given and returns the stored object.
    """

    def __init__(self, send: Sender) -> None:
        self._cond = threading.Condition()
        self._queue: deque[bytes] = deque()
        self._backlog = 0  # bytes handed over and not yet taken by the request
        self._held: bytes | None = None  # the latest chunk: it may be the last one
        self._state = "open"  # open → released (finish) or aborted
        self._done = False
        self._result: Future[StoredObject] = Future()
        self._thread = threading.Thread(target=self._run, args=(send,), name="sohoa-stream-put", daemon=True)
        self._thread.start()

    def _run(self, send: Sender) -> None:
        try:
            self._result.set_result(send(self._body()))
        except BaseException as e:  # handed to whoever waits for the put
            self._result.set_exception(e)
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def _body(self) -> Iterator[bytes]:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._queue) or self._state != "open")
                if self._state == "aborted":
                    raise PutAborted
                if not self._queue:
                    return
                chunk = self._queue.popleft()
                self._backlog -= len(chunk)
                self._cond.notify_all()
            yield chunk

    def feed(self, chunk: bytes) -> None:
        """Hand over the next chunk; the one before it goes out now, this one is held back."""
        with self._cond:
            if not chunk or self._state != "open" or self._done:
                return  # an empty chunk held back would hold nothing back
            if self._held is not None:
                self._queue.append(self._held)
                self._backlog += len(self._held)
                self._cond.notify_all()
            self._held = chunk

    @property
    def backlog(self) -> int:
        """Bytes handed over that the request has not taken yet."""
        return self._backlog

    def wait_room(self, limit: int) -> None:
        """Block until at most ``limit`` bytes wait for the request (or it ended): the caller's back-pressure."""
        with self._cond:
            self._cond.wait_for(lambda: self._backlog <= limit or self._done or self._state != "open")

    def finish(self) -> StoredObject:
        """Send the held-back chunk and wait for the object store's answer.

        Raises:
            PutAborted: the put was aborted before.
            SohoaError: as the sender raised it (the object store refused or failed).
        """
        return self.release().result()

    def release(self) -> Future[StoredObject]:
        """Send the held-back chunk; the object store's answer is to come (see :meth:`finish`)."""
        with self._cond:
            if self._state == "open":
                if self._held is not None:
                    self._queue.append(self._held)
                    self._backlog += len(self._held)
                    self._held = None
                self._state = "released"
                self._cond.notify_all()
        return self._result

    def abort(self, *, wait_s: float = 0.0) -> None:
        """Stop the request before its last chunk (a no-op once :meth:`finish` was called).

        Args:
            wait_s: how long to wait for the request's thread to have closed the connection.
        """
        with self._cond:
            if self._state == "open":
                self._state = "aborted"
                self._held = None
                self._queue.clear()
                self._backlog = 0
                self._cond.notify_all()
        if wait_s:
            self._thread.join(wait_s)

    @property
    def aborted(self) -> bool:
        """Whether :meth:`abort` stopped it."""
        return self._state == "aborted"
