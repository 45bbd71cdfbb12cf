"""Proposals of one event to one volunteer; the match id is derived from both, so a proposal is
made at most once however often matching runs."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING
from together_kit.messaging.outbox import AggregateCollection

from matching.domain.matches import Proposed, match_id


class MongoMatchRepository:
    def __init__(self, matches: AggregateCollection) -> None:
        self.matches = matches

    async def ensure_indexes(self) -> None:
        await self.matches.collection.create_index([("event_id", ASCENDING)])
        await self.matches.collection.create_index([("person_id", ASCENDING)])

    async def add(
        self,
        *,
        event_id: UUID,
        at: datetime,
        proposals: Sequence[Proposed],
        reasons: Mapping[UUID, Mapping[str, Any]] | None = None,
    ) -> set[UUID]:
        """Record the matches of an event with their `match.proposed`, in one write; the people
        whose match was recorded now (one already proposed this event is left out). `reasons`
        (by person) are kept with each match, for the volunteer's own page."""
        ids = {person_id: str(match_id(event_id, person_id)) for person_id, _ in proposals}
        why = reasons or {}
        items = [
            (
                {
                    "_id": ids[person_id],
                    "event_id": str(event_id),
                    "person_id": str(person_id),
                    "proposed_at": at,
                    "reasons": dict(why.get(person_id, {})),
                },
                [event],
            )
            for person_id, event in proposals
        ]
        inserted = set(await self.matches.insert_new(items))
        return {person_id for person_id, identifier in ids.items() if identifier in inserted}

    async def offered(self, *, event_id: UUID, person_id: UUID, at: datetime) -> bool:
        """Record the match of a volunteer who offered to help from the events page (no
        `match.proposed`: nobody is invited); False if they already had one for this event."""
        identifier = str(match_id(event_id, person_id))
        document = {
            "_id": identifier,
            "event_id": str(event_id),
            "person_id": str(person_id),
            "proposed_at": at,
            "offered": True,
        }
        return bool(await self.matches.insert_new([(document, [])]))

    async def get(self, match_id: UUID) -> dict[str, Any] | None:
        return await self.matches.collection.find_one({"_id": str(match_id)})

    async def people_proposed(self, event_id: UUID) -> set[UUID]:
        cursor = self.matches.collection.find({"event_id": str(event_id)}, {"person_id": 1})
        return {UUID(document["person_id"]) async for document in cursor}

    async def events_of(self, person_id: UUID) -> set[UUID]:
        cursor = self.matches.collection.find({"person_id": str(person_id)}, {"event_id": 1})
        return {UUID(document["event_id"]) async for document in cursor}

    async def delete_for_person(self, person_id: UUID) -> int:
        deleted = await self.matches.collection.delete_many({"person_id": str(person_id)})
        return deleted.deleted_count

    async def for_person(self, person_id: UUID) -> list[dict[str, Any]]:
        """Every match of one volunteer (for their own page), newest proposal first."""
        cursor = self.matches.collection.find({"person_id": str(person_id)})
        return [document async for document in cursor.sort("proposed_at", -1)]
