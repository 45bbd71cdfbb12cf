"""Community events in the matching database; places are taken under optimistic concurrency.

Many volunteers may answer at once, so `change` retries far more than the kit's default, with a
short random pause between attempts (ADR 0005, Places).
"""

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING
from together_contracts import IntegrationEvent, Interest, email_digest
from together_kit.erasure import backfill_digests
from together_kit.grouping import GroupWrite
from together_kit.messaging.outbox import (
    AggregateCollection,
    AggregateNotFoundError,
    ConcurrentWriteError,
)

from matching.domain.community_events import (
    CommunityEvent,
    EventChange,
    EventNotFoundError,
    EventStatus,
    Organiser,
    Venue,
)
from matching.domain.geo import COARSEST, Point, cells, covering, distance_km, regions

CHANGE_ATTEMPTS = 200


@dataclass(frozen=True)
class _Near:
    """One question of `upcoming(near=...)`: published events after `now` within `radius_km`."""

    now: datetime
    point: Point
    radius_km: float
    limit: int

    def reaches(self, document: dict[str, Any], where: Point | None) -> bool:
        """A published event found by a read of cells is one of this question's answers: it
        starts after `now`, within the circle."""
        return (
            where is not None
            and document["starts_at"] > self.now
            and distance_km(self.point, where) <= self.radius_km
        )


class MongoEventRepository:
    def __init__(self, events: AggregateCollection, *, erasure_key: bytes = b"") -> None:
        self.events = events
        self.erasure_key = erasure_key
        self._near: GroupWrite[_Near, list[dict[str, Any]]] = GroupWrite(self._near_all)
        """Volunteers confirmed together look for events near them in one read."""

    def _stored(self, event: CommunityEvent) -> dict[str, Any]:
        """The event's document, with the keyed digest of its organiser's email (erasure and
        access find an organiser's events by it; together_contracts.email_digest)."""
        document = to_document(event)
        document["organiser_email_digest"] = (
            email_digest(event.organiser_email, key=self.erasure_key)
            if event.organiser_email
            else None
        )
        return document

    async def by_organiser_digest(self, digest: str) -> list[CommunityEvent]:
        cursor = self.events.collection.find({"organiser_email_digest": digest})
        return [from_document(document) async for document in cursor]

    async def by_organiser_email(self, email: str) -> list[CommunityEvent]:
        """Every event listed with this email, found by its keyed digest."""
        return await self.by_organiser_digest(email_digest(email, key=self.erasure_key))

    async def ensure_indexes(self) -> None:
        collection = self.events.collection
        await collection.create_index([("status", ASCENDING), ("starts_at", ASCENDING)])
        for field in ("h3_7", "h3_5", "h3_4"):
            await collection.create_index([(field, ASCENDING), ("status", ASCENDING)])
        await collection.create_index("organiser_email_digest", sparse=True)
        for people in ("accepted", "waitlist", "declined"):  # a volunteer's own page
            await collection.create_index(people)
        await backfill_digests(
            collection,
            address_field="organiser_email",
            digest_field="organiser_email_digest",
            key=self.erasure_key,
        )

    async def add(self, event: CommunityEvent, *, events: Sequence[IntegrationEvent]) -> None:
        await self.events.insert(self._stored(event), events)

    async def get(self, event_id: UUID) -> CommunityEvent | None:
        document = await self.events.collection.find_one({"_id": str(event_id)})
        return from_document(document) if document else None

    async def change(
        self, event_id: UUID, change: EventChange, *, erasing: bool = False
    ) -> CommunityEvent:
        changed: list[CommunityEvent] = []

        def apply(document: dict[str, Any]) -> tuple[dict[str, Any], Sequence[IntegrationEvent]]:
            event = from_document(document)
            staged = change(event)
            changed[:] = [event]
            return self._stored(event), staged

        for _ in range(CHANGE_ATTEMPTS):
            try:
                await self.events.update(str(event_id), apply, attempts=1, redacting=erasing)
            except AggregateNotFoundError as error:
                raise EventNotFoundError(event_id) from error
            except ConcurrentWriteError:
                await asyncio.sleep(random.uniform(0.001, 0.02))  # noqa: S311 (jitter, not secrecy)
                continue
            return changed[0]
        raise ConcurrentWriteError(event_id)

    async def count_proposals(self, event_id: UUID, made: int) -> None:
        """An increment, so no read first: the version it moves refuses any writer that read
        the event before it (as every write of the event does), and it stages no events."""
        await self.events.collection.update_one(
            {"_id": str(event_id)}, {"$inc": {"proposed": made, "version": 1}}
        )

    async def upcoming(
        self,
        *,
        now: datetime,
        near: tuple[Point, float] | None = None,
        event_type: Interest | None = None,
        until: datetime | None = None,
        limit: int = 200,
    ) -> list[CommunityEvent]:
        """Published events starting after `now`, soonest first; `near` finds only located ones
        within the circle (with `event_type` or `until`, in the cells covering it: the caller
        checks the exact distance). Questions of `near` alone asked together are read together
        (`_near_all`)."""
        if near is not None and event_type is None and until is None:
            found = await self._near(_Near(now, *near, limit))
            return [from_document(document) for document in found]
        starts: dict[str, datetime] = {"$gt": now}
        if until is not None:
            starts["$lt"] = until
        query: dict[str, Any] = {"status": EventStatus.PUBLISHED.value, "starts_at": starts}
        if event_type is not None:
            query["event_type"] = str(event_type)
        if near is not None:
            cover = covering(*near)
            query[cover.field] = {"$in": list(cover.cells)}
        cursor = self.events.collection.find(query).sort("starts_at", ASCENDING).limit(limit)
        return [from_document(document) async for document in cursor]

    async def _near_all(self, asks: Sequence[_Near]) -> list[list[dict[str, Any]]]:
        """Each question's answer. One question is read by the cells covering its circle;
        several, by the union of their regions (`geo.regions`): one read naming at most the
        country's 150 coarsest cells instead of thousands of finer ones, whose events outside
        each circle are left out here by their exact distance. A read that fills its limit may
        have cut some question short: those are read alone."""
        if len(asks) == 1:
            return [await self._alone(asks[0])]
        limit = sum(ask.limit for ask in asks)
        areas = [regions(ask.point, ask.radius_km) for ask in asks]
        found = await self._published_in(
            COARSEST, frozenset().union(*areas), min(ask.now for ask in asks), limit
        )
        if len(found) >= limit:
            return [await self._alone(ask) for ask in asks]
        located = [(document, _location(document)) for document in found]
        return [
            [
                document
                for document, where in located
                if document.get(COARSEST) in area and ask.reaches(document, where)
            ][: ask.limit]
            for ask, area in zip(asks, areas, strict=True)
        ]

    async def _alone(self, ask: _Near) -> list[dict[str, Any]]:
        """By the cells covering the circle, and then by exact distance, as when read together."""
        cover = covering(ask.point, ask.radius_km)
        found = await self._published_in(cover.field, cover.cells, ask.now, ask.limit)
        return [document for document in found if ask.reaches(document, _location(document))]

    async def _published_in(
        self, field: str, cells: frozenset[str], after: datetime, limit: int
    ) -> list[dict[str, Any]]:
        query = {
            "status": EventStatus.PUBLISHED.value,
            "starts_at": {"$gt": after},
            field: {"$in": list(cells)},
        }
        cursor = self.events.collection.find(query).sort("starts_at", ASCENDING).limit(limit)
        return [document async for document in cursor]

    async def with_person(
        self, person_id: UUID, *, also: Sequence[UUID] = ()
    ) -> list[CommunityEvent]:
        """Events where the person has a place, waits, declined or was marked, and those `also`
        named (their invitations), soonest first: the volunteer's own page."""
        person = str(person_id)
        query = {
            "$or": [
                {"accepted": person},
                {"waitlist": person},
                {"declined": person},
                {"_id": {"$in": [str(event_id) for event_id in also]}},
            ]
        }
        cursor = self.events.collection.find(query).sort("starts_at", ASCENDING)
        return [from_document(document) async for document in cursor]


def to_document(event: CommunityEvent) -> dict[str, Any]:
    venue = event.venue
    location = venue.location
    return {
        "_id": str(event.id),
        "title": event.title,
        "description": event.description,
        "event_type": str(event.event_type),
        "also_suits": [str(i) for i in event.also_suits],
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "online": venue.online,
        "postcode": venue.postcode,
        "outward_code": venue.outward_code,
        "venue": {
            "name": venue.name,
            "address_lines": list(venue.address_lines),
            "town": venue.town,
            "joining_url": venue.joining_url,
            "arrival_notes": venue.arrival_notes,
            "public": venue.public,
        },
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        **(cells(location) if location else {"h3_7": None, "h3_5": None, "h3_4": None}),
        "places": event.places,
        "roles": list(event.roles),
        "accessibility": event.accessibility,
        "language": event.language,
        "organiser_email": event.organiser_email,
        "organiser": {"name": event.organiser.name, "phone": event.organiser.phone},
        "submitted_at": event.submitted_at,
        "status": event.status.value,
        "rejection_reason": event.rejection_reason,
        "pending_title": event.pending_title,
        "pending_description": event.pending_description,
        "accepted": [str(p) for p in event.accepted],
        "waitlist": [str(p) for p in event.waitlist],
        "declined": [str(p) for p in event.declined],
        "attendance": {str(p): came for p, came in event.attendance.items()},
        "sharing": [str(p) for p in event.sharing],
        "proposed": event.proposed,
        "erased": event.erased,
    }


def _location(document: dict[str, Any]) -> Point | None:
    latitude, longitude = document.get("latitude"), document.get("longitude")
    if latitude is None or longitude is None:
        return None
    return Point(latitude, longitude)


def from_document(document: dict[str, Any]) -> CommunityEvent:
    details = document.get("venue") or {}
    organiser = document.get("organiser") or {}
    return CommunityEvent(
        id=UUID(document["_id"]),
        title=document["title"],
        description=document["description"],
        event_type=Interest(document["event_type"]),
        also_suits=tuple(Interest(i) for i in document.get("also_suits", [])),
        starts_at=document["starts_at"],
        ends_at=document["ends_at"],
        venue=Venue(
            online=document["online"],
            postcode=document.get("postcode"),
            outward_code=document.get("outward_code"),
            location=_location(document),
            name=details.get("name", ""),
            address_lines=tuple(details.get("address_lines", [])),
            town=details.get("town", ""),
            joining_url=details.get("joining_url", ""),
            arrival_notes=details.get("arrival_notes", ""),
            public=details.get("public", False),
        ),
        places=document["places"],
        roles=tuple(document.get("roles", [])),
        accessibility=document.get("accessibility", ""),
        language=document.get("language", "en"),
        organiser_email=document["organiser_email"],
        organiser=Organiser(organiser.get("name", ""), organiser.get("phone", "")),
        submitted_at=document["submitted_at"],
        status=EventStatus(document["status"]),
        rejection_reason=document.get("rejection_reason", ""),
        pending_title=document.get("pending_title"),
        pending_description=document.get("pending_description"),
        accepted=[UUID(p) for p in document.get("accepted", [])],
        waitlist=[UUID(p) for p in document.get("waitlist", [])],
        declined=[UUID(p) for p in document.get("declined", [])],
        attendance={UUID(p): came for p, came in document.get("attendance", {}).items()},
        sharing=[UUID(p) for p in document.get("sharing", [])],
        proposed=document.get("proposed", 0),
        erased=document.get("erased", 0),
        version=document.get("version", 0),
    )
