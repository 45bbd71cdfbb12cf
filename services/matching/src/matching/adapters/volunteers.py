"""Volunteer profiles in the matching database, found by grid cell and interest, never scanned."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from pymongo import ASCENDING
from together_contracts import Availability, Event, Interest
from together_kit.outbox import AggregateCollection, AggregateNotFoundError

from matching.domain.gaps import District
from matching.domain.geo import Point, band_of, band_searches, cells
from matching.domain.volunteers import Proposal, Status, Volunteer

VolunteerChange = Callable[[Volunteer], Sequence[Event]]


class VolunteerNotFoundError(LookupError):
    pass


class VolunteerRepository(Protocol):
    async def get(self, person_id: UUID) -> Volunteer | None: ...
    async def put(self, volunteer: Volunteer, *, events: Sequence[Event] = ()) -> None: ...
    async def change(self, person_id: UUID, change: VolunteerChange) -> Volunteer: ...
    async def delete(self, person_id: UUID) -> bool: ...
    async def reaching(self, point: Point, interests: frozenset[Interest]) -> list[Volunteer]: ...
    async def liking(self, interests: frozenset[Interest], *, limit: int) -> list[Volunteer]: ...
    async def waiting_since(self, cutoff: datetime, *, limit: int) -> list[Volunteer]: ...
    async def districts(self) -> list[District]: ...


class MongoVolunteerRepository:
    def __init__(self, volunteers: AggregateCollection) -> None:
        self.volunteers = volunteers

    async def ensure_indexes(self) -> None:
        collection = self.volunteers.collection
        for field in ("h3_7", "h3_5", "h3_4"):
            await collection.create_index([("band", ASCENDING), (field, ASCENDING)])
        await collection.create_index([("interests", ASCENDING), ("last_proposed_at", ASCENDING)])
        await collection.create_index(
            [("status", ASCENDING), ("ever_proposed", ASCENDING), ("confirmed_at", ASCENDING)]
        )

    async def get(self, person_id: UUID) -> Volunteer | None:
        document = await self.volunteers.collection.find_one({"_id": str(person_id)})
        return from_document(document) if document else None

    async def put(self, volunteer: Volunteer, *, events: Sequence[Event] = ()) -> None:
        """Insert a new profile (its version 0) or replace a stored one under its version."""
        if volunteer.version == 0:
            await self.volunteers.insert(to_document(volunteer), events)
            return
        await self.change(volunteer.person_id, lambda v: _replace(v, volunteer, events))

    async def change(self, person_id: UUID, change: VolunteerChange) -> Volunteer:
        changed: list[Volunteer] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[Event]]:
            volunteer = from_document(document)
            events = change(volunteer)
            changed[:] = [volunteer]
            return to_document(volunteer), events

        try:
            await self.volunteers.update(str(person_id), apply)
        except AggregateNotFoundError as error:
            raise VolunteerNotFoundError(person_id) from error
        return changed[0]

    async def delete(self, person_id: UUID) -> bool:
        return await self.volunteers.delete(str(person_id))

    async def reaching(self, point: Point, interests: frozenset[Interest]) -> list[Volunteer]:
        """Confirmed volunteers in the cells around `point` for their radius band, sharing an
        interest; a superset of those whose radius reaches it (the caller checks the distance)."""
        found: list[Volunteer] = []
        for band, field, disk in band_searches(point):
            query = {
                "band": band,
                field: {"$in": disk},
                "interests": {"$in": sorted(interests)},
                "status": Status.CONFIRMED.value,
            }
            async for document in self.volunteers.collection.find(query):
                found.append(from_document(document))
        return found

    async def liking(self, interests: frozenset[Interest], *, limit: int) -> list[Volunteer]:
        """For online events: confirmed volunteers sharing an interest, longest-waiting first."""
        query = {"interests": {"$in": sorted(interests)}, "status": Status.CONFIRMED.value}
        cursor = self.volunteers.collection.find(query).sort("last_proposed_at", ASCENDING)
        return [from_document(document) async for document in cursor.limit(limit)]

    async def waiting_since(self, cutoff: datetime, *, limit: int) -> list[Volunteer]:
        query = {
            "status": Status.CONFIRMED.value,
            "ever_proposed": False,
            "unmatched_told": False,
            "confirmed_at": {"$lt": cutoff},
        }
        cursor = self.volunteers.collection.find(query).limit(limit)
        return [from_document(document) async for document in cursor]

    async def districts(self) -> list[District]:
        """Confirmed, located volunteers counted per outward code: a report for coalition staff
        (a `$group` over confirmed profiles), never used by matching itself."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"status": Status.CONFIRMED.value, "latitude": {"$ne": None}}},
            {
                "$group": {
                    "_id": "$outward_code",
                    "volunteers": {"$sum": 1},
                    "latitude": {"$first": "$latitude"},
                    "longitude": {"$first": "$longitude"},
                }
            },
        ]
        cursor = await self.volunteers.collection.aggregate(pipeline)
        return [
            District(row["_id"], row["volunteers"], Point(row["latitude"], row["longitude"]))
            async for row in cursor
        ]


def _replace(current: Volunteer, new: Volunteer, events: Sequence[Event]) -> Sequence[Event]:
    for name in (
        "outward_code",
        "location",
        "interests",
        "availability",
        "travel_radius_km",
        "language",
        "connector",
        "wants_matches",
        "status",
        "confirmed_at",
    ):
        setattr(current, name, getattr(new, name))
    return events


def to_document(volunteer: Volunteer) -> dict[str, Any]:
    location = volunteer.location
    return {
        "_id": str(volunteer.person_id),
        "outward_code": volunteer.outward_code,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        **(cells(location) if location else {"h3_7": None, "h3_5": None, "h3_4": None}),
        "band": band_of(volunteer.travel_radius_km),
        "interests": sorted(str(i) for i in volunteer.interests),
        "availability": sorted(str(a) for a in volunteer.availability),
        "travel_radius_km": volunteer.travel_radius_km,
        "language": volunteer.language,
        "connector": volunteer.connector,
        "wants_matches": volunteer.wants_matches,
        "status": volunteer.status.value,
        "confirmed_at": volunteer.confirmed_at,
        "proposals": [{"event_id": str(p.event_id), "at": p.at} for p in volunteer.proposals],
        "last_proposed_at": volunteer.last_proposed_at,
        "ever_proposed": volunteer.last_proposed_at is not None,
        "accepted": volunteer.accepted,
        "declined": volunteer.declined,
        "attended": volunteer.attended,
        "no_shows": volunteer.no_shows,
        "proposed": volunteer.proposed,
        "unmatched_told": volunteer.unmatched_told,
    }


def from_document(document: dict[str, Any]) -> Volunteer:
    latitude, longitude = document.get("latitude"), document.get("longitude")
    return Volunteer(
        person_id=UUID(document["_id"]),
        outward_code=document["outward_code"],
        location=Point(latitude, longitude)
        if latitude is not None and longitude is not None
        else None,
        interests=frozenset(Interest(i) for i in document.get("interests", [])),
        availability=frozenset(Availability(a) for a in document.get("availability", [])),
        travel_radius_km=document["travel_radius_km"],
        language=document.get("language", "en"),
        connector=document.get("connector", False),
        wants_matches=document.get("wants_matches", True),
        status=Status(document["status"]),
        confirmed_at=document.get("confirmed_at"),
        proposals=[Proposal(UUID(p["event_id"]), p["at"]) for p in document.get("proposals", [])],
        last_proposed_at=document.get("last_proposed_at"),
        accepted=document.get("accepted", 0),
        declined=document.get("declined", 0),
        attended=document.get("attended", 0),
        no_shows=document.get("no_shows", 0),
        proposed=document.get("proposed", 0),
        unmatched_told=document.get("unmatched_told", False),
        version=document.get("version", 0),
    )
