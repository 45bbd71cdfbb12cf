"""Addresses we must not write to, keyed by the address's HMAC (no address is stored).

An address may be suppressed under any of its digests (`AddressKeys.digests`: the current key's
first, then older keys'): every lookup is given all of them, and a new record is written under the
first.

`bounced` (the server refused the address for good) blocks every message; `unsubscribed` blocks
what a person can unsubscribe from (welcomes, invitations, the invitation digest, an organiser's
digest of places taken and given up) but not what they have asked for (a confirmation link, an
erasure link, the link to their event's page, the outcome of their story, news of a place they
accepted and its reminders).
"""

from collections.abc import Sequence
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
    async def reason(self, digests: Sequence[str]) -> str | None: ...
    async def add(
        self,
        digests: Sequence[str],
        *,
        reason: str,
        at: datetime,
        person_id: str | None,
        detail: str,
    ) -> None: ...
    async def lift(self, digests: Sequence[str], *, reason: str) -> None: ...
    async def forget_person(self, person_id: str) -> None: ...


class MongoSuppressionRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("person_id")

    async def reason(self, digests: Sequence[str]) -> str | None:
        """Why the address (under any of its digests) is suppressed: a bounce outranks the rest."""
        found = self.collection.find({"_id": {"$in": list(digests)}}, {"reason": 1})
        reasons = {str(document["reason"]) async for document in found}
        return BOUNCED if BOUNCED in reasons else min(reasons, default=None)

    async def add(
        self,
        digests: Sequence[str],
        *,
        reason: str,
        at: datetime,
        person_id: str | None,
        detail: str,
    ) -> None:
        """Written under the first digest. A bounce outranks an unsubscribe; the first record of
        each reason is kept."""
        current = await self.reason(digests)
        if current in (BOUNCED, reason):
            return
        await self.collection.update_one(
            {"_id": digests[0]},
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

    async def lift(self, digests: Sequence[str], *, reason: str) -> None:
        await self.collection.delete_many({"_id": {"$in": list(digests)}, "reason": reason})

    async def forget_person(self, person_id: str) -> None:
        """Erasure: unsubscribes go; bounces stay (they hold no address) but lose the person."""
        await self.collection.delete_many({"person_id": person_id, "reason": UNSUBSCRIBED})
        await self.collection.update_many({"person_id": person_id}, {"$set": {"person_id": None}})
