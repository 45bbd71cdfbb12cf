"""Calls to action (domain.calls) and the gap streaks behind them.

`calls` is an aggregate collection: a call is written with its `call.opened` and later
`call.closed` in the same document, so the event goes if and only if the change is kept.
`gap_streaks` holds, per district, when its current gap began (one small document each)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DESCENDING, DeleteOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from together_contracts import IntegrationEvent
from together_kit.messaging.outbox import AggregateCollection
from together_kit.stored import epoch, moment

from matching.domain.calls import Call

Document = dict[str, Any]


class MongoCallRepository:
    def __init__(self, calls: AggregateCollection, streaks: AsyncCollection[Document]) -> None:
        self.calls = calls
        self.streaks = streaks

    async def ensure_indexes(self) -> None:
        await self.calls.collection.create_index([("open", ASCENDING)])
        await self.calls.collection.create_index([("outward_code", ASCENDING)])
        await self.calls.collection.create_index([("opened_at", DESCENDING)])

    async def gap_streaks(self) -> dict[str, datetime]:
        return {d["_id"]: moment(d["since"]) async for d in self.streaks.find({})}

    async def change_streaks(self, begun: Mapping[str, datetime], ended: set[str]) -> None:
        """Remember streaks begun (kept if one is already there) and forget those ended: one
        write."""
        writes: list[UpdateOne | DeleteOne] = [
            UpdateOne({"_id": code}, {"$setOnInsert": {"since": epoch(since)}}, upsert=True)
            for code, since in begun.items()
        ]
        writes += [DeleteOne({"_id": code}) for code in ended]
        if writes:
            await self.streaks.bulk_write(writes, ordered=False)

    async def open_calls(self) -> dict[str, Call]:
        found = self.calls.collection.find({"open": True})
        return {d["outward_code"]: _call(d) async for d in found}

    async def open(self, call: Call, event: IntegrationEvent) -> bool:
        """Keep a new call with its `call.opened`; False when it was kept already."""
        document = {
            "_id": str(call.id),
            "outward_code": call.outward_code,
            "gap_since": call.gap_since,
            "opened_at": call.opened_at,
            "volunteers": call.volunteers,
            "open": True,
            "closed_at": None,
            "events_in_reach": 0,
        }
        return bool(await self.calls.insert_new([(document, [event])]))

    async def close(
        self,
        call: Call,
        *,
        at: datetime,
        events_in_reach: int,
        event: IntegrationEvent,
    ) -> None:
        """Close the call with its `call.closed` (nothing if it was closed meanwhile)."""

        def closing(current: Document) -> tuple[Document, list[IntegrationEvent]]:
            if not current.get("open"):
                return {}, []
            return {"open": False, "closed_at": at, "events_in_reach": events_in_reach}, [event]

        await self.calls.update(str(call.id), closing)

    async def all(self, *, limit: int) -> list[Call]:
        """The calls, newest first."""
        found = self.calls.collection.find({}).sort("opened_at", -1).limit(limit)
        return [_call(d) async for d in found]

    async def of_district(self, outward_code: str) -> list[Call]:
        found = self.calls.collection.find({"outward_code": outward_code}).sort("opened_at", -1)
        return [_call(d) async for d in found]


def _call(document: Document) -> Call:
    return Call(
        id=UUID(document["_id"]),
        outward_code=document["outward_code"],
        gap_since=document["gap_since"],
        opened_at=document["opened_at"],
        volunteers=int(document["volunteers"]),
        closed_at=document.get("closed_at"),
        events_in_reach=int(document.get("events_in_reach", 0)),
    )
