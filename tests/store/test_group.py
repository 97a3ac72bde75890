"""Group commit (``store.GroupRunner``): concurrent callers share flushes, each gets its own result or the error;
and ``store.PerLoop``, one object per event loop."""

from __future__ import annotations

import asyncio

import pytest

from store import GroupRunner, PerLoop


def test_callers_that_arrive_during_a_flush_share_the_next_one() -> None:
    batches: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0.01)  # a round trip, while more callers arrive
        return [n * 10 for n in items]

    async def main() -> list[int]:
        runner: GroupRunner[int, int] = GroupRunner(flush)
        return await asyncio.gather(*(runner.submit(n) for n in range(50)))

    assert asyncio.run(main()) == [n * 10 for n in range(50)]
    assert sorted(n for batch in batches for n in batch) == list(range(50))
    assert len(batches) < 10, batches


def test_a_failed_flush_fails_its_callers_and_the_next_flush_still_runs() -> None:
    async def flush(items: list[int]) -> list[int]:
        await asyncio.sleep(0)
        if 3 in items:
            raise OSError("the database went away")
        return items

    async def main() -> tuple[list[int | BaseException], int]:
        runner: GroupRunner[int, int] = GroupRunner(flush)
        first = await asyncio.gather(*(runner.submit(n) for n in range(5)), return_exceptions=True)
        return first, await runner.submit(7)

    first, later = asyncio.run(main())
    assert all(isinstance(r, OSError) for r in first)  # the five shared the failed flush: none is reported done
    assert later == 7


def test_a_flush_that_answers_for_fewer_items_than_it_took_fails_them_all() -> None:
    async def flush(items: list[int]) -> list[int]:
        return items[:1]

    async def main() -> None:
        runner: GroupRunner[int, int] = GroupRunner(flush, max_batch=2)
        await asyncio.gather(runner.submit(1), runner.submit(2))

    with pytest.raises(RuntimeError, match="gave 1 results"):
        asyncio.run(main())


def test_per_loop_makes_one_object_per_event_loop_and_forgets_it_on_pop() -> None:
    made: list[object] = []

    def make() -> object:
        made.append(object())
        return made[-1]

    per_loop = PerLoop(make)

    async def twice() -> tuple[object | None, object, object, object | None, object | None]:
        before = per_loop.current()
        first, again = per_loop.get(), per_loop.get()
        return before, first, again, per_loop.pop(), per_loop.current()

    before, first, again, popped, after = asyncio.run(twice())
    assert before is None and first is again is popped and after is None
    other = asyncio.run(twice())[1]  # another loop: another object
    assert other is not first and made == [first, other]
