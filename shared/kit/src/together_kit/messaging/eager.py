"""Publishing a write's events at once, from memory, and marking them published in batches.

The outbox (docs/adr/0002-outbox.md) keeps a change's events in the changed document. Instead of
waking the relay to claim the document, read its events back and remove them one document at a
time, the process that wrote them leases the document in the same write (`outbox_lease_owner`,
`outbox_lease_until`: the relay skips leased documents), publishes the events it already holds
with publisher confirms, and removes them with one bulk write per batch of documents.

- Order: a document's events are published one after another, in the order they were written;
  different documents' events are in flight together (pipelined confirms).
- At least once: an event leaves the document only after its publish is confirmed. A process
  that dies first leaves its lease to expire, and the relay's sweep publishes what is left.
- A write that finds the document holding events this process is not publishing (another
  replica's, or a failed publish's) takes no lease: the relay publishes them and the new ones
  together, in order, once the holder's lease is over.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from together_kit.messaging.relay import FAILURE_PAUSE, Publish

Document = dict[str, Any]
Key = tuple[str, Any]

log = structlog.get_logger("together.outbox")

BATCH_SIZE = 200
LINGER_SECONDS = 0.02
"""How long a removal waits for others to share its bulk write: published events left in a
document a little longer cost nothing but a duplicate after a crash (absorbed by inboxes)."""
MAX_IN_FLIGHT = 256


@dataclass
class _Chain:
    """One document's events waiting to be published by this process, oldest first."""

    collection: AsyncCollection[Document]
    document_id: Any
    lease_until: float
    """The lease of the last write that gave this chain events."""
    waiting: list[Document] = field(default_factory=list)
    published: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Removal:
    collection: AsyncCollection[Document]
    document_id: Any
    lease_until: float
    published: list[str]
    completed: bool


class EagerOutbox:
    """Publishes staged events right after their write; `wake_relay` is called for the rest."""

    def __init__(
        self,
        *,
        publish: Publish,
        owner: str,
        wake_relay: Callable[[AsyncCollection[Document]], None],
        lease_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
        linger_seconds: float = LINGER_SECONDS,
    ) -> None:
        self._publish = publish
        self._owner = owner
        self._wake_relay = wake_relay
        self._lease_seconds = lease_seconds
        self._clock = clock
        self._linger = linger_seconds
        self._chains: dict[Key, _Chain] = {}
        self._unremoved: dict[Key, set[str]] = {}
        """Per document, the ids published by this process whose removal is not yet written."""
        self._relet: set[Key] = set()
        """Documents leased again by this process while it still held events of theirs: their
        removal must not assume the lease is still the one it published under (`_removal`)."""
        self._removing: dict[Key, bool] = {}
        """Documents whose removal, sent assuming their lease unchanged, has not yet landed, and
        whether a write was refused a lease meanwhile (the relay is woken once it lands)."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._removals: list[_Removal] = []
        self._removal_due = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._flushing: asyncio.Future[None] | None = None
        """The removals being written, let finish by `close` rather than cancelled with them."""
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._open = False

    def start(self) -> None:
        self._open = True
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_forever(), name="outbox-removals")

    async def close(self) -> None:
        """Stop leasing new writes, finish what is in flight and remove what was published."""
        self._open = False
        try:
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
        finally:
            if self._flusher is not None:
                self._flusher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._flusher
                self._flusher = None
            if self._flushing is not None:
                await asyncio.gather(self._flushing, return_exceptions=True)
        await self._flush()

    def lease(
        self, collection: AsyncCollection[Document], current: Mapping[str, Any] | None
    ) -> Document:
        """The lease fields for a write of events into `current` (None: a new document): this
        process's lease when every event already in it is one this process has published or is
        publishing, else none (the relay publishes them all, in order)."""
        if not self._open:
            return {}
        mine = {
            "outbox_lease_until": self._clock() + self._lease_seconds,
            "outbox_lease_owner": self._owner,
        }
        if current is None or not current.get("outbox"):
            return mine
        key = (collection.full_name, current["_id"])
        if key in self._removing:
            self._removing[key] = True
            return {}
        ours = set(self._unremoved.get(key, ()))
        if chain := self._chains.get(key):
            ours.update(chain.published, (event["id"] for event in chain.waiting))
        if not all(event["id"] in ours for event in current["outbox"]):
            return {}
        self._relet.add(key)
        return mine

    def written(
        self,
        collection: AsyncCollection[Document],
        document: Mapping[str, Any],
        events: list[Document],
        *,
        leased: bool,
    ) -> None:
        """`document` was written with `events` appended to its outbox, under this process's
        lease (`lease` gave one) or not: publish them now, or wake the relay."""
        if not events:
            return
        if not leased:
            self._wake_relay(collection)
            return
        key = (collection.full_name, document["_id"])
        lease_until = float(document["outbox_lease_until"])
        chain = self._chains.get(key)
        if chain is not None:
            chain.waiting.extend(events)
            chain.lease_until = max(chain.lease_until, lease_until)
            return
        chain = self._chains[key] = _Chain(collection, document["_id"], lease_until, list(events))
        task = asyncio.create_task(self._drain(key, chain))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: Key, chain: _Chain) -> None:
        completed = False
        try:
            async with self._slots:
                while chain.waiting:
                    event = chain.waiting[0]
                    await self._publish(event)
                    chain.published.append(event["id"])
                    chain.waiting.pop(0)
            completed = True
        except Exception as error:  # the broker is away: the relay takes over after a pause
            log.warning("eager publish failed; left to the relay", error=repr(error))
        finally:
            del self._chains[key]
            self._unremoved.setdefault(key, set()).update(chain.published)
            self._removals.append(
                _Removal(
                    chain.collection,
                    chain.document_id,
                    chain.lease_until,
                    chain.published,
                    completed,
                )
            )
            self._removal_due.set()
            if not completed:
                self._wake_relay(chain.collection)

    async def _flush_forever(self) -> None:
        while True:
            await self._removal_due.wait()
            if len(self._removals) < BATCH_SIZE:
                await asyncio.sleep(self._linger)
            self._flushing = asyncio.ensure_future(self._flush())
            try:
                await asyncio.shield(self._flushing)
            except Exception as error:  # the store is away: the leases run out, the relay sweeps
                log.warning("marking events published failed", error=repr(error))

    async def _flush(self) -> None:
        self._removal_due.clear()
        taken, self._removals = self._removals, []
        by_collection: dict[str, list[_Removal]] = {}
        for removal in taken:
            by_collection.setdefault(removal.collection.full_name, []).append(removal)
        try:
            for removals in by_collection.values():
                for start in range(0, len(removals), BATCH_SIZE):
                    await self._remove(removals[start : start + BATCH_SIZE])
        finally:  # written or not: a document still holding them is the relay's from now on
            for removal in taken:
                self._forget(removal)

    async def _remove(self, batch: list[_Removal]) -> None:
        """One bulk write; then, only if it matched fewer documents than there are removals (one
        taken to hold only this process's events held another's too), a second one of pulls."""
        collection = batch[0].collection
        whole = [self._whole(removal) for removal in batch]
        self._removing.update(
            (key, False) for key in map(self._key, batch) if key not in self._relet
        )
        operations = [
            op
            for removal, emptying in zip(batch, whole, strict=True)
            for op in self._removal(removal, whole=emptying)
        ]
        written = await collection.bulk_write(operations, ordered=False)
        if any(whole) and written.matched_count < len(batch):
            pulls = [
                op
                for removal, emptying in zip(batch, whole, strict=True)
                if emptying
                for op in self._removal(removal, whole=False)
            ]
            await collection.bulk_write(pulls, ordered=False)

    @staticmethod
    def _key(removal: _Removal) -> Key:
        return (removal.collection.full_name, removal.document_id)

    def _forget(self, removal: _Removal) -> None:
        key = self._key(removal)
        if self._removing.pop(key, False):
            self._wake_relay(removal.collection)
        left = self._unremoved.get(key, set()) - set(removal.published)
        if left:
            self._unremoved[key] = left
        else:
            self._unremoved.pop(key, None)
            if key not in self._chains:
                self._relet.discard(key)

    def _whole(self, removal: _Removal) -> bool:
        """The removal may assume the events it published are all the document holds."""
        return bool(removal.published) and self._key(removal) not in self._relet

    def _removal(self, removal: _Removal, *, whole: bool) -> list[UpdateOne]:
        """Pull what was published and give the lease back, unless a later write of this
        process leased the document again (its events are on their way): then only pull.

        Where this process leased the document again (`_relet`), which of the two is decided by
        the store, by the lease the document holds when the removal lands, not by this process
        when it sends it: that write may be in flight. Each applies only while the document
        still holds the events, so at most one of the two pulls them.

        Where it did not (`whole`, the usual case: a new document written once), the lease is
        still the one published under, and until the removal lands no write of this process
        leases the document (`lease` gives none). Then the outbox is emptied, as long as it
        holds only these events (an assignment, which the embedded store makes in SQL, where a
        `$pull` of documents reads, copies and rewrites the document in Python); if another
        process's write added some, `_remove` pulls these instead."""
        holding: Document = {"_id": removal.document_id, "outbox_lease_owner": self._owner}
        until = 0.0 if removal.completed else self._clock() + FAILURE_PAUSE
        if removal.published:
            # they leave together, so the first one tells whether they are still there (an
            # equality: the embedded store's updates ignore `$elemMatch` with `$in`)
            holding["outbox.id"] = removal.published[0]
        if whole:
            only_these = {"outbox_pending": len(removal.published)}
            return [
                UpdateOne(
                    {**holding, **only_these, "outbox_lease_until": removal.lease_until},
                    {
                        "$set": {"outbox": [], "outbox_pending": 0, "outbox_lease_until": until},
                        "$inc": {"version": 1},
                    },
                )
            ]
        pull: Document = {"$inc": {"version": 1}}
        if removal.published:
            pull["$pull"] = {"outbox": {"id": {"$in": removal.published}}}
            pull["$inc"]["outbox_pending"] = -len(removal.published)
        give_back = UpdateOne(
            {**holding, "outbox_lease_until": removal.lease_until},
            {**pull, "$set": {"outbox_lease_until": until}},
        )
        if not removal.published or self._key(removal) not in self._relet:
            return [give_back]
        only_pull = UpdateOne({**holding, "outbox_lease_until": {"$ne": removal.lease_until}}, pull)
        return [give_back, only_pull]
