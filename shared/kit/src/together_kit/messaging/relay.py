"""The outbox relay: publishes pending events with publisher confirms, then removes them.

A relay claims one document at a time with a lease (`outbox_lease_until`), so two replicas never
publish the same document's events at once, and publishes that document's events in order. A relay
that dies mid-way leaves its lease to expire; the next pass of any relay (this one restarted, or
another replica) re-claims the document and publishes what is left: that is the sweeper. An event
may therefore be published twice, never lost; consumers' inboxes absorb the duplicates.

Woken by a write that staged events, a pass drains only the collections written to since the last
pass; every collection is swept at start, after a failure, on the last pass and at least once a
poll interval, however busy (another replica's leftovers, a failed document's second try). Each claim is a store round trip, and one that finds nothing costs
as much as one that finds something: draining every collection on every wake made those empty
claims 5 of notifications' 17 store commands per email.
"""

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import uuid4

import structlog
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
Publish = Callable[[Document], Awaitable[None]]

log = structlog.get_logger("together.relay")

FAILURE_PAUSE = 1.0
"""Seconds a document whose publishing failed waits before any relay tries it again."""


class OutboxRelay:
    def __init__(
        self,
        *,
        publish: Publish,
        collections: Sequence[AsyncCollection[Document]] = (),
        lease_seconds: float = 30.0,
        poll_seconds: float = 1.0,
        concurrency: int = 8,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._collections = list(collections)
        self._publish = publish
        self._lease_seconds = lease_seconds
        self._poll_seconds = poll_seconds
        self._concurrency = concurrency
        self._clock = clock
        self._owner = uuid4().hex
        self._wake = asyncio.Event()
        self._written: set[str] = set()
        self._stopping = False

    @property
    def owner(self) -> str:
        """Whose leases this relay's: the same process's eager outbox leases under it too."""
        return self._owner

    def watch(self, collection: AsyncCollection[Document]) -> None:
        self._collections.append(collection)

    def wake(self, collection: AsyncCollection[Document] | None = None) -> None:
        """Events were staged in `collection` (or anywhere, if not said): drain it now."""
        if collection is not None:
            self._written.add(collection.full_name)
        self._wake.set()

    def stop(self) -> None:
        """Ask `run` to return after one more pass, so nothing it has claimed is cut short."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Drain until stopped or cancelled; sleep until woken or the next sweep is due."""
        self._stopping = False  # a runtime may be started again after a stop
        failed = False
        swept_at = -math.inf
        while True:
            self._wake.clear()
            stopping = self._stopping
            sweep = stopping or failed or time.monotonic() - swept_at >= self._poll_seconds
            if sweep:
                swept_at, self._written = time.monotonic(), set()
            chosen = self._collections if sweep else self._written_since()
            try:
                if failed:
                    await self.release_own_leases()
                published = await self.drain(chosen)
                failed = False
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the store or broker is down: try again after a pause
                log.warning("outbox relay pass failed", error=repr(error))
                published = 0
                failed = True
            if stopping:
                return
            if published:
                continue
            next_sweep = swept_at + self._poll_seconds - time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, next_sweep))

    def _written_since(self) -> list[AsyncCollection[Document]]:
        """The collections staged in since the last pass, forgotten now: staging during this
        pass marks them again."""
        written, self._written = self._written, set()
        return [c for c in self._collections if c.full_name in written]

    async def drain(self, collections: Sequence[AsyncCollection[Document]] | None = None) -> int:
        """Publish every pending event this relay can claim now (in `collections`, by default
        all); return how many it published."""
        total = 0
        for collection in self._collections if collections is None else collections:
            while claimed := await self._claim_batch(collection):
                # every document settles before a failure propagates: none is still being
                # published when the next pass gives this relay's leases back
                results = await asyncio.gather(
                    *(self._publish_document(collection, d) for d in claimed),
                    return_exceptions=True,
                )
                total += sum(r for r in results if isinstance(r, int))
                for result in results:
                    if isinstance(result, BaseException):
                        raise result
                if len(claimed) < self._concurrency:
                    break  # the last claim found nothing: staged since, it was woken for again
        return total

    async def release_own_leases(self) -> int:
        """Give back every lease this relay holds; call only between passes (nothing in flight).

        A claim whose reply was lost to a broken store connection leaves a document leased to this
        relay that it never saw: without this it would wait out the whole lease (found by
        tests/reliability, flaky network: emails ~30 s late)."""
        released = 0
        for collection in self._collections:
            result = await collection.update_many(
                {"outbox_lease_owner": self._owner, "outbox_lease_until": {"$gt": 0.0}},
                {"$set": {"outbox_lease_until": 0.0}, "$inc": {"version": 1}},
            )
            released += result.modified_count
        return released

    async def backlog(self) -> int:
        total = 0
        for collection in self._collections:
            pipeline: list[Document] = [
                {"$match": {"outbox_pending": {"$gt": 0}}},
                {"$group": {"_id": None, "n": {"$sum": "$outbox_pending"}}},
            ]
            async for row in await collection.aggregate(pipeline):
                total += int(row["n"])
        return total

    async def claim(self, collection: AsyncCollection[Document]) -> Document | None:
        now = self._clock()
        return await collection.find_one_and_update(
            {"outbox_pending": {"$gt": 0}, "outbox_lease_until": {"$lt": now}},
            {
                "$set": {
                    "outbox_lease_until": now + self._lease_seconds,
                    "outbox_lease_owner": self._owner,
                },
                "$inc": {"version": 1},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def _claim_batch(self, collection: AsyncCollection[Document]) -> list[Document]:
        batch: list[Document] = []
        while len(batch) < self._concurrency and (document := await self.claim(collection)):
            batch.append(document)
        return batch

    async def _publish_document(
        self, collection: AsyncCollection[Document], document: Document
    ) -> int:
        published: list[str] = []
        completed = False
        try:
            for event in document["outbox"]:
                await self._publish(event)
                published.append(event["id"])
            completed = True
        finally:
            await collection.update_one(
                {"_id": document["_id"], "outbox_lease_owner": self._owner},
                {
                    "$pull": {"outbox": {"id": {"$in": published}}},
                    "$inc": {"outbox_pending": -len(published), "version": 1},
                    "$set": {
                        "outbox_lease_until": 0.0 if completed else self._clock() + FAILURE_PAUSE
                    },
                },
            )
        return len(published)
