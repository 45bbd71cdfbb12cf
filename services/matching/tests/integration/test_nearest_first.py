"""Matching reads a bounded number of candidates, nearest blocks first, longest waiting first (ADR
0008), on the real store: what it reads grows with the places to fill, not with the volunteers."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import pytest
from matching.adapters.volunteers import MongoVolunteerRepository, to_document
from matching.domain.community_events import CommunityEvent, EventStatus, Venue
from matching.domain.geo import Point
from matching.domain.nearby import FIRST_WAVE_BLOCKS, MIN_PAGE, reach_key_of
from matching.domain.volunteers import Status, Volunteer
from matching.handlers.matching import CANDIDATES_PER_PROPOSAL, match_event
from together_contracts import Availability, Interest
from together_kit.testing.commands import counting

from .conftest import Matching, StartMatching, next_saturday_noon

pytestmark = pytest.mark.integration

Document = dict[str, Any]
MANCHESTER = Point(53.4809, -2.2374)
SALFORD = Point(53.4875, -2.2901)
"""About 3.6 km from Manchester's centroid: in the same block for every band."""
STOCKPORT = Point(53.4084, -2.1494)
"""About 10 km away."""
SHEFFIELD = Point(53.3811, -1.4701)
"""About 52 km away: only for the wider bands."""


def volunteer(location: Point, radius: int = 15, **fields: Any) -> Volunteer:
    return Volunteer(
        person_id=uuid.uuid4(),
        outward_code="M1",
        location=location,
        interests=frozenset({Interest.FOOD_AND_MUTUAL_AID}),
        availability=frozenset({Availability.WEEKENDS}),
        travel_radius_km=radius,
        confirmed_at=datetime.now(UTC),  # too recent for the unmatched job to touch them
        **fields,
    )


def document(person: Volunteer) -> Document:
    """What `AggregateCollection.insert` stores for a new profile."""
    return {**to_document(person), "version": 1, "outbox": [], "outbox_pending": 0}


def lunch(places: int = 2, at: Point = MANCHESTER) -> CommunityEvent:
    starts = next_saturday_noon(datetime.now(UTC))
    return CommunityEvent(
        title="Community lunch",
        description="Soup and a chat.",
        event_type=Interest.FOOD_AND_MUTUAL_AID,
        also_suits=(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue=Venue(online=False, postcode="M1 1AE", outward_code="M1", location=at),
        places=places,
        organiser_email="sam@riverside.example.org",
        submitted_at=datetime.now(UTC),
        status=EventStatus.PUBLISHED,
    )


async def test_every_candidate_is_read_once_nearest_blocks_first(matching: Matching) -> None:
    repository: MongoVolunteerRepository = matching.ctx.volunteers  # type: ignore[assignment]
    near = [volunteer(SALFORD) for _ in range(12)]
    farther = [volunteer(SHEFFIELD, radius=60) for _ in range(3)]
    unreachable = [
        volunteer(SHEFFIELD, radius=15),
        volunteer(SALFORD, status=Status.PENDING),
        volunteer(SALFORD, wants_matches=False),
    ]
    other = volunteer(SALFORD)
    other.interests = frozenset({Interest.SPORT})
    await matching.db["volunteers"].insert_many(
        [document(p) for p in [*near, *farther, *unreachable, other]]
    )
    seen: list[uuid.UUID] = []

    def keep(candidate: Volunteer) -> bool:
        seen.append(candidate.person_id)
        return True

    everyone = await repository.nearest(lunch(), enough=1000, keep=keep)

    assert sorted(v.person_id for v in everyone) == sorted(p.person_id for p in [*near, *farther])
    assert sorted(seen) == sorted(v.person_id for v in everyone)
    assert set(seen[:MIN_PAGE]) <= {p.person_id for p in near}

    few = await repository.nearest(lunch(), enough=2, keep=lambda _: True)
    assert len(few) <= FIRST_WAVE_BLOCKS * MIN_PAGE
    assert {v.person_id for v in few} <= {p.person_id for p in near}


async def test_an_event_reads_only_enough_candidates_and_the_next_turns_to_others(
    matching: Matching,
) -> None:
    places = 1
    wanted = places * matching.ctx.rules.proposals_per_place
    enough = wanted * CANDIDATES_PER_PROPOSAL
    crowd = [volunteer(SALFORD) for _ in range(enough * 8)]
    await matching.db["volunteers"].insert_many([document(p) for p in crowd])

    read: list[uuid.UUID] = []
    repository: MongoVolunteerRepository = matching.ctx.volunteers  # type: ignore[assignment]
    original = repository.nearest

    async def reading(
        event: CommunityEvent, *, enough: int, keep: Callable[[Volunteer], bool]
    ) -> list[Volunteer]:
        def counted(candidate: Volunteer) -> bool:
            read.append(candidate.person_id)
            return keep(candidate)

        return await original(event, enough=enough, keep=counted)

    repository.nearest = reading  # type: ignore[method-assign]
    first, second = lunch(places), lunch(places)
    for event in (first, second):
        await matching.ctx.events.add(event, events=[])
    made_first = await match_event(first, correlation_id="test", ctx=matching.ctx)
    read_first = len(read)
    made_second = await match_event(second, correlation_id="test", ctx=matching.ctx)

    assert made_first == made_second == wanted
    assert enough <= read_first <= max(enough, FIRST_WAVE_BLOCKS * MIN_PAGE)
    first_people = await matching.ctx.matches.people_proposed(first.id)
    second_people = await matching.ctx.matches.people_proposed(second.id)
    assert first_people.isdisjoint(second_people)


async def test_profiles_stored_before_reach_keys_are_filed_at_start(
    start_matching: Any,
) -> None:
    old = volunteer(STOCKPORT)
    unlocated = volunteer(STOCKPORT)
    unlocated.location = None
    async with start_matching() as matching:
        before = [document(old), document(unlocated)]
        for stored in before:
            del stored["reach"]
        await matching.db["key_schemes"].delete_many({})  # a database from before the keys
        await matching.db["volunteers"].insert_many(before)
    async with start_matching() as matching:
        repository: MongoVolunteerRepository = matching.ctx.volunteers  # type: ignore[assignment]
        found = await repository.nearest(lunch(), enough=10, keep=lambda _: True)
        assert [v.person_id for v in found] == [old.person_id]
        stored = await matching.db["volunteers"].find_one({"_id": str(unlocated.person_id)})
        assert stored is not None
        assert stored.get("reach") is None


def filed_under_scheme_1(person: Volunteer) -> Document:
    """A profile as scheme 1 filed it: every radius over 60 km in band 4, in blocks of
    resolution 3."""
    assert person.location is not None
    block = h3.latlng_to_cell(person.location.latitude, person.location.longitude, 3)
    return {**document(person), "reach": f"4:{block}:0:{person.person_id}"}


async def test_profiles_filed_under_an_older_scheme_are_filed_again_once_at_start(
    start_matching: Any,
) -> None:
    wide = volunteer(SHEFFIELD, radius=150)
    later = volunteer(SHEFFIELD, radius=150)
    within_band = volunteer(SHEFFIELD, radius=80)
    async with start_matching() as matching:
        await matching.db["key_schemes"].delete_many({})  # a database of scheme 1
        await matching.db["volunteers"].insert_many(
            [filed_under_scheme_1(wide), filed_under_scheme_1(within_band)]
        )
    async with start_matching() as matching:
        repository: MongoVolunteerRepository = matching.ctx.volunteers  # type: ignore[assignment]
        found = await repository.nearest(lunch(), enough=10, keep=lambda _: True)
        assert {v.person_id for v in found} == {wide.person_id, within_band.person_id}
        stored = await matching.db["volunteers"].find_one({"_id": str(wide.person_id)})
        assert stored is not None
        assert stored["reach"] == reach_key_of(wide)
        assert stored["reach"].startswith("3:")
        # Filed under scheme 1 after the refiling (an older process still running): left as
        # it is, since the start-up records the scheme as done and reads no profile again.
        await matching.db["volunteers"].insert_one(filed_under_scheme_1(later))
    async with start_matching() as matching:
        stored = await matching.db["volunteers"].find_one({"_id": str(later.person_id)})
        assert stored is not None
        assert stored["reach"] == filed_under_scheme_1(later)["reach"]


async def test_slots_are_claimed_in_one_write_and_a_profile_changed_since_the_read_keeps_its_change(
    matching: Matching,
) -> None:
    repository: MongoVolunteerRepository = matching.ctx.volunteers  # type: ignore[assignment]
    changed, erased, untouched, refused = (volunteer(SALFORD) for _ in range(4))
    people = [changed, erased, untouched, refused]
    await matching.db["volunteers"].insert_many([document(p) for p in people])
    event = lunch()
    read = await repository.nearest(event, enough=10, keep=lambda _: True)
    assert {v.person_id for v in read} == {p.person_id for p in people}

    # Behind the repository's back, as another replica would: its copies are now stale.
    await matching.db["volunteers"].update_one(
        {"_id": str(changed.person_id)}, {"$set": {"connector": True}, "$inc": {"version": 1}}
    )
    await matching.db["volunteers"].delete_one({"_id": str(erased.person_id)})

    at = datetime.now(UTC)
    claimed = await repository.claim_slots(
        [p.person_id for p in people],
        event_id=event.id,
        at=at,
        allowed=lambda v: v.person_id != refused.person_id,
    )

    assert claimed == {changed.person_id, untouched.person_id}
    assert await repository.get(erased.person_id) is None
    for person in (changed, untouched, refused):
        stored = await repository.get(person.person_id)
        assert stored is not None
        recorded = [p for p in stored.proposals if p.event_id == event.id]
        assert len(recorded) == (0 if person is refused else 1)
    kept = await repository.get(changed.person_id)
    assert kept is not None
    assert kept.connector


async def test_the_proposals_made_are_counted_on_the_event_in_one_write(
    start_matching: StartMatching,
) -> None:
    async with start_matching(outbox_poll_seconds=3600) as matching:  # no sweep meanwhile
        crowd = [document(volunteer(SALFORD)) for _ in range(12)]
        await matching.db["volunteers"].insert_many(crowd)
        event = lunch(places=2)
        await matching.ctx.events.add(event, events=[])
        before = await matching.db["events"].find_one({"_id": str(event.id)})
        assert before is not None

        with counting(matching.db.name, collection="events") as counted:
            made = await match_event(event, correlation_id="test", ctx=matching.ctx)

        assert made == 2 * matching.ctx.rules.proposals_per_place
        # the relay's start-up pass may claim on the collection meanwhile (findAndModify)
        assert (counted.by_command["find"], counted.by_command["update"]) == (0, 1)
        stored = await matching.ctx.events.get(event.id)
        assert stored is not None
        assert stored.proposed == made
        after = await matching.db["events"].find_one({"_id": str(event.id)})
        assert after is not None
        assert after["version"] == before["version"] + 1
