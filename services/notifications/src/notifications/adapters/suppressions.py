"""Addresses we must not write to, keyed by the address's HMAC (no address is stored).

`bounced` (the server refused the address for good) blocks every message; `unsubscribed` blocks
what a person can unsubscribe from (welcomes, invitations, the invitation digest, an organiser's
digest of places taken and given up) but not what they have asked for (a confirmation link, an
erasure link, the link to their event's page, the outcome of their story, news of a place they
accepted and its reminders).
"""

from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
BOUNCED = "bounced"
UNSUBSCRIBED = "unsubscribed"
UNSUBSCRIBABLE_KINDS = frozenset({"volunteering", "invitation", "digest", "organiser-digest"})


def blocks(reason: str, *, kind: str) -> bool:
    return reason == BOUNCED or (reason == UNSUBSCRIBED and kind in UNSUBSCRIBABLE_KINDS)


class SuppressionRepository(Protocol):
    async def reason(self, recipient_hash: str) -> str | None: ...
    async def add(
        self, recipient_hash: str, *, reason: str, at: datetime, person_id: str | None, detail: str
    ) -> None: ...
    async def lift(self, recipient_hash: str, *, reason: str) -> None: ...
    async def forget_person(self, person_id: str) -> None: ...


class MongoSuppressionRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("person_id")

    async def reason(self, recipient_hash: str) -> str | None:
        document = await self.collection.find_one({"_id": recipient_hash})
        return str(document["reason"]) if document else None

    async def add(
        self, recipient_hash: str, *, reason: str, at: datetime, person_id: str | None, detail: str
    ) -> None:
        """A bounce outranks an unsubscribe; the first record of each reason is kept."""
        current = await self.reason(recipient_hash)
        if current in (BOUNCED, reason):
            return
        await self.collection.update_one(
            {"_id": recipient_hash},
            {
                "$set": {
                    "reason": reason,
                    "at": at.timestamp(),
                    "person_id": person_id,
                    "detail": detail[:500],
                }
            },
            upsert=True,
        )

    async def lift(self, recipient_hash: str, *, reason: str) -> None:
        await self.collection.delete_one({"_id": recipient_hash, "reason": reason})

    async def forget_person(self, person_id: str) -> None:
        """Erasure: unsubscribes go; bounces stay (they hold no address) but lose the person."""
        await self.collection.delete_many({"person_id": person_id, "reason": UNSUBSCRIBED})
        await self.collection.update_many({"person_id": person_id}, {"$set": {"person_id": None}})
