"""Quiet hours, the weekly cap and the digest moment, driven by explicit times."""

from datetime import UTC, datetime, timedelta

import pytest
from notifications.domain.policy import (
    LONDON,
    InvitationRules,
    in_quiet_hours,
    last_digest,
    next_digest,
    send_at,
    week_start,
    within_cap,
)

pytestmark = pytest.mark.unit

RULES = InvitationRules()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (london(2026, 11, 25, 20, 59), False),
        (london(2026, 11, 25, 21, 0), True),
        (london(2026, 11, 26, 0, 30), True),
        (london(2026, 11, 26, 7, 59), True),
        (london(2026, 11, 26, 8, 0), False),
        (london(2026, 7, 1, 12, 0), False),
    ],
)
def test_quiet_hours_are_nine_at_night_to_eight_in_the_morning(
    moment: datetime, quiet: bool
) -> None:
    assert in_quiet_hours(moment, rules=RULES) is quiet
    assert in_quiet_hours(moment.astimezone(UTC), rules=RULES) is quiet


def test_summer_time_is_london_time_not_utc() -> None:
    """20:30 UTC in July is 21:30 in London: quiet."""
    assert in_quiet_hours(datetime(2026, 7, 1, 20, 30, tzinfo=UTC), rules=RULES)
    assert not in_quiet_hours(datetime(2026, 12, 1, 20, 30, tzinfo=UTC), rules=RULES)


def test_an_invitation_in_quiet_hours_waits_for_eight_the_next_morning() -> None:
    assert send_at(london(2026, 11, 25, 22, 15), rules=RULES) == london(2026, 11, 26, 8, 0)
    assert send_at(london(2026, 11, 26, 6, 0), rules=RULES) == london(2026, 11, 26, 8, 0)
    noon = london(2026, 11, 26, 12, 0)
    assert send_at(noon, rules=RULES) == noon


def test_morning_across_the_clock_change() -> None:
    """The night the clocks go back (25 Oct 2026) still ends at 08:00 local time."""
    late = london(2026, 10, 24, 23, 0)
    assert send_at(late, rules=RULES).astimezone(UTC) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


def test_weekly_cap_counts_this_week_only() -> None:
    now = london(2026, 11, 26, 10, 0)
    monday = week_start(now, rules=RULES)
    assert monday == london(2026, 11, 23, 0, 0)
    this_week = [monday + timedelta(hours=h) for h in (1, 30, 50)]
    last_week = [monday - timedelta(hours=1)] * 5
    assert not within_cap(this_week, now, rules=RULES)
    assert within_cap(this_week[:2] + last_week, now, rules=RULES)
    assert within_cap([], now, rules=InvitationRules(weekly_cap=1))
    assert not within_cap(this_week[:1], now, rules=InvitationRules(weekly_cap=1))


def test_digest_is_next_monday_morning() -> None:
    assert next_digest(london(2026, 11, 26, 10, 0), rules=RULES) == london(2026, 11, 30, 8, 0)
    assert next_digest(london(2026, 11, 30, 7, 59), rules=RULES) == london(2026, 11, 30, 8, 0)
    assert next_digest(london(2026, 11, 30, 8, 0), rules=RULES) == london(2026, 12, 7, 8, 0)


def test_the_last_digest_moment_is_the_latest_monday_eight_oclock() -> None:
    assert last_digest(london(2026, 11, 30, 8, 0), rules=RULES) == london(2026, 11, 30, 8, 0)
    assert last_digest(london(2026, 11, 30, 7, 59), rules=RULES) == london(2026, 11, 23, 8, 0)
    assert last_digest(london(2026, 12, 6, 23, 0), rules=RULES) == london(2026, 11, 30, 8, 0)


def test_digest_moment_is_london_time_across_the_clock_change() -> None:
    """Monday 30 March 2026 is in summer time: 08:00 London is 07:00 UTC."""
    moment = last_digest(datetime(2026, 3, 30, 7, 30, tzinfo=UTC), rules=RULES)
    assert moment.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
