"""Writes asked for at the same time, made as one (`GroupWrite`), with a write that records what
it was given and can be made to fail or wait."""

import asyncio

import pytest
from together_kit.grouping import MOST, GroupWrite

pytestmark = pytest.mark.unit


class Writes:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.refuse: set[int] = set()
        self.gate: asyncio.Event | None = None

    async def __call__(self, items: list[int]) -> list[int]:
        self.calls.append(items)
        if self.gate is not None:
            await self.gate.wait()
        if self.refuse & set(items):
            raise ValueError(f"refused {sorted(self.refuse & set(items))}")
        return [item * 10 for item in items]


async def test_an_idle_writer_writes_one_item_at_once() -> None:
    writes = Writes()
    group = GroupWrite(writes)

    assert await group(1) == 10
    assert await group(2) == 20
    assert writes.calls == [[1], [2]]


async def test_items_asked_for_while_a_write_is_in_flight_go_together_in_the_next() -> None:
    writes = Writes()
    writes.gate = asyncio.Event()
    group = GroupWrite(writes)
    first = asyncio.ensure_future(group(1))
    await asyncio.sleep(0)  # the write of 1 has started and waits
    rest = [asyncio.ensure_future(group(n)) for n in range(2, 7)]
    await asyncio.sleep(0)
    writes.gate.set()

    assert await asyncio.gather(first, *rest) == [10, 20, 30, 40, 50, 60]
    assert writes.calls == [[1], [2, 3, 4, 5, 6]]


async def test_a_failed_write_fails_only_the_callers_whose_items_it_carried() -> None:
    writes = Writes()
    writes.gate = asyncio.Event()
    writes.refuse = {3}
    group = GroupWrite(writes)
    first = asyncio.ensure_future(group(1))
    await asyncio.sleep(0)
    refused = [asyncio.ensure_future(group(n)) for n in (2, 3)]
    await asyncio.sleep(0)
    writes.gate.set()

    assert await first == 10
    for caller in refused:
        with pytest.raises(ValueError, match=r"refused \[3\]"):
            await caller
    assert await group(4) == 40


async def test_a_write_carries_at_most_its_share() -> None:
    writes = Writes()
    group = GroupWrite(writes)

    answers = await asyncio.gather(*(group(n) for n in range(MOST + 5)))

    assert answers == [n * 10 for n in range(MOST + 5)]
    assert [len(call) for call in writes.calls] == [MOST, 5]


async def test_a_cancelled_writer_leaves_no_caller_waiting() -> None:
    writes = Writes()
    writes.gate = asyncio.Event()
    group = GroupWrite(writes)
    callers = [asyncio.ensure_future(group(n)) for n in range(3)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert group._writer is not None
    group._writer.cancel()

    for caller in callers:
        with pytest.raises(asyncio.CancelledError):
            await caller
