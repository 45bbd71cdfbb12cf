"""Properties of matching over many generated populations (hypothesis), through the handlers:
no proposal exceeds a volunteer's radius or weekly cap, and none goes to someone unsubscribed or
erased."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching.domain.community_events import Venue
from matching.domain.geo import Point, distance_km
from matching.domain.volunteers import Status, Volunteer
from matching.handlers import MatchingRules
from matching.handlers.erasure import erase_person
from matching.handlers.matching import match_event
from together_contracts import (
    Availability,
    Interest,
    PersonErasureRequested,
    PersonErasureRequestedData,
)

from .fakes import NOW, Clock, context
from .test_scoring import VENUE, event

pytestmark = pytest.mark.unit

INTERESTS = [Interest.INTERGENERATIONAL, Interest.SPORT, Interest.FOOD_AND_MUTUAL_AID]


@dataclass(frozen=True)
class Person:
    north_km: float
    east_km: float
    radius: int
    interests: frozenset[Interest]
    availability: frozenset[Availability]
    proposals_already: int
    fate: str


people = st.builds(
    Person,
    north_km=st.floats(-80, 80),
    east_km=st.floats(-80, 80),
    radius=st.integers(1, 200),
    interests=st.frozensets(st.sampled_from(INTERESTS), min_size=1),
    availability=st.frozensets(st.sampled_from(list(Availability))),
    proposals_already=st.integers(0, 3),
    fate=st.sampled_from(["confirmed", "confirmed", "confirmed", "unsubscribed", "erased"]),
)


def located(person: Person) -> Point:
    import math

    return Point(
        VENUE.latitude + person.north_km / 111.2,
        VENUE.longitude + person.east_km / (111.2 * math.cos(math.radians(VENUE.latitude))),
    )


async def run(population: list[Person], places: int, online: bool, cap: int) -> None:
    clock = Clock(NOW)
    ctx, outbox = context(MatchingRules(weekly_cap=cap, proposals_per_place=3), clock)
    listed = event(places=places, venue=Venue(online=True) if online else event().venue)
    await ctx.events.add(listed, events=[])
    volunteers: dict[uuid.UUID, Person] = {}
    for person in population:
        volunteer = Volunteer(
            person_id=uuid.uuid4(),
            outward_code="M1",
            location=located(person),
            interests=person.interests,
            availability=person.availability,
            travel_radius_km=person.radius,
            status=Status.UNSUBSCRIBED if person.fate == "unsubscribed" else Status.CONFIRMED,
            wants_matches=person.fate != "unsubscribed",
            confirmed_at=NOW - timedelta(days=30),
        )
        for day in range(person.proposals_already):
            volunteer.record_proposal(uuid.uuid4(), NOW - timedelta(days=day + 1))
        await ctx.volunteers.put(volunteer)
        volunteers[volunteer.person_id] = person
    for person_id, person in volunteers.items():
        if person.fate == "erased":
            request = PersonErasureRequested(
                producer="tests",
                correlation_id="erase",
                data=PersonErasureRequestedData(erasure_id=uuid.uuid4(), person_id=person_id),
            )
            await erase_person(request, ctx)

    await match_event(listed, correlation_id="test", ctx=ctx)

    proposals = outbox.of_type("match.proposed")
    assert len(proposals) <= places * 3
    for proposal in proposals:
        person_id = proposal.data.person_id
        person = volunteers[person_id]
        assert person.fate == "confirmed"
        if not online:
            assert distance_km(located(person), VENUE) <= person.radius
        stored = await ctx.volunteers.get(person_id)
        assert stored is not None
        assert stored.proposals_this_week(clock()) <= cap
        assert person.proposals_already < cap
    assert len({p.data.person_id for p in proposals}) == len(proposals)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    population=st.lists(people, max_size=40),
    places=st.integers(1, 5),
    online=st.booleans(),
    cap=st.integers(1, 3),
)
def test_no_proposal_breaks_radius_cap_consent_or_erasure(
    population: list[Person], places: int, online: bool, cap: int
) -> None:
    asyncio.run(run(population, places, online, cap))


def test_everyone_eligible_is_found_when_places_allow() -> None:
    """The grid search misses no one: with room for all, every eligible volunteer is proposed."""
    population = [
        Person(n, e, r, frozenset({Interest.INTERGENERATIONAL}), frozenset(), 0, "confirmed")
        for n, e, r in [(1, 1, 2), (14, 0, 15), (0, 59, 60), (-150, 0, 200), (30, 0, 29)]
    ]

    async def check() -> None:
        ctx, outbox = context(MatchingRules(proposals_per_place=10))
        listed = event(places=5)
        await ctx.events.add(listed, events=[])
        ids = []
        for person in population:
            volunteer = Volunteer(
                person_id=uuid.uuid4(),
                outward_code="M1",
                location=located(person),
                interests=person.interests,
                availability=person.availability,
                travel_radius_km=person.radius,
            )
            await ctx.volunteers.put(volunteer)
            ids.append(volunteer.person_id)
        await match_event(listed, correlation_id="test", ctx=ctx)
        proposed = {p.data.person_id for p in outbox.of_type("match.proposed")}
        assert proposed == set(ids[:4])

    asyncio.run(check())
