"""Loaded signers kept per key (an officer), the least recently used dropped past a bound.

Unlocking a PKCS#12 file or opening a token session costs far more than a
signature, so a worker keeps the keys it used last; a province with thousands of
officers must not keep them all. A signer is borrowed for one signature
(:meth:`SignerCache.lease`); one dropped from the cache while another thread still
signs with it is closed when that thread gives it back. Two threads asking for
the same key at once load it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.sign._signer import Signer


@dataclass
class _Entry:
    signer: Signer
    users: int = 0
    dropped: bool = False


class SignerCache:
    """At most ``size`` loaded signers, by key, least recently used closed first.

    Args:
        size: how many signers stay loaded (at least 1).
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._items: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._loading: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.loads = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    @contextmanager
    def lease(self, key: Hashable, load: Callable[[], Signer]) -> Iterator[Signer]:
        """Borrow the signer of ``key``, loading it with ``load()`` when it is not kept.

        Raises:
            SohoaError: whatever ``load`` raises (nothing is kept then).
        """
        entry = self._acquire(key, load)
        try:
            yield entry.signer
        finally:
            self._release(entry)

    def _take(self, key: Hashable) -> _Entry | None:
        entry = self._items.get(key)
        if entry is not None:
            self._items.move_to_end(key)
            entry.users += 1
        return entry

    def _acquire(self, key: Hashable, load: Callable[[], Signer]) -> _Entry:
        with self._lock:
            entry = self._take(key)
            if entry is not None:
                return entry
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:  # one load per key; other keys load meanwhile
            with self._lock:
                entry = self._take(key)
                if entry is not None:
                    return entry
            try:
                signer = load()
            except BaseException:
                with self._lock:
                    self._loading.pop(key, None)
                raise
            with self._lock:  # kept and no longer loading in one step: no second load slips in between
                self._loading.pop(key, None)
                self.loads += 1
                entry = self._items[key] = _Entry(signer, users=1)
                idle = self._drop_oldest()
        for old in idle:
            old.close()
        return entry

    def _drop_oldest(self) -> list[Signer]:
        idle: list[Signer] = []
        while len(self._items) > self.size:
            _, old = self._items.popitem(last=False)
            old.dropped = True
            if old.users == 0:
                idle.append(old.signer)
        return idle

    def _release(self, entry: _Entry) -> None:
        with self._lock:
            entry.users -= 1
            close = entry.dropped and entry.users == 0
        if close:
            entry.signer.close()

    def close(self) -> None:
        """Close every signer not in use now; those in use close when given back."""
        with self._lock:
            entries = list(self._items.values())
            self._items.clear()
            for entry in entries:
                entry.dropped = True
            idle = [e.signer for e in entries if e.users == 0]
        for signer in idle:
            signer.close()
