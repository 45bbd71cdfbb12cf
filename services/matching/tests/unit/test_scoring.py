"""Eligibility, the documented score, rotation among equals, and the reasons people are told."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from matching.domain import scoring
from matching.domain.community_events import CommunityEvent, EventStatus, Venue
from matching.domain.geo import Point
from matching.domain.volunteers import Status, Volunteer
from together_contracts import Availability, Interest

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
VENUE = Point(53.4809, -2.2374)


def event(**changes: object) -> CommunityEvent:
    base = CommunityEvent(
        title="Lunch",
        description="Soup",
        event_type=Interest.INTERGENERATIONAL,
        starts_at=SATURDAY,
        ends_at=SATURDAY + timedelta(hours=2),
        venue=Venue(False, "M1 1AE", "M1", VENUE),
        places=2,
        organiser_email="o@example.org",
        submitted_at=NOW,
        status=EventStatus.PUBLISHED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def volunteer(north_km: float = 2.1, **changes: object) -> Volunteer:
    base = Volunteer(
        person_id=uuid.uuid4(),
        outward_code="M1",
        location=Point(VENUE.latitude + north_km / 111.2, VENUE.longitude),
        interests=frozenset({Interest.INTERGENERATIONAL}),
        availability=frozenset({Availability.WEEKENDS}),
        travel_radius_km=10,
        confirmed_at=NOW - timedelta(days=1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_near_free_interested_volunteer_is_eligible() -> None:
    assert scoring.eligible(volunteer(), event(), now=NOW, cap=2)


@pytest.mark.parametrize(
    "changes",
    [
        {"north_km": 11},
        {"interests": frozenset({Interest.SPORT})},
        {"availability": frozenset({Availability.WEEKDAY_EVENINGS})},
        {"status": Status.UNSUBSCRIBED},
        {"status": Status.PENDING},
        {"wants_matches": False},
        {"location": None},
    ],
)
def test_who_is_not_eligible(changes: dict[str, object]) -> None:
    assert not scoring.eligible(volunteer(**changes), event(), now=NOW, cap=2)  # type: ignore[arg-type]


def test_a_welsh_language_event_needs_a_welsh_speaker() -> None:
    welsh = event(language="cy")
    assert not scoring.eligible(volunteer(language="en"), welsh, now=NOW, cap=2)
    assert scoring.eligible(volunteer(language="cy"), welsh, now=NOW, cap=2)
    assert scoring.eligible(volunteer(language="cy"), event(language="en"), now=NOW, cap=2)


def test_the_weekly_cap_and_an_earlier_proposal_exclude() -> None:
    busy = volunteer()
    busy.record_proposal(uuid.uuid4(), NOW - timedelta(days=1))
    busy.record_proposal(uuid.uuid4(), NOW - timedelta(days=2))
    assert not scoring.eligible(busy, event(), now=NOW, cap=2)
    assert scoring.eligible(busy, event(), now=NOW + timedelta(days=6), cap=2)
    listed = event()
    asked = volunteer()
    asked.record_proposal(listed.id, NOW)
    assert not scoring.eligible(asked, listed, now=NOW, cap=5)


def test_online_events_reach_everyone() -> None:
    online = event(venue=Venue(online=True))
    far = volunteer(north_km=300)
    assert scoring.eligible(far, online, now=NOW, cap=2)
    assert scoring.distance_to(far, online) is None


def test_the_score_follows_the_documented_formula() -> None:
    fresh = volunteer(north_km=2.5)
    expected = 0.35 * (1 - 2.5 / 10) + 0.20 * 1 + 0.20 * 0.5 + 0.25 * 1
    assert scoring.score(fresh, event(), now=NOW) == pytest.approx(expected, abs=1e-3)


def test_recent_invitations_lower_the_score_so_others_get_a_turn() -> None:
    nearest = volunteer(north_km=0.5, last_proposed_at=NOW - timedelta(days=1))
    further = volunteer(north_km=4)
    assert scoring.score(further, event(), now=NOW) > scoring.score(nearest, event(), now=NOW)


def test_past_acceptances_raise_the_score() -> None:
    keen = volunteer(accepted=4)
    reluctant = volunteer(declined=4)
    assert scoring.score(keen, event(), now=NOW) > scoring.score(reluctant, event(), now=NOW)


def test_interest_overlap_counts_what_else_the_event_suits() -> None:
    both = volunteer(interests=frozenset({Interest.INTERGENERATIONAL, Interest.FAITH}))
    one = volunteer()
    broad = event(also_suits=(Interest.FAITH,))
    assert scoring.score(both, broad, now=NOW) > scoring.score(one, broad, now=NOW)


def test_rotation_puts_the_longest_waiting_first_among_equals() -> None:
    waited_long = volunteer(last_proposed_at=NOW - timedelta(days=30))
    waited_longer = volunteer(last_proposed_at=NOW - timedelta(days=60))
    never = volunteer()
    ranked = scoring.ranked([waited_long, waited_longer, never], event(), now=NOW, cap=2)
    assert [c.volunteer.person_id for c in ranked] == [
        never.person_id,
        waited_longer.person_id,
        waited_long.person_id,
    ]


def test_ties_are_broken_differently_for_different_events() -> None:
    people = [volunteer() for _ in range(20)]
    firsts = {
        scoring.ranked(people, event(id=uuid.uuid4()), now=NOW, cap=2)[0].volunteer.person_id
        for _ in range(10)
    }
    assert len(firsts) > 1


def test_reasons_read_as_the_issue_says() -> None:
    candidate = scoring.ranked([volunteer(north_km=2.1)], event(), now=NOW, cap=2)[0]
    assert " · ".join(scoring.reasons(candidate, event())) == (
        "2.1 km away · likes intergenerational · free at weekends"
    )
