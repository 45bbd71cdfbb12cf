"""The gap finder's ranking and the map's projection."""

import pytest
from matching.domain.areas import areas_of
from matching.domain.gaps import (
    MAP_HEIGHT,
    MAP_WIDTH,
    MIN_VIEW,
    WHOLE,
    District,
    biggest,
    colour_for,
    gaps,
    on_map,
    path_of,
    radius_for,
    view_of,
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


def test_the_uk_fits_the_picture_north_up() -> None:
    for point in (Point(49.9, -6.3), Point(60.8, -0.8), Point(52.5, 1.75), Point(54.5, -8.2)):
        x, y = on_map(point)
        assert 0 <= x <= MAP_WIDTH
        assert 0 <= y <= MAP_HEIGHT
    assert on_map(Point(60, -1))[1] < on_map(Point(50, -1))[1]


def test_circles_grow_with_volunteers_and_colours_with_events() -> None:
    assert radius_for(100) > radius_for(10) > radius_for(1)
    assert [colour_for(n) for n in (0, 1, 2, 3)] == ["gap-none", "gap-few", "gap-few", "gap-some"]


def test_the_biggest_gaps_have_volunteers_and_no_event_in_reach() -> None:
    ranked = gaps(
        [District("CF10", 10, CARDIFF), District("M1", 6, MANCHESTER)], [CARDIFF], reach_km=10
    )
    assert [gap.outward_code for gap in biggest(ranked)] == ["M1"]


def test_a_view_zooms_to_its_points_and_the_outline_is_projected_like_them() -> None:
    view = view_of([CARDIFF, Point(53.23, -4.13)])
    assert view.width < WHOLE.width / 2
    for point in (CARDIFF, Point(53.23, -4.13)):
        x, y = on_map(point)
        assert view.x <= x <= view.x + view.width
        assert view.y <= y <= view.y + view.height
    assert view_of([]) == WHOLE
    assert view_of([CARDIFF]).width >= MIN_VIEW
    x, y = on_map(CARDIFF)
    assert path_of([[[-3.18, 51.48], [-3.0, 51.5], [-3.1, 51.6]]]).startswith(f"M{x:g} {y:g}L")


def test_a_district_is_in_its_nation_and_english_region() -> None:
    assert areas_of("Wales", "Gwynedd") == {"wales"}
    assert areas_of("England", "Greater London") == {"england", "london"}
    assert areas_of("England", "County of Bristol") == {"england", "south-west"}
    assert areas_of("Northern Ireland", "") == {"northern-ireland"}
    assert areas_of("", "Isle of Man") == set()
