"""Writes (or reads) asked for at the same time, made as one: a group commit without waiting.

One write is in flight at a time; whatever callers ask for meanwhile goes, all together, into the
next. An idle store sees each write at once (no latency is added), a busy one sees fewer, larger
writes: several messages in flight settle in one round trip instead of one each. A read grouped
so is sent after every caller in it asked: each gets an answer no older than its question (the
suppression lookups, which must see an unsubscribe or a bounce at once).

Used where many requests or messages write the same kind of small document at once: signups'
new people, the mail allowances and the shared rate limit's counts; notifications' messages,
their marks and outcomes, contacts and suppression lookups; matching's new profiles, the events
near new volunteers and their districts in the geocode cache. `insert_each` is the usual write of
a group of new documents: one unordered insert, each told whether it went in.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

Item = TypeVar("Item")
Result = TypeVar("Result")

MOST = 200
"""Items in one write at most."""
DUPLICATE_KEY = 11000


class GroupWrite(Generic[Item, Result]):
    """`await group(item)` is `(await write([item, ...]))[i]`, the list shared with other callers;
    an exception from the write is raised to every caller whose item it carried."""

    def __init__(self, write: Callable[[list[Item]], Awaitable[Sequence[Result]]]) -> None:
        self._write = write
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        try:
            await self._write_waiting()
        finally:  # cancelled (the loop is closing): nobody waits for ever
            for _, future in self._waiting:
                future.cancel()
            self._waiting = []

    async def _write_waiting(self) -> None:
        while self._waiting:
            taken, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
            try:
                results = await self._write([item for item, _ in taken])
            except asyncio.CancelledError:
                for _, future in taken:
                    future.cancel()
                raise
            except Exception as error:
                for _, future in taken:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(taken, results, strict=True):
                if not future.done():
                    future.set_result(result)


async def insert_each(collection: AsyncCollection[Any], documents: Sequence[Any]) -> list[bool]:
    """Insert `documents` in one unordered write: whether each went in (False: a unique key of
    it was taken, before or by a document earlier in the same write; the others go in all the
    same). Any other refusal is raised."""
    if not documents:
        return []
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        errors = error.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        taken = {e["index"] for e in errors}
        return [index not in taken for index in range(len(documents))]
    return [True] * len(documents)
