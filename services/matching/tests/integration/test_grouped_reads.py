"""Volunteers confirmed together share their reads (issue 20), on the real store: each still gets
the answer it would have had alone.

Events near them are looked for in one read by the union of their circles' regions (the coarsest
stored cells holding each circle, `geo.regions`) and kept by exact distance, as one read alone
keeps them, and their districts' places, when they come from a geocoder outside the process, in
one read of the geocode cache (the district table in memory is asked directly, with no store
command); a read that fills its limit, and may have cut someone's answer short, is followed by
each question read alone.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from matching.domain.community_events import CommunityEvent, EventStatus, Venue
from matching.domain.geo import Point, covering
from together_contracts import Interest
from together_kit.testing.commands import counting

from .conftest import Matching, OutsideSource, StartMatching, next_saturday_noon

pytestmark = pytest.mark.integration

MANCHESTER = Point(53.4809, -2.2374)
SALFORD = Point(53.4875, -2.2901)
STOCKPORT = Point(53.4084, -2.1494)
SHEFFIELD = Point(53.3811, -1.4701)
LEEDS = Point(53.7997, -1.5492)


def listing(at: Point, *, starts: datetime, title: str) -> CommunityEvent:
    return CommunityEvent(
        title=title,
        description="Soup and a chat.",
        event_type=Interest.FOOD_AND_MUTUAL_AID,
        also_suits=(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue=Venue(online=False, postcode="M1 1AE", outward_code="M1", location=at),
        places=4,
        organiser_email="sam@riverside.example.org",
        submitted_at=datetime.now(UTC),
        status=EventStatus.PUBLISHED,
    )


async def list_events(matching: Matching, now: datetime) -> None:
    saturday = next_saturday_noon(now)
    places = {"manchester": MANCHESTER, "stockport": STOCKPORT, "sheffield": SHEFFIELD}
    for week in range(3):
        for name, at in places.items():
            event = listing(at, starts=saturday + timedelta(weeks=week), title=f"{name} {week}")
            await matching.ctx.events.add(event, events=[])
    soon = listing(SALFORD, starts=now + timedelta(hours=1), title="salford, in an hour")
    await matching.ctx.events.add(soon, events=[])


async def test_volunteers_looking_together_get_what_each_would_alone(matching: Matching) -> None:
    now = datetime.now(UTC)
    await list_events(matching, now)
    questions = [
        (now, SALFORD, 5.0),
        (now, SALFORD, 15.0),
        (now + timedelta(hours=2), MANCHESTER, 15.0),  # later: the Salford hour is gone
        (now, STOCKPORT, 25.0),
        (now, SHEFFIELD, 15.0),
        (now, SHEFFIELD, 60.0),
        (now, LEEDS, 5.0),
    ]
    events = matching.ctx.events

    async def ask(when: datetime, where: Point, radius: float) -> list[uuid.UUID]:
        found = await events.upcoming(now=when, near=(where, radius))
        return [event.id for event in found]

    alone = [await ask(*question) for question in questions]
    with counting(matching.db.name) as counted:
        together = await asyncio.gather(*(ask(*question) for question in questions))

    assert together == alone
    assert any(alone)
    assert not alone[-1]
    assert len(alone[1]) > len(alone[2])
    assert {covering(where, radius).field for _, where, radius in questions} == {"h3_7", "h3_5"}
    assert counted.by_command.get("find", 0) == 1, dict(counted.by_command)


async def test_a_read_that_fills_its_limit_is_asked_again_for_each(matching: Matching) -> None:
    """Salford's many events today fill the shared read: Sheffield's, next week, are read alone."""
    now = datetime.now(UTC)
    for hour in range(1, 5):
        soon = listing(SALFORD, starts=now + timedelta(hours=hour), title=f"salford {hour}")
        await matching.ctx.events.add(soon, events=[])
    for day in (7, 8, 9):
        later = listing(SHEFFIELD, starts=now + timedelta(days=day), title=f"sheffield {day}")
        await matching.ctx.events.add(later, events=[])
    questions = [(SALFORD, 15.0), (SHEFFIELD, 15.0)]
    events = matching.ctx.events

    async def ask(where: Point, radius: float) -> list[uuid.UUID]:
        found = await events.upcoming(now=now, near=(where, radius), limit=2)
        return [event.id for event in found]

    alone = [await ask(*question) for question in questions]
    together = await asyncio.gather(*(ask(*question) for question in questions))

    assert together == alone
    assert [len(answer) for answer in alone] == [2, 2]


DISTRICTS = ["M1", "LS1", "CF10", "S1", "SK1"]


async def test_districts_asked_for_together_are_read_from_the_cache_at_once(
    start_matching: StartMatching,
) -> None:
    source = OutsideSource()
    async with start_matching(source) as matching:
        geocoder = matching.ctx.geocoder
        first = await asyncio.gather(*(geocoder.locate(district) for district in DISTRICTS))
        stored = await matching.db["geocode_cache"].count_documents({"_id": {"$in": DISTRICTS}})
        assert stored == len(DISTRICTS)

        geocoder._known.clear()  # type: ignore[attr-defined]  # a new process: the store's cache
        with counting(matching.db.name, "geocode_cache") as counted:
            again = await asyncio.gather(*(geocoder.locate(district) for district in DISTRICTS))

    assert again == first
    assert dict(counted.by_command) == {"find": 1}
    assert sorted(source.asked) == sorted(DISTRICTS), "each asked outside once"


async def test_the_district_table_is_asked_in_memory_with_nothing_kept_in_the_store(
    matching: Matching,
) -> None:
    geocoder = matching.ctx.geocoder
    with counting(matching.db.name, "geocode_cache") as counted:
        places = await asyncio.gather(*(geocoder.locate(district) for district in DISTRICTS))
        again = await asyncio.gather(*(geocoder.locate(district) for district in DISTRICTS))

    assert [place.outward_code for place in places] == DISTRICTS
    assert again == places
    assert counted.total == 0
