"""Items under review in the moderation database; each write carries the events it causes.

Queries the moderator UI builds on: `queue` (open items, held and escalated first, then oldest
first, narrowed by a `QueueFilter`), `counts`, `get`, and `decided_between` for the audit.
"""

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from uuid import UUID

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError
from together_contracts import IntegrationEvent, email_digest
from together_kit.erasure import backfill_digests
from together_kit.messaging.outbox import AggregateCollection, AggregateNotFoundError

from moderation.adapters.documents import REJECTED_AT, Document, from_document, to_document
from moderation.domain.items import OPEN, Item, ItemNotFoundError, Kind, Status
from moderation.domain.ports import ItemChange, Sketches
from moderation.domain.queue import QueueCounts, QueueFilter
from moderation.domain.screening import Flag


class MongoItemRepository:
    """The `ItemRepository` of the handlers, on the kit's `AggregateCollection`."""

    def __init__(self, items: AggregateCollection, *, erasure_key: bytes = b"") -> None:
        self.items = items
        self.erasure_key = erasure_key

    def _stored(self, item: Item) -> Document:
        """The item's document, with the keyed digest of its author's email (erasure and access
        find stories by it; together_contracts.email_digest)."""
        document = to_document(item)
        author = document.get("author_email")
        document["author_email_digest"] = (
            email_digest(author, key=self.erasure_key) if author else None
        )
        document.pop("author_email_sha256", None)
        return document

    async def ensure_indexes(self) -> None:
        collection = self.items.collection
        await collection.create_index([("status", 1), ("priority", 1), ("created_at", 1)])
        await collection.create_index([("kind", 1), ("status", 1), ("created_at", 1)])
        await collection.create_index([("flags", 1), ("status", 1)])
        await collection.create_index([("region_key", 1), ("status", 1)])
        await collection.create_index([("status", 1), ("prompt", 1), ("decided_at", -1)])
        await collection.create_index([("kind", 1), ("status", 1), ("decided_at", -1)])
        await collection.create_index([("kind", 1), ("status", 1), ("starts_at", 1)])
        await collection.create_index("author_email_digest", sparse=True)
        await collection.create_index("caller_digest", sparse=True)
        await collection.create_index("participant", sparse=True)
        await backfill_digests(
            collection,
            address_field="author_email",
            digest_field="author_email_digest",
            key=self.erasure_key,
        )
        await collection.create_index([("status", 1), ("breach_told", 1), ("created_at", 1)])
        await collection.create_index([("last_decision_at", 1), ("first_decision_at", 1)])

    async def add(self, item: Item, *, events: Sequence[IntegrationEvent]) -> bool:
        """Store a new item with its events; False if one with its id exists (a redelivery)."""
        try:
            await self.items.insert(self._stored(item), events)
        except DuplicateKeyError:
            return False
        return True

    async def get(self, item_id: UUID) -> Item | None:
        document = await self.items.collection.find_one({"_id": str(item_id)})
        return from_document(document) if document else None

    async def change(self, item_id: UUID, change: ItemChange, *, erasing: bool = False) -> Item:
        """Apply `change` under optimistic concurrency with its events; its errors propagate.
        `erasing`: what it blanks is taken out of the item's unpublished events too."""
        changed: list[Item] = []

        def apply(document: Document) -> tuple[Document, Sequence[IntegrationEvent]]:
            item = from_document(document)
            events = change(item)
            changed[:] = [item]
            fields = self._stored(item)
            del fields["_id"]
            return fields, events

        try:
            await self.items.update(str(item_id), apply, redacting=erasing)
        except AggregateNotFoundError as error:
            raise ItemNotFoundError(item_id) from error
        return changed[0]

    async def recent_sketches(self, kind: Kind, *, limit: int) -> Sketches:
        """The duplicate sketches of the `limit` newest items of `kind` that still have content."""
        query = {"kind": kind.value, "status": {"$ne": Status.ERASED.value}}
        cursor = self.items.collection.find(query, {"sketch": 1})
        cursor = cursor.sort("created_at", DESCENDING).limit(limit)
        return [(d["_id"], list(d.get("sketch", []))) async for d in cursor]

    async def queue(
        self, query: QueueFilter, *, now: datetime, limit: int = 50, offset: int = 0
    ) -> list[Item]:
        cursor = self.items.collection.find(_queue_query(query, now))
        cursor = cursor.sort([("priority", ASCENDING), ("created_at", ASCENDING)])
        return [from_document(d) async for d in cursor.skip(offset).limit(limit)]

    async def counts(self, query: QueueFilter, *, now: datetime) -> QueueCounts:
        """How many items match `query`, in all and by status, kind and flag."""
        base = _queue_query(query, now)
        count = self.items.collection.count_documents
        return QueueCounts(
            total=await count(base),
            by_status={
                s.value: await count({**base, "status": s.value}) for s in query.wanted_statuses
            },
            by_kind={k.value: await count({**base, "kind": k.value}) for k in Kind},
            by_flag={f.value: await count(_with_flag(base, f)) for f in Flag},
        )

    async def published(
        self, *, theme: str | None, region: str | None, limit: int, offset: int
    ) -> tuple[list[Item], int]:
        """Approved stories, newest decision first."""
        query: Document = {"kind": Kind.STORY.value, "status": Status.APPROVED.value}
        if theme:
            query["prompt"] = theme
        if region:
            query["region_key"] = region.casefold()
        cursor = self.items.collection.find(query)
        cursor = cursor.sort([("decided_at", DESCENDING), ("_id", ASCENDING)])
        found = [from_document(d) async for d in cursor.skip(offset).limit(limit)]
        return found, await self.items.collection.count_documents(query)

    async def published_thanks(
        self, *, nation: str | None, worker: str | None, limit: int, offset: int
    ) -> tuple[list[Item], int]:
        """Approved thank-yous, newest decision first, narrowed by nation and kind of worker."""
        query: Document = {"kind": Kind.THANKS.value, "status": Status.APPROVED.value}
        if nation:
            query["nation"] = nation
        if worker:
            query["worker"] = worker
        cursor = self.items.collection.find(query)
        cursor = cursor.sort([("decided_at", DESCENDING), ("_id", ASCENDING)])
        found = [from_document(d) async for d in cursor.skip(offset).limit(limit)]
        return found, await self.items.collection.count_documents(query)

    async def published_thanks_regions(self) -> list[str]:
        """Where each approved thank-you comes from (one entry per thank-you)."""
        query = {"kind": Kind.THANKS.value, "status": Status.APPROVED.value}
        return [d["region"] async for d in self.items.collection.find(query, {"region": 1})]

    async def listings_starting(self, start: datetime, end: datetime) -> list[Item]:
        """Approved listings that start in [start, end), soonest first, leaving out those
        matching cancelled (`extra.cancelled`, filtered here: a day holds few)."""
        query: Document = {
            "kind": Kind.LISTING.value,
            "status": Status.APPROVED.value,
            "starts_at": {"$gte": start, "$lt": end},
        }
        cursor = self.items.collection.find(query).sort([("starts_at", ASCENDING)])
        found = [from_document(d) async for d in cursor]
        return [item for item in found if not item.extra.get("cancelled")]

    async def by_author_digest(self, digest: str) -> list[Item]:
        """Stories and thank-yous whose author email has this keyed digest (together_contracts.email_digest)."""
        cursor = self.items.collection.find({"author_email_digest": digest})
        return [from_document(d) async for d in cursor]

    async def by_caller_digest(self, digest: str) -> list[Item]:
        """Recordings, and the stories published from them, whose caller's number has this keyed
        digest (together_contracts.phone_digest)."""
        cursor = self.items.collection.find({"caller_digest": digest})
        return [from_document(d) async for d in cursor]

    async def by_participant(self, participant: str) -> list[Item]:
        """The statements a conversation's participant added (domain.talk)."""
        cursor = self.items.collection.find({"participant": participant})
        return [from_document(d) async for d in cursor]

    async def open_created_before(self, cutoff: datetime) -> AsyncIterator[Item]:
        """Open items created before `cutoff` whose breach has not been told yet (by the marker
        `breach_told` beside the nullable `breach_told_at`: together_kit.stored)."""
        query = {
            "status": {"$in": sorted(s.value for s in OPEN)},
            "breach_told": False,
            "created_at": {"$lt": cutoff},
        }
        async for document in self.items.collection.find(query).sort("created_at", ASCENDING):
            yield from_document(document)

    async def date_rejected(self) -> None:
        """At start-up: stories rejected before they carried `rejected_at` get it, so their
        retention runs (rewritten whole, so it is a real date)."""
        query = {"kind": Kind.STORY.value, "status": Status.REJECTED.value}
        undated = self.items.collection.find({**query, REJECTED_AT: {"$exists": False}}, {"_id": 1})
        for item_id in [UUID(document["_id"]) async for document in undated]:
            await self.change(item_id, lambda _: [])

    async def decided_between(self, start: datetime, end: datetime) -> AsyncIterator[Item]:
        """Items with decisions in [start, end), for the audit export; an item may also carry
        decisions outside the range, so filter `item.decisions` by `at`."""
        query = {"first_decision_at": {"$lt": end}, "last_decision_at": {"$gte": start}}
        cursor = self.items.collection.find(query).sort("last_decision_at", ASCENDING)
        async for document in cursor:
            yield from_document(document)


def _queue_query(query: QueueFilter, now: datetime) -> Document:
    found: Document = {"status": {"$in": sorted(s.value for s in query.wanted_statuses)}}
    if query.kind is not None:
        found["kind"] = query.kind.value
    if query.flag is not None:
        found["flags"] = query.flag.value
    if query.region:
        found["region_key"] = query.region.casefold()
    if query.older_than is not None:
        found["created_at"] = {"$lt": now - query.older_than}
    return found


def _with_flag(query: Document, flag: Flag) -> Document:
    if "flags" in query and query["flags"] != flag.value:
        return {**query, "_id": None}
    return {**query, "flags": flag.value}
