"""The gap finder's ranking and its circles (the map's projection is the kit's: test_uk_map)."""

import pytest
from matching.domain.areas import areas_of
from matching.domain.gaps import District, biggest, colour_for, gaps, radius_for
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


def test_circles_grow_with_volunteers_and_colours_with_events() -> None:
    assert radius_for(100) > radius_for(10) > radius_for(1)
    assert [colour_for(n) for n in (0, 1, 2, 3)] == ["gap-none", "gap-few", "gap-few", "gap-some"]


def test_the_biggest_gaps_have_volunteers_and_no_event_in_reach() -> None:
    ranked = gaps(
        [District("CF10", 10, CARDIFF), District("M1", 6, MANCHESTER)], [CARDIFF], reach_km=10
    )
    assert [gap.outward_code for gap in biggest(ranked)] == ["M1"]


def test_a_district_is_in_its_nation_and_english_region() -> None:
    assert areas_of("Wales", "Gwynedd") == {"wales"}
    assert areas_of("England", "Greater London") == {"england", "london"}
    assert areas_of("England", "County of Bristol") == {"england", "south-west"}
    assert areas_of("Northern Ireland", "") == {"northern-ireland"}
    assert areas_of("", "Isle of Man") == set()
