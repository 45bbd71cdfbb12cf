"""Dates as people in Britain say them, in UK time."""

from datetime import UTC, datetime

import pytest
from together_kit.dates import spoken, spoken_span, spoken_with_zone

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_an_event_this_year_is_said_without_the_year() -> None:
    starts = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    ends = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)

    assert spoken_span(starts, ends, "en", now=NOW) == "Saturday 5 December, 12:00 to 14:30"


def test_next_year_is_said_with_the_year() -> None:
    starts = datetime(2027, 1, 9, 10, 0, tzinfo=UTC)
    ends = datetime(2027, 1, 9, 12, 0, tzinfo=UTC)

    assert spoken_span(starts, ends, "en", now=NOW) == "Saturday 9 January 2027, 10:00 to 12:00"


def test_summer_times_are_uk_time_not_utc() -> None:
    starts = datetime(2027, 6, 5, 11, 0, tzinfo=UTC)

    assert spoken(starts, "en", now=datetime(2027, 1, 1, tzinfo=UTC)) == "Saturday 5 June, 12:00"


def test_an_end_on_another_day_is_said_in_full() -> None:
    starts = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
    ends = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)

    assert spoken_span(starts, ends, "en", now=NOW) == (
        "Thursday 31 December, 21:00 to Friday 1 January 2027, 01:00"
    )


def test_welsh() -> None:
    starts = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    ends = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)

    assert spoken_span(starts, ends, "cy", now=NOW) == "Dydd Sadwrn 5 Rhagfyr, 12:00 tan 14:30"


def test_without_now_the_year_is_always_said() -> None:
    assert (
        spoken(datetime(2026, 12, 5, 12, 0, tzinfo=UTC), "en") == "Saturday 5 December 2026, 12:00"
    )


def test_a_time_with_its_zone_says_gmt_in_winter_and_bst_in_summer() -> None:
    winter = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    summer = datetime(2027, 6, 5, 11, 0, tzinfo=UTC)

    assert spoken_with_zone(winter, "en", now=NOW) == "Saturday 5 December, 12:00 GMT"
    assert spoken_with_zone(summer, "cy") == "Dydd Sadwrn 5 Mehefin 2027, 12:00 BST"
