"""The delivery log: one document per message, `_id` = its key (cause event, recipient, template).

An aggregate: a message's final status and its `notification.sent` / `notification.failed` event
are one write. Status changes are conditional on the current status, so two dispatchers never both
claim a message, and a stale writer never undoes a newer state.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError
from together_contracts import Event
from together_kit.outbox import AggregateCollection

from notifications.domain.messages import Status

Document = dict[str, Any]
TIMES = ("queued_at", "not_before", "sending_at", "sent_at", "failed_at", "unknown_at")
"""Stored as epoch seconds: the embedded store keeps a datetime written by `$set` as a string,
which would no longer compare with the datetimes it was inserted with."""


def stored(document: Document) -> Document:
    return {k: v.timestamp() if isinstance(v, datetime) else v for k, v in document.items()}


def loaded(document: Document) -> Document:
    times = {k: datetime.fromtimestamp(document[k], UTC) for k in TIMES if document.get(k)}
    return {**document, **times}


class MessageRepository(Protocol):
    async def record(self, document: Document) -> bool: ...
    async def get(self, key: str) -> Document | None: ...
    async def due(self, now: datetime, *, limit: int) -> list[str]: ...
    async def claim(self, key: str, *, now: datetime) -> Document | None: ...
    async def requeue(self, key: str, *, not_before: datetime, reason: str) -> None: ...
    async def finish(
        self, key: str, *, status: Status, fields: Document, events: Sequence[Event]
    ) -> None: ...
    async def mark_unknown(self, *, sending_before: datetime, now: datetime) -> int: ...
    async def invitations_since(
        self, recipient_hash: str, since: datetime, *, excluding: str
    ) -> list[datetime]: ...
    async def for_recipient(self, recipient_hash: str, *, limit: int) -> list[Document]: ...
    async def recent(self, *, limit: int) -> list[Document]: ...
    async def scrub_person(self, person_id: str) -> None: ...


class MongoMessageRepository:
    def __init__(self, messages: AggregateCollection) -> None:
        self.messages = messages
        self.collection = messages.collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("status", ASCENDING), ("not_before", ASCENDING)])
        await self.collection.create_index(
            [("recipient_hash", ASCENDING), ("queued_at", DESCENDING)]
        )
        await self.collection.create_index("person_id")

    async def record(self, document: Document) -> bool:
        """Insert the intent; False if this key was recorded before (then nothing changes)."""
        try:
            await self.messages.insert(stored(document), [])
        except DuplicateKeyError:
            return False
        return True

    async def get(self, key: str) -> Document | None:
        document = await self.collection.find_one({"_id": key})
        return loaded(document) if document else None

    async def due(self, now: datetime, *, limit: int) -> list[str]:
        query = {"status": Status.QUEUED.value, "not_before": {"$lte": now.timestamp()}}
        cursor = self.collection.find(query, {"_id": 1}).sort("not_before", ASCENDING).limit(limit)
        return [document["_id"] async for document in cursor]

    async def claim(self, key: str, *, now: datetime) -> Document | None:
        """queued -> sending for exactly one caller, counting the attempt."""
        document = await self.collection.find_one_and_update(
            {"_id": key, "status": Status.QUEUED.value, "not_before": {"$lte": now.timestamp()}},
            {
                "$set": {"status": Status.SENDING.value, "sending_at": now.timestamp()},
                "$inc": {"attempts": 1, "version": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        return loaded(document) if document else None

    async def requeue(self, key: str, *, not_before: datetime, reason: str) -> None:
        await self.collection.update_one(
            {"_id": key, "status": Status.SENDING.value},
            {
                "$set": {
                    "status": Status.QUEUED.value,
                    "not_before": not_before.timestamp(),
                    "reason": reason,
                },
                "$inc": {"version": 1},
            },
        )

    async def finish(
        self, key: str, *, status: Status, fields: Document, events: Sequence[Event]
    ) -> None:
        """sending -> a final status, with the events that tell it (nothing if not `sending`)."""

        def change(document: Document) -> tuple[Document, Sequence[Event]]:
            if document["status"] != Status.SENDING.value:
                return {}, []
            return {**stored(fields), "status": status.value}, events

        await self.messages.update(key, change)

    async def mark_unknown(self, *, sending_before: datetime, now: datetime) -> int:
        updated = await self.collection.update_many(
            {"status": Status.SENDING.value, "sending_at": {"$lt": sending_before.timestamp()}},
            {
                "$set": {
                    "status": Status.UNKNOWN.value,
                    "unknown_at": now.timestamp(),
                    "reason": "interrupted while sending: may have been delivered, not resent",
                },
                "$inc": {"version": 1},
            },
        )
        return updated.modified_count

    async def invitations_since(
        self, recipient_hash: str, since: datetime, *, excluding: str
    ) -> list[datetime]:
        """When invitations to this address (other than `excluding`) went, or began to go."""
        query = {
            "_id": {"$ne": excluding},
            "recipient_hash": recipient_hash,
            "kind": "invitation",
            "status": {"$in": [Status.SENT.value, Status.SENDING.value, Status.UNKNOWN.value]},
            "sending_at": {"$gte": since.timestamp()},
        }
        found = self.collection.find(query, {"sending_at": 1})
        return [datetime.fromtimestamp(d["sending_at"], UTC) async for d in found]

    async def for_recipient(self, recipient_hash: str, *, limit: int) -> list[Document]:
        cursor = self.collection.find({"recipient_hash": recipient_hash}, _PUBLIC)
        return [loaded(d) async for d in cursor.sort("queued_at", DESCENDING).limit(limit)]

    async def recent(self, *, limit: int) -> list[Document]:
        """The latest messages, with what they were rendered from (for the development page)."""
        cursor = self.collection.find({}, {"outbox": 0}).sort("queued_at", DESCENDING).limit(limit)
        return [loaded(d) async for d in cursor]

    async def scrub_person(self, person_id: str) -> None:
        """Erasure: keep each key and status (so nothing is sent twice), drop who and what."""
        await self.collection.update_many(
            {"person_id": person_id},
            {
                "$set": {"recipient": "", "recipient_name": "", "context": {}, "erased": True},
                "$inc": {"version": 1},
            },
        )


_PUBLIC = {"context": 0, "outbox": 0}
