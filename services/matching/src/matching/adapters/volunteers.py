"""Volunteer profiles in the matching database, read nearest block first, never scanned."""

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING
from together_contracts import Availability, IntegrationEvent, Interest
from together_kit.messaging.outbox import (
    AggregateCollection,
    AggregateNotFoundError,
    Change,
    ConcurrentWriteError,
    grouped_inserts,
)
from together_kit.stored import epoch, same_time

from matching.domain.community_events import CommunityEvent
from matching.domain.gaps import District
from matching.domain.geo import Point
from matching.domain.nearby import (
    REACH_SCHEME,
    Read,
    ReadingPlan,
    blocks_reaching,
    reach_key,
    reach_key_of,
)
from matching.domain.volunteers import (
    Applied,
    ProfileDecision,
    Proposal,
    Status,
    Volunteer,
    VolunteerChange,
    VolunteerNotFoundError,
)

READ_LIMIT = 4096
"""Candidate documents remembered for a proposal's write; more are forgotten all at once."""
PROFILE_ATTEMPTS = 8
KEY_SCHEMES = "key_schemes"
"""Which scheme the stored `reach` keys were last filed under (`_file_reach_keys`)."""
KEYED_BY = ("reach", "version", "latitude", "longitude", "travel_radius_km", "last_proposed_at")
"""What a stored profile's `reach` key is made of (with its id), and all filing it reads."""


class MongoVolunteerRepository:
    def __init__(self, volunteers: AggregateCollection) -> None:
        self.volunteers = volunteers
        self._inserts = grouped_inserts(volunteers)
        """New profiles confirmed together are inserted in one write."""
        self._read: dict[str, dict[str, Any]] = {}
        """Candidates as `nearest` read them: a proposal's claim tries this copy before reading
        the profile again (the version filter refuses it if it changed since)."""

    async def ensure_indexes(self) -> None:
        collection = self.volunteers.collection
        await collection.create_index([("reach", ASCENDING)])
        await collection.create_index([("interests", ASCENDING), ("last_proposed_at", ASCENDING)])
        await collection.create_index(
            [("status", ASCENDING), ("ever_proposed", ASCENDING), ("confirmed_at", ASCENDING)]
        )
        await self._file_reach_keys()

    async def _file_reach_keys(self) -> None:
        """File every located profile under its `reach` key of `REACH_SCHEME`, once per scheme:
        profiles stored before keys existed and profiles filed under an older scheme of bands and
        blocks. A start finding the scheme recorded as done reads that one document. A profile
        changed meanwhile keeps the key its own write gave it (the version filter)."""
        collection = self.volunteers.collection
        schemes = collection.database[KEY_SCHEMES]
        done = await schemes.find_one({"_id": "reach"})
        if done is not None and done.get("scheme", 0) >= REACH_SCHEME:
            return
        async for document in collection.find({}, KEYED_BY):
            filed = document.get("reach")
            key = _reach_key_of_document(document)
            if key == filed:
                continue
            await collection.update_one(
                {"_id": document["_id"], "version": document.get("version", 0), "reach": filed},
                {"$set": {"reach": key}},
            )
        await schemes.update_one({"_id": "reach"}, {"$set": {"scheme": REACH_SCHEME}}, upsert=True)

    async def get(self, person_id: UUID) -> Volunteer | None:
        document = await self.volunteers.collection.find_one({"_id": str(person_id)})
        return from_document(document) if document else None

    async def apply_profile(
        self, person_id: UUID, *, event_id: UUID, decide: ProfileDecision, new: bool = False
    ) -> Applied:
        """Apply the profile event `event_id` as `decide` says, written once and keyed by the
        event id, so a redelivery finds its work done and the consumer needs no inbox record.

        A new profile is inserted under the person's id, carrying the event id; a stored one is
        replaced under the version read, which did not carry it (so a copy that carries it by
        the time of the write is refused, read again and left as it is). A profile that already
        carries the event id is left as it is, whatever came after it (`Volunteer.applied`).

        `new`: the profile is most likely not stored yet (a confirmation), so the insert is tried
        before any read: one round trip, or three when it was stored after all."""
        key = str(person_id)
        document = None if new else await self._find(key)
        for _ in range(PROFILE_ATTEMPTS):
            if document is None:
                volunteer = await decide(None)
                volunteer.mark_applied(event_id)
                if not await self._inserts((to_document(volunteer), ())):
                    document = await self._find(key)  # stored after all: apply to it
                    continue
                return Applied(volunteer, redelivered=False)
            stored = from_document(document)
            if stored.has_applied(event_id):
                return Applied(stored, redelivered=True)
            decided = await decide(stored)
            try:
                return await self._apply(key, event_id, decided, known=document)
            except AggregateNotFoundError:
                document = None  # erased meanwhile: as if new
        raise ConcurrentWriteError(person_id)

    async def _find(self, key: str) -> dict[str, Any] | None:
        return await self.volunteers.collection.find_one({"_id": key})

    async def _apply(
        self, key: str, event_id: UUID, decided: Volunteer, *, known: dict[str, Any]
    ) -> Applied:
        outcome: list[Applied] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            volunteer = from_document(document)
            if volunteer.has_applied(event_id):
                outcome[:] = [Applied(volunteer, redelivered=True)]
                return document, ()
            _take_profile(volunteer, decided)
            volunteer.mark_applied(event_id)
            outcome[:] = [Applied(volunteer, redelivered=False)]
            return to_document(volunteer), ()

        await self.volunteers.update(key, apply, known=known)
        return outcome[0]

    async def change(self, person_id: UUID, change: VolunteerChange) -> Volunteer:
        changed: list[Volunteer] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            volunteer = from_document(document)
            events = change(volunteer)
            changed[:] = [volunteer]
            return to_document(volunteer), events

        key = str(person_id)
        try:
            await self.volunteers.update(key, apply, known=self._read.pop(key, None))
        except AggregateNotFoundError as error:
            raise VolunteerNotFoundError(person_id) from error
        return changed[0]

    async def claim_slots(
        self,
        person_ids: Sequence[UUID],
        *,
        event_id: UUID,
        at: datetime,
        allowed: Callable[[Volunteer], bool],
    ) -> set[UUID]:
        """Record a proposal of `event_id` at `at` in the week of each volunteer whose profile
        still passes `allowed` (the weekly cap, under each profile's version); the ids recorded.

        Profiles `nearest` has just read are written together as read
        (`AggregateCollection.replace_known`); a refused one, or one without a fresh copy, is
        claimed again the usual way (read, check, write)."""
        changes: list[tuple[dict[str, Any], Change]] = []
        again: list[UUID] = []
        for person_id in person_ids:
            known = self._read.pop(str(person_id), None)
            if known is None:
                again.append(person_id)
                continue
            volunteer = from_document(known)
            if not allowed(volunteer):  # the copy may be stale: ask the store
                again.append(person_id)
                continue
            volunteer.record_proposal(event_id, at)
            changes.append((known, (to_document(volunteer), ())))
        replaced = await self.volunteers.replace_known(
            changes, holds=lambda document: _holds(from_document(document), event_id, at)
        )
        claimed = {UUID(written) for written in replaced.written}
        again += [UUID(refused) for refused in replaced.refused]

        async def claim_again(person_id: UUID) -> bool:
            recorded = False

            def claim(volunteer: Volunteer) -> list[IntegrationEvent]:
                nonlocal recorded
                recorded = allowed(volunteer)
                if recorded:
                    volunteer.record_proposal(event_id, at)
                return []

            try:
                await self.change(person_id, claim)
            except VolunteerNotFoundError:
                return False
            return recorded

        outcomes = await asyncio.gather(*(claim_again(person_id) for person_id in again))
        claimed |= {person_id for person_id, ok in zip(again, outcomes, strict=True) if ok}
        return claimed

    async def delete(self, person_id: UUID) -> bool:
        self._read.pop(str(person_id), None)
        return await self.volunteers.delete(str(person_id))

    async def nearest(
        self, event: CommunityEvent, *, enough: int, keep: Callable[[Volunteer], bool]
    ) -> list[Volunteer]:
        """Confirmed volunteers sharing an interest with a located event who pass `keep` (the
        caller's exact checks), read as the `ReadingPlan` says, nearest blocks first, each block
        longest waiting first, until `enough` pass or every block is read (ADR 0008)."""
        location = event.venue.location
        if location is None:
            return []
        wanted: dict[str, Any] = {
            "status": Status.CONFIRMED.value,
            "wants_matches": True,
            "interests": {"$in": sorted(event.interests)},
        }
        if event.language == "cy":
            wanted["language"] = "cy"
        plan = ReadingPlan(blocks_reaching(location), enough=enough)
        kept: dict[UUID, Volunteer] = {}
        while wave := plan.next_wave(found=len(kept)):
            pages = await asyncio.gather(*(self._page(read, wanted) for read in wave))
            for read, documents in zip(wave, pages, strict=True):
                self._remember(documents)
                for document in documents:
                    volunteer = from_document(document)
                    if keep(volunteer):
                        kept[volunteer.person_id] = volunteer
                plan.read(read, [document["reach"] for document in documents])
        return list(kept.values())

    def _remember(self, documents: list[dict[str, Any]]) -> None:
        if len(self._read) + len(documents) > READ_LIMIT:
            self._read.clear()
        self._read.update((document["_id"], document) for document in documents)

    async def _page(self, read: Read, wanted: dict[str, Any]) -> list[dict[str, Any]]:
        query = {
            "reach": {"$gt": read.after, "$lt": read.block.end_key},
            "travel_radius_km": {"$gte": read.block.nearest_km},
            **wanted,
        }
        cursor = self.volunteers.collection.find(query).sort("reach", ASCENDING).limit(read.limit)
        return await cursor.to_list()

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

    async def unmatched_in(self, outward_code: str) -> int:
        """Confirmed volunteers of a district never proposed an event: a count for its
        community connector, never who they are."""
        return await self.volunteers.collection.count_documents(
            {"status": Status.CONFIRMED.value, "outward_code": outward_code, "ever_proposed": False}
        )

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


def _take_profile(current: Volunteer, new: Volunteer) -> None:
    """What a profile event decides (`new`), onto the profile as stored (`current`)."""
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


def to_document(volunteer: Volunteer) -> dict[str, Any]:
    location = volunteer.location
    return {
        "_id": str(volunteer.person_id),
        "outward_code": volunteer.outward_code,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "reach": reach_key_of(volunteer),
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
        "connector_districts": list(volunteer.connector_districts),
        "accepted": volunteer.accepted,
        "declined": volunteer.declined,
        "attended": volunteer.attended,
        "no_shows": volunteer.no_shows,
        "proposed": volunteer.proposed,
        "unmatched_told": volunteer.unmatched_told,
        "applied": [str(event_id) for event_id in volunteer.applied],
    }


def _holds(volunteer: Volunteer, event_id: UUID, at: datetime) -> bool:
    """The profile records the proposal of `event_id` made at `at` (to the stored precision)."""
    return any(
        p.event_id == event_id and same_time(epoch(p.at), epoch(at)) for p in volunteer.proposals
    )


def _location_of(document: dict[str, Any]) -> Point | None:
    latitude, longitude = document.get("latitude"), document.get("longitude")
    return None if latitude is None or longitude is None else Point(latitude, longitude)


def _reach_key_of_document(document: dict[str, Any]) -> str | None:
    """`reach_key_of` a stored profile, from the fields of `KEYED_BY` alone."""
    return reach_key(
        UUID(document["_id"]),
        _location_of(document),
        document["travel_radius_km"],
        document.get("last_proposed_at"),
    )


def from_document(document: dict[str, Any]) -> Volunteer:
    return Volunteer(
        person_id=UUID(document["_id"]),
        outward_code=document["outward_code"],
        location=_location_of(document),
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
        connector_districts=tuple(document.get("connector_districts", ())),
        applied=[UUID(event_id) for event_id in document.get("applied", [])],
        version=document.get("version", 0),
    )
