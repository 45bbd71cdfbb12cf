"""Addresses we must not write to, keyed by the address's HMAC (no address is stored).

An address may be suppressed under any of its digests (`AddressKeys.digests`: the current key's
first, then older keys'): every lookup is given all of them, and a new record is written under the
first. What each reason stops is in `domain.suppressions`.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from together_kit.grouping import GroupWrite
from together_kit.stored import epoch

from notifications.domain.suppressions import BOUNCED, UNSUBSCRIBED

Document = dict[str, Any]


class MongoSuppressionRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self._lookups: GroupWrite[Sequence[str], str | None] = GroupWrite(self._reasons)

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("person_id")

    async def reason(self, digests: Sequence[str]) -> str | None:
        """Why the address (under any of its digests) is suppressed: a bounce outranks the rest.
        Lookups asked for while another is being read are read together, in one query sent
        after they were asked for (never an answer read before: not a cache)."""
        return await self._lookups(digests)

    async def reasons(self, asked: Sequence[Sequence[str]]) -> list[str | None]:
        """`reason` for each address of many, in one query sent now."""
        if not asked:
            return []
        return await self._reasons(list(asked))

    async def _reasons(self, asked: list[Sequence[str]]) -> list[str | None]:
        wanted = sorted({digest for digests in asked for digest in digests})
        found = self.collection.find({"_id": {"$in": wanted}}, {"reason": 1})
        by_digest = {document["_id"]: str(document["reason"]) async for document in found}
        return [_first(by_digest[d] for d in digests if d in by_digest) for digests in asked]

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
                    "at": epoch(at),
                    "person_id": person_id,
                    "detail": detail[:500],
                }
            },
            upsert=True,
        )

    async def lift(
        self, digests: Sequence[str], *, reason: str, before: datetime | None = None
    ) -> None:
        """Lift the suppression for `reason`; with `before`, only one recorded before then (a
        consent older than the suppression must not undo it)."""
        wanted: dict[str, object] = {"_id": {"$in": list(digests)}, "reason": reason}
        if before is not None:
            wanted["at"] = {"$lt": epoch(before)}
        await self.collection.delete_many(wanted)

    async def forget_person(self, person_id: str) -> None:
        """Erasure: unsubscribes go; bounces stay (they hold no address) but lose the person."""
        await self.collection.delete_many({"person_id": person_id, "reason": UNSUBSCRIBED})
        await self.collection.update_many({"person_id": person_id}, {"$set": {"person_id": None}})


def _first(reasons: Iterable[str]) -> str | None:
    """A bounce outranks the rest."""
    found = set(reasons)
    return BOUNCED if BOUNCED in found else min(found, default=None)
