"""Calls to action's rules (domain.calls): when a streak begins, when a call opens and closes,
and the coalition's figures."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from matching.domain.calls import Call, call_id, figures, review
from matching.domain.gaps import Gap
from matching.domain.geo import Point

pytestmark = pytest.mark.unit

NOW = datetime(2027, 6, 1, 6, 0, tzinfo=UTC)
AFTER = timedelta(weeks=4)
HERE = Point(53.2, -4.1)


def gap(code: str, volunteers: int = 3, events: int = 0) -> Gap:
    return Gap(code, volunteers, events, HERE)


def opened(code: str, since: datetime, at: datetime) -> Call:
    return Call(code, gap_since=since, opened_at=at, volunteers=3, id=call_id(code, since))


def test_a_new_gap_begins_a_streak_and_opens_nothing_yet() -> None:
    decided = review([gap("LL57"), gap("M1", events=2)], {}, {}, now=NOW, after=AFTER)

    assert decided.begun == {"LL57": NOW}
    assert decided.opening == []
    assert decided.ended == set()


def test_a_streak_as_long_as_the_wait_opens_one_call() -> None:
    since = NOW - AFTER
    decided = review([gap("LL57")], {"LL57": since}, {}, now=NOW, after=AFTER)

    [call] = decided.opening
    assert (call.outward_code, call.gap_since, call.volunteers) == ("LL57", since, 3)
    assert call.id == call_id("LL57", since)
    assert decided.begun == {}


def test_a_shorter_streak_or_an_open_call_opens_none() -> None:
    short = review([gap("LL57")], {"LL57": NOW - AFTER / 2}, {}, now=NOW, after=AFTER)
    since = NOW - 2 * AFTER
    already = review(
        [gap("LL57")],
        {"LL57": since},
        {"LL57": opened("LL57", since, NOW - AFTER)},
        now=NOW,
        after=AFTER,
    )

    assert short.opening == []
    assert already.opening == []
    assert already.closing == []


def test_an_event_in_reach_ends_the_streak_and_closes_the_call() -> None:
    call = opened("LL57", NOW - 2 * AFTER, NOW - AFTER)
    decided = review(
        [gap("LL57", events=1)], {"LL57": call.gap_since}, {"LL57": call}, now=NOW, after=AFTER
    )

    assert decided.ended == {"LL57"}
    assert decided.closing == [(call, 1)]


def test_a_district_whose_volunteers_left_closes_with_no_event() -> None:
    call = opened("LL57", NOW - 2 * AFTER, NOW - AFTER)
    decided = review([], {"LL57": call.gap_since}, {"LL57": call}, now=NOW, after=AFTER)

    assert decided.ended == {"LL57"}
    assert decided.closing == [(call, 0)]


def test_the_figures_count_every_call_and_time_the_closed_ones() -> None:
    a = opened("LL57", NOW, NOW)
    b = opened("CF10", NOW, NOW)
    calls = [
        replace(a, closed_at=NOW + timedelta(days=3)),
        replace(b, closed_at=NOW + timedelta(days=10)),
        opened("EH1", NOW, NOW),
    ]

    found = figures(calls)

    assert (found.opened, found.closed, found.open) == (3, 2, 1)
    assert found.median_days_open == 6.5
    assert found.longest_days_open == 10.0
    assert figures([]).median_days_open is None
