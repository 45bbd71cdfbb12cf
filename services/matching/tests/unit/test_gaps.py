"""The gap finder's ranking and the map's projection."""

import pytest
from matching.domain.gaps import (
    MAP_HEIGHT,
    MAP_WIDTH,
    District,
    colour_for,
    gaps,
    on_map,
    radius_for,
)
from matching.domain.geo import Point

pytestmark = pytest.mark.unit

MANCHESTER = Point(53.48, -2.24)
CARDIFF = Point(51.48, -3.18)


def test_districts_with_many_volunteers_and_no_events_come_first() -> None:
    districts = [
        District("CF10", 10, CARDIFF),
        District("M1", 6, MANCHESTER),
        District("EMPTY", 0, MANCHESTER),
    ]
    ranked = gaps(districts, [CARDIFF, CARDIFF], reach_km=10)
    assert [(g.outward_code, g.events_in_reach) for g in ranked] == [("M1", 0), ("CF10", 2)]
    assert ranked[1].score == pytest.approx(10 / 3)


def test_reach_decides_which_events_count() -> None:
    [gap] = gaps([District("M1", 1, MANCHESTER)], [CARDIFF], reach_km=50)
    assert gap.events_in_reach == 0
    [gap] = gaps([District("M1", 1, MANCHESTER)], [CARDIFF], reach_km=250)
    assert gap.events_in_reach == 1


def test_great_britain_fits_the_picture_north_up() -> None:
    for point in (Point(49.9, -6.3), Point(60.8, -0.8), Point(52.5, 1.75), Point(58.2, -8.0)):
        x, y = on_map(point)
        assert 0 <= x <= MAP_WIDTH
        assert 0 <= y <= MAP_HEIGHT
    assert on_map(Point(60, -1))[1] < on_map(Point(50, -1))[1]


def test_circles_grow_with_volunteers_and_colours_with_events() -> None:
    assert radius_for(100) > radius_for(10) > radius_for(1)
    assert [colour_for(n) for n in (0, 1, 2, 3)] == ["gap-none", "gap-few", "gap-few", "gap-some"]
