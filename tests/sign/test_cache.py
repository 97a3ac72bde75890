"""The officers' signer cache: bounded, least recently used dropped first, never closing a key in use, loading once.

Unit tests with stand-in signers (objects with ``close()``); the real signers go
through the same cache in ``tests/workers/test_officer_signing.py``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from pipeline.sign import SignerCache
from schemas.errors import ErrorCode, SigningError


class _Key:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def _loader(made: list[_Key], name: str, delay_s: float = 0.0) -> Any:
    def load() -> Any:
        time.sleep(delay_s)
        made.append(_Key(name))
        return made[-1]

    return load


def test_past_its_size_the_least_recently_used_key_is_closed():
    cache, made = SignerCache(2), []
    for name in ("a", "b", "a", "c"):  # "a" used again before "c" comes: "b" is the oldest
        with cache.lease(name, _loader(made, name)):
            pass
    assert [k.name for k in made] == ["a", "b", "c"]
    assert {k.name: k.closed for k in made} == {"a": 0, "b": 1, "c": 0}
    assert "a" in cache and "b" not in cache and len(cache) == 2
    cache.close()
    assert [k.closed for k in made] == [1, 1, 1]


def test_a_key_dropped_while_in_use_is_closed_when_given_back():
    cache, made = SignerCache(1), []
    with cache.lease("a", _loader(made, "a")) as a:
        with cache.lease("b", _loader(made, "b")):
            assert a.closed == 0  # dropped from the cache, still signing
        assert a.closed == 0
    assert a.closed == 1 and made[1].closed == 0


def test_two_threads_asking_for_the_same_key_load_it_once():
    cache, made = SignerCache(4), []
    got: list[Any] = []
    start = threading.Barrier(4)

    def use() -> None:
        start.wait()
        with cache.lease("a", _loader(made, "a", delay_s=0.2)) as key:
            got.append(key)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(made) == 1 and cache.loads == 1 and got == [made[0]] * 4


def test_a_key_that_fails_to_load_is_not_kept_and_is_tried_again():
    cache, made = SignerCache(2), []

    def broken() -> Any:
        raise SigningError("no key", code=ErrorCode.KEY_UNAVAILABLE)

    with pytest.raises(SigningError), cache.lease("a", broken):
        pass
    assert "a" not in cache and len(cache) == 0
    with cache.lease("a", _loader(made, "a")) as key:
        assert key is made[0]
