"""The append-only security log, in the `security_log` collection.

This adapter only inserts and reads: there is no update or delete here, by design. (On MongoDB,
give the service's user a role without `update`/`remove` on this collection to make it hold
against the service itself.) Times are epoch seconds (together_kit.stored).
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from together_kit.stored import epoch, moment

from moderation.domain.security_log import SecurityEvent

Document = dict[str, Any]
MAX_FIELD = 254


class MongoSecurityLog:
    """The `SecurityLog` of the handlers."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("at")

    async def record(self, event: SecurityEvent) -> None:
        await self.collection.insert_one(
            {
                "_id": str(event.id),
                "at": epoch(event.at),
                "actor": event.actor[:MAX_FIELD],
                "actor_id": event.actor_id[:MAX_FIELD],
                "action": event.action[:MAX_FIELD],
                "target_id": event.target_id[:MAX_FIELD],
                "outcome": event.outcome[:MAX_FIELD],
                "detail": event.detail[:MAX_FIELD],
            }
        )

    async def latest(self, *, limit: int, before: datetime | None = None) -> list[SecurityEvent]:
        """The newest `limit` entries, older than `before` when given."""
        query: Document = {"at": {"$lt": epoch(before)}} if before is not None else {}
        cursor = self.collection.find(query).sort("at", DESCENDING).limit(limit)
        return [_event(document) async for document in cursor]

    async def between(self, since: datetime, until: datetime) -> AsyncIterator[SecurityEvent]:
        """Every entry from `since` up to `until`, newest first."""
        query = {"at": {"$gte": epoch(since), "$lt": epoch(until)}}
        async for document in self.collection.find(query).sort("at", DESCENDING):
            yield _event(document)


def _event(document: Document) -> SecurityEvent:
    return SecurityEvent(
        id=UUID(document["_id"]),
        at=moment(document["at"]),
        actor=document["actor"],
        actor_id=document.get("actor_id", ""),
        action=document["action"],
        target_id=document.get("target_id", ""),
        outcome=document["outcome"],
        detail=document.get("detail", ""),
    )
