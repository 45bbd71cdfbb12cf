"""Distance, grid cells covering a radius, and the time slot of an event."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.domain.availability import available, slot
from matching.domain.geo import COARSEST, Point, band_of, cells, covering, distance_km, regions
from matching.domain.nearby import blocks_reaching, reach_key
from together_contracts import Availability

pytestmark = pytest.mark.unit

LONDON = Point(51.5074, -0.1278)
MANCHESTER = Point(53.4808, -2.2426)
CARDIFF = Point(51.4816, -3.1791)


def test_known_distances() -> None:
    assert distance_km(LONDON, MANCHESTER) == pytest.approx(262, abs=2)
    assert distance_km(LONDON, CARDIFF) == pytest.approx(211, abs=2)
    assert distance_km(LONDON, LONDON) == 0
    assert distance_km(MANCHESTER, CARDIFF) == pytest.approx(distance_km(CARDIFF, MANCHESTER))


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert distance_km(Point(52, -1), Point(53, -1)) == pytest.approx(111.2, abs=0.2)


def test_radius_bands() -> None:
    radii = (1, 15, 16, 60, 61, 100, 101, 200)
    assert [band_of(r) for r in radii] == [7, 7, 5, 5, 4, 4, 3, 3]


def offset(point: Point, north_km: float, east_km: float) -> Point:
    import math

    return Point(
        point.latitude + north_km / 111.2,
        point.longitude + east_km / (111.2 * math.cos(math.radians(point.latitude))),
    )


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(50.0, 58.5),
    lon=st.floats(-5.5, 1.5),
    radius=st.floats(0.5, 200),
    north=st.floats(-1, 1),
    east=st.floats(-1, 1),
)
def test_the_cells_covering_a_radius_contain_every_point_within_it(
    lat: float, lon: float, radius: float, north: float, east: float
) -> None:
    centre = Point(lat, lon)
    other = offset(centre, north * radius * 0.7, east * radius * 0.7)
    if distance_km(centre, other) > radius:
        return
    cover = covering(centre, radius)
    assert cells(other)[cover.field] in cover.cells
    assert cells(other)[COARSEST] in regions(centre, radius)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(50.0, 58.5),
    lon=st.floats(-5.5, 1.5),
    radius=st.integers(1, 200),
    north=st.floats(-1, 1),
    east=st.floats(-1, 1),
)
def test_a_volunteer_whose_radius_reaches_is_in_a_block_read_no_later_than_their_distance(
    lat: float, lon: float, radius: int, north: float, east: float
) -> None:
    event = Point(lat, lon)
    volunteer = offset(event, north * radius * 0.7, east * radius * 0.7)
    distance = distance_km(event, volunteer)
    if distance > radius:
        return
    key = reach_key(uuid4(), volunteer, radius, None)
    assert key is not None
    holding = [b for b in blocks_reaching(event) if b.first_key < key < b.end_key]
    assert len(holding) == 1
    assert holding[0].nearest_km <= distance


def test_blocks_are_listed_nearest_first_and_none_is_beyond_its_bands_reach() -> None:
    blocks = blocks_reaching(LONDON)
    assert [b.nearest_km for b in blocks] == sorted(b.nearest_km for b in blocks)
    assert {b.band for b in blocks if b.nearest_km == 0} == {7, 5, 4, 3}
    limits = {7: 15, 5: 60, 4: 100, 3: 200}
    assert all(b.nearest_km <= limits[b.band] for b in blocks)
    assert len(blocks) < 60


def test_the_longest_waiting_sort_first_within_a_block() -> None:
    person = uuid4()
    never = reach_key(person, LONDON, 10, None)
    earlier = reach_key(person, LONDON, 10, datetime(2026, 1, 2, 9, 0, tzinfo=UTC))
    later = reach_key(person, LONDON, 10, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    assert never is not None
    assert earlier is not None
    assert later is not None
    assert never < earlier < later
    assert reach_key(person, None, 10, None) is None


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime(2026, 12, 2, 10, 0, tzinfo=UTC), Availability.WEEKDAY_DAYTIMES),
        (datetime(2026, 12, 2, 16, 59, tzinfo=UTC), Availability.WEEKDAY_DAYTIMES),
        (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), Availability.WEEKDAY_EVENINGS),
        (datetime(2026, 7, 1, 16, 30, tzinfo=UTC), Availability.WEEKDAY_EVENINGS),
        (datetime(2026, 7, 1, 15, 30, tzinfo=UTC), Availability.WEEKDAY_DAYTIMES),
        (datetime(2026, 12, 5, 10, 0, tzinfo=UTC), Availability.WEEKENDS),
        (datetime(2026, 12, 6, 20, 0, tzinfo=UTC), Availability.WEEKENDS),
        (datetime(2026, 12, 4, 23, 30, tzinfo=UTC), Availability.WEEKDAY_EVENINGS),
        (datetime(2026, 7, 3, 23, 30, tzinfo=UTC), Availability.WEEKENDS),
    ],
)
def test_the_slot_of_an_event_is_judged_in_london(when: datetime, expected: Availability) -> None:
    assert slot(when) is expected


def test_no_times_named_means_free_at_any_time() -> None:
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert available(frozenset(), saturday)
    assert available(frozenset({Availability.WEEKENDS}), saturday)
    assert not available(frozenset({Availability.WEEKDAY_EVENINGS}), saturday)
