"""Small in-memory fakes of matching's ports; `nearest` reads the same blocks and `reach` keys as
the store query, so the fakes exercise the grid search too."""

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from matching.adapters.tokens import Links, Tokens
from matching.domain.calls import Call
from matching.domain.community_events import (
    CommunityEvent,
    EventChange,
    EventNotFoundError,
    EventStatus,
)
from matching.domain.gaps import District
from matching.domain.geo import Point, cells, covering
from matching.domain.matches import Proposed, match_id
from matching.domain.nearby import blocks_reaching, reach_key_of
from matching.domain.places import Place, UnknownPostcodeError
from matching.domain.volunteers import (
    Applied,
    ProfileDecision,
    Status,
    Volunteer,
    VolunteerChange,
    VolunteerNotFoundError,
)
from matching.handlers import Context, MatchingRules
from together_contracts import (
    IntegrationEvent,
    Interest,
    PersonAccessRequested,
    PersonErasureRequested,
)
from together_kit.testing.clock import Clock
from together_kit.web.site import Addresses, SiteTokens

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SECRET = "unit-test-secret-of-at-least-thirty-two-characters"


@dataclass
class Outbox:
    events: list[IntegrationEvent] = field(default_factory=list)

    def of_type(self, event_type: str) -> list[Any]:
        return [event for event in self.events if event.type == event_type]


@dataclass
class FakeVolunteers:
    outbox: Outbox
    stored: dict[UUID, Volunteer] = field(default_factory=dict)

    async def get(self, person_id: UUID) -> Volunteer | None:
        found = self.stored.get(person_id)
        return copy.deepcopy(found) if found else None

    async def put(self, volunteer: Volunteer) -> None:
        """Seed a profile (tests only)."""
        volunteer.version += 1
        self.stored[volunteer.person_id] = copy.deepcopy(volunteer)

    async def apply_profile(
        self, person_id: UUID, *, event_id: UUID, decide: ProfileDecision, new: bool = False
    ) -> Applied:
        current = await self.get(person_id)
        if current is not None and current.has_applied(event_id):
            return Applied(current, redelivered=True)
        volunteer = await decide(current)
        volunteer.mark_applied(event_id)
        await self.put(volunteer)
        return Applied(volunteer, redelivered=False)

    async def change(self, person_id: UUID, change: VolunteerChange) -> Volunteer:
        current = await self.get(person_id)
        if current is None:
            raise VolunteerNotFoundError(person_id)
        self.outbox.events += change(current)
        current.version += 1
        self.stored[person_id] = copy.deepcopy(current)
        return current

    async def claim_slots(
        self,
        person_ids: Sequence[UUID],
        *,
        event_id: UUID,
        at: datetime,
        allowed: Callable[[Volunteer], bool],
    ) -> set[UUID]:
        claimed = set()
        for person_id in person_ids:
            volunteer = self.stored.get(person_id)
            if volunteer is not None and allowed(volunteer):
                volunteer.record_proposal(event_id, at)
                volunteer.version += 1
                claimed.add(person_id)
        return claimed

    async def delete(self, person_id: UUID) -> bool:
        return self.stored.pop(person_id, None) is not None

    async def nearest(
        self, event: CommunityEvent, *, enough: int, keep: Callable[[Volunteer], bool]
    ) -> list[Volunteer]:
        """Block by block, nearest first, longest waiting first, until `enough` are kept."""
        if event.venue.location is None:
            return []
        keyed = {}
        for volunteer in self.stored.values():
            key = reach_key_of(volunteer)
            if (
                key is not None
                and volunteer.status is Status.CONFIRMED
                and volunteer.wants_matches
                and volunteer.interests & event.interests
                and (event.language != "cy" or volunteer.language == "cy")
            ):
                keyed[key] = volunteer
        kept: list[Volunteer] = []
        for block in blocks_reaching(event.venue.location):
            for key in sorted(k for k in keyed if block.first_key < k < block.end_key):
                volunteer = keyed[key]
                reaches = volunteer.travel_radius_km >= block.nearest_km
                if len(kept) < enough and reaches and keep(volunteer):
                    kept.append(copy.deepcopy(volunteer))
        return kept

    async def liking(self, interests: frozenset[Interest], *, limit: int) -> list[Volunteer]:
        return [
            copy.deepcopy(v)
            for v in self.stored.values()
            if v.status is Status.CONFIRMED and v.interests & interests
        ][:limit]

    async def waiting_since(self, cutoff: datetime, *, limit: int) -> list[Volunteer]:
        return [
            copy.deepcopy(v)
            for v in self.stored.values()
            if v.status is Status.CONFIRMED
            and v.last_proposed_at is None
            and not v.unmatched_told
            and v.confirmed_at is not None
            and v.confirmed_at < cutoff
        ][:limit]

    async def districts(self) -> list[District]:
        counts: dict[str, list[Any]] = {}
        for v in self.stored.values():
            if v.status is Status.CONFIRMED and v.location is not None:
                counts.setdefault(v.outward_code, [0, v.location])[0] += 1
        return [District(code, n, point) for code, (n, point) in counts.items()]


@dataclass
class FakeEvents:
    outbox: Outbox
    stored: dict[UUID, CommunityEvent] = field(default_factory=dict)
    erasure_key: bytes = b"unit-test-erasure-key"

    async def by_organiser_digest(self, digest: str) -> list[CommunityEvent]:
        from together_contracts import email_digest

        return [
            copy.deepcopy(e)
            for e in self.stored.values()
            if e.organiser_email and email_digest(e.organiser_email, key=self.erasure_key) == digest
        ]

    async def by_organiser_email(self, email: str) -> list[CommunityEvent]:
        from together_contracts import email_digest

        return await self.by_organiser_digest(email_digest(email, key=self.erasure_key))

    async def add(self, event: CommunityEvent, *, events: Sequence[IntegrationEvent]) -> None:
        self.stored[event.id] = copy.deepcopy(event)
        self.outbox.events += events

    async def get(self, event_id: UUID) -> CommunityEvent | None:
        found = self.stored.get(event_id)
        return copy.deepcopy(found) if found else None

    async def change(
        self, event_id: UUID, change: EventChange, *, erasing: bool = False
    ) -> CommunityEvent:
        current = await self.get(event_id)
        if current is None:
            raise EventNotFoundError(event_id)
        self.outbox.events += change(current)
        current.version += 1
        self.stored[event_id] = copy.deepcopy(current)
        return current

    async def count_proposals(self, event_id: UUID, made: int) -> None:
        if (event := self.stored.get(event_id)) is not None:
            event.proposed += made
            event.version += 1

    async def upcoming(
        self,
        *,
        now: datetime,
        near: tuple[Point, float] | None = None,
        event_type: Interest | None = None,
        until: datetime | None = None,
        limit: int = 200,
    ) -> list[CommunityEvent]:
        found = []
        for event in sorted(self.stored.values(), key=lambda e: e.starts_at):
            if event.status is not EventStatus.PUBLISHED or event.starts_at <= now:
                continue
            if near is not None:
                if event.venue.location is None:
                    continue
                cover = covering(*near)
                if cells(event.venue.location)[cover.field] not in cover.cells:
                    continue
            found.append(copy.deepcopy(event))
        return found[:limit]


@dataclass
class FakeMatches:
    outbox: Outbox
    stored: dict[UUID, dict[str, Any]] = field(default_factory=dict)

    async def add(
        self,
        *,
        event_id: UUID,
        at: datetime,
        proposals: Sequence[Proposed],
        reasons: Mapping[UUID, Mapping[str, Any]] | None = None,
    ) -> set[UUID]:
        made = set()
        for person_id, event in proposals:
            identifier = match_id(event_id, person_id)
            if identifier in self.stored:
                continue
            self.stored[identifier] = {
                "_id": str(identifier),
                "event_id": str(event_id),
                "person_id": str(person_id),
                "reasons": dict((reasons or {}).get(person_id, {})),
            }
            self.outbox.events.append(event)
            made.add(person_id)
        return made

    async def offered(self, *, event_id: UUID, person_id: UUID, at: datetime) -> bool:
        identifier = match_id(event_id, person_id)
        if identifier in self.stored:
            return False
        self.stored[identifier] = {
            "_id": str(identifier),
            "event_id": str(event_id),
            "person_id": str(person_id),
            "offered": True,
        }
        return True

    async def get(self, identifier: UUID) -> dict[str, Any] | None:
        return self.stored.get(identifier)

    async def people_proposed(self, event_id: UUID) -> set[UUID]:
        return {
            UUID(m["person_id"]) for m in self.stored.values() if m["event_id"] == str(event_id)
        }

    async def events_of(self, person_id: UUID) -> set[UUID]:
        return {
            UUID(m["event_id"]) for m in self.stored.values() if m["person_id"] == str(person_id)
        }

    async def delete_for_person(self, person_id: UUID) -> int:
        gone = [k for k, m in self.stored.items() if m["person_id"] == str(person_id)]
        for key in gone:
            del self.stored[key]
        return len(gone)


class FakeGeocoder:
    async def locate(self, postcode: str) -> Any:
        from together_kit.districts import outward_code

        known = {"M1": Point(53.4809, -2.2374), "CF10": Point(51.48, -3.18)}
        district = outward_code(postcode)
        if district not in known:
            raise UnknownPostcodeError(postcode)
        return Place(district, known[district])


@dataclass
class FakeAnswers:
    answered: list[PersonErasureRequested] = field(default_factory=list)

    async def answer(self, request: PersonErasureRequested) -> None:
        if all(r.data.erasure_id != request.data.erasure_id for r in self.answered):
            self.answered.append(request)


@dataclass
class FakeAccessAnswers:
    answered: list[tuple[PersonAccessRequested, dict[str, Any]]] = field(default_factory=list)

    async def answer(self, request: PersonAccessRequested, held: dict[str, Any]) -> bool:
        if any(r.data.access_id == request.data.access_id for r, _ in self.answered):
            return False
        self.answered.append((request, held))
        return True


@dataclass
class FakeCalls:
    """Calls to action in memory; the events each change carried go to the shared outbox."""

    outbox: Outbox
    streaks: dict[str, datetime] = field(default_factory=dict)
    calls: dict[UUID, Call] = field(default_factory=dict)

    async def gap_streaks(self) -> dict[str, datetime]:
        return dict(self.streaks)

    async def change_streaks(self, begun: Mapping[str, datetime], ended: set[str]) -> None:
        for code, since in begun.items():
            self.streaks.setdefault(code, since)
        for code in ended:
            self.streaks.pop(code, None)

    async def open_calls(self) -> dict[str, Call]:
        return {c.outward_code: c for c in self.calls.values() if c.open}

    async def open(self, call: Call, event: IntegrationEvent) -> bool:
        if call.id in self.calls:
            return False
        self.calls[call.id] = call
        self.outbox.events.append(event)
        return True

    async def close(
        self, call: Call, *, at: datetime, events_in_reach: int, event: IntegrationEvent
    ) -> None:
        if self.calls[call.id].open:
            self.calls[call.id] = replace(call, closed_at=at, events_in_reach=events_in_reach)
            self.outbox.events.append(event)

    async def all(self, *, limit: int) -> list[Call]:
        return sorted(self.calls.values(), key=lambda c: c.opened_at, reverse=True)[:limit]

    async def of_district(self, outward_code: str) -> list[Call]:
        return [c for c in await self.all(limit=10_000) if c.outward_code == outward_code]


def context(
    rules: MatchingRules | None = None, clock: Clock | None = None
) -> tuple[Context, Outbox]:
    outbox = Outbox()
    tokens = Tokens(SECRET)
    ctx = Context(
        events=FakeEvents(outbox),
        volunteers=FakeVolunteers(outbox),
        matches=FakeMatches(outbox),
        geocoder=FakeGeocoder(),
        tokens=tokens,
        links=Links(
            "https://matching.example",
            tokens,
            SiteTokens(SECRET),
            Addresses(
                "https://join.example",
                "https://moderate.example",
                "https://matching.example",
                "https://notify.example",
            ),
        ),
        clock=clock or Clock(NOW),
        rules=rules or MatchingRules(),
        erasures=FakeAnswers(),
        access=FakeAccessAnswers(),
        calls=FakeCalls(outbox),
    )
    return ctx, outbox
