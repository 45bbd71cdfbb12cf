"""Where each community connector is active (from `connector.moved`), and which districts each
published pledge serves (from `pledge.published`, under the organisation's id), one document per
connector (or organisation) and district, so a call to action finds its district's connectors by an indexed equality (no
array query: nx-27017's indexes are not multikey). Each keeps when that connector was last told
of a call there, for the at-most-monthly rule. Beside them, the open calls to action (from
`call.opened` until `call.closed`), so a connector made active where a call is open hears of it.

A connector's moves can be handled out of order (a consumer handles several events at once, and
redeliveries come late): each keeps when it was made (`moved:<person id>`), and an older one than
the last kept changes nothing. One process changes one connector's districts at a time; two
replicas handling two moves of one connector within milliseconds could still interleave."""

import asyncio
import weakref
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from together_contracts import CallOpenedData
from together_kit.stored import epoch, moment

Document = dict[str, Any]


class MongoConnectorDistricts:
    def __init__(
        self, collection: AsyncCollection[Document], calls: AsyncCollection[Document]
    ) -> None:
        self.collection = collection
        self.calls = calls
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("district", ASCENDING)])
        await self.collection.create_index([("person_id", ASCENDING)])
        await self.calls.create_index([("district", ASCENDING)])

    async def keep(
        self,
        person_id: str,
        districts: list[str],
        *,
        organisation: bool = False,
        as_of: datetime | None = None,
    ) -> bool:
        """Their districts now (none: not active); when each was last told stays with it. An
        `organisation` (by its id) is one whose published pledge serves these districts. `as_of`:
        when the move was made; False (nothing changed) if a later one is already kept."""
        lock = self._locks.setdefault(person_id, asyncio.Lock())
        async with lock:
            if as_of is not None and not await self._latest(person_id, as_of):
                return False
            await self.collection.delete_many(
                {"person_id": person_id, "district": {"$nin": districts}}
            )
            for district in districts:
                kept = {"person_id": person_id, "district": district, "organisation": organisation}
                await self.collection.update_one(
                    {"_id": f"{person_id}:{district}"}, {"$setOnInsert": kept}, upsert=True
                )
        return True

    async def _latest(self, person_id: str, as_of: datetime) -> bool:
        """Record `as_of` as the person's last move unless a later one is; the same move again
        (a redelivery) is the latest still."""
        try:
            await self.collection.update_one(
                {"_id": _moved(person_id), "moved_at": {"$lte": epoch(as_of)}},
                {"$set": {"moved_at": epoch(as_of)}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def active_in(self, district: str) -> list[Document]:
        """The district's active connectors: `person_id` and, once told of a call there,
        `last_call_told_at` (a datetime)."""
        found = await self.collection.find({"district": district}).to_list()
        for kept in found:
            if "last_call_told_at" in kept:
                kept["last_call_told_at"] = moment(kept["last_call_told_at"])
        return found

    async def told(self, person_id: str, district: str, at: datetime) -> None:
        await self.collection.update_one(
            {"_id": f"{person_id}:{district}"}, {"$set": {"last_call_told_at": epoch(at)}}
        )

    async def forget(self, person_id: str) -> None:
        await self.collection.delete_many({"person_id": person_id})
        await self.collection.delete_one({"_id": _moved(person_id)})

    async def call_opened(self, call: CallOpenedData, event_id: str) -> None:
        """Keep an open call (with the id of the event that opened it, the cause of the messages
        it leads to)."""
        await self.calls.update_one(
            {"_id": str(call.call_id)},
            {
                "$setOnInsert": {
                    "district": call.outward_code,
                    "event_id": event_id,
                    "call": call.model_dump(mode="json"),
                }
            },
            upsert=True,
        )

    async def call_closed(self, call_id: str) -> None:
        await self.calls.delete_one({"_id": call_id})

    async def open_calls_in(self, districts: list[str]) -> list[tuple[str, CallOpenedData]]:
        """The open calls in these districts: the opening event's id and what it said."""
        found = self.calls.find({"district": {"$in": districts}})
        return [(d["event_id"], CallOpenedData.model_validate(d["call"])) async for d in found]


def _moved(person_id: str) -> str:
    """The key of the document holding when a connector's last kept move was made."""
    return f"moved:{person_id}"
