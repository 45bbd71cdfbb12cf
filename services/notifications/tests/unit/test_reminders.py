"""When reminders of an accepted place fall: the day before at 10:00 and the morning at 08:00."""

from datetime import UTC, datetime

import pytest
from notifications.domain.policy import LONDON
from notifications.domain.reminders import DAY_BEFORE, MORNING, ReminderTimes, reminders_due

pytestmark = pytest.mark.unit

RULES = ReminderTimes()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def test_both_reminders_for_a_midday_event_a_week_ahead() -> None:
    due = reminders_due(london(2026, 12, 5, 12, 0), london(2026, 11, 28, 9, 0), rules=RULES)
    assert due == {DAY_BEFORE: london(2026, 12, 4, 10, 0), MORNING: london(2026, 12, 5, 8, 0)}


def test_no_morning_reminder_for_an_event_at_or_before_eight() -> None:
    early = london(2026, 12, 5, 7, 30)
    assert reminders_due(early, london(2026, 11, 28, 9, 0), rules=RULES) == {
        DAY_BEFORE: london(2026, 12, 4, 10, 0)
    }
    assert MORNING not in reminders_due(
        london(2026, 12, 5, 8, 0), london(2026, 11, 28), rules=RULES
    )


def test_only_moments_still_ahead() -> None:
    starts = london(2026, 12, 5, 12, 0)
    assert reminders_due(starts, london(2026, 12, 4, 10, 0), rules=RULES) == {
        MORNING: london(2026, 12, 5, 8, 0)
    }
    assert reminders_due(starts, london(2026, 12, 5, 9, 0), rules=RULES) == {}


def test_the_day_is_the_london_day_of_the_start() -> None:
    """00:30 London on 1 July is 23:30 UTC on 30 June: reminded on 30 June at 10:00 London."""
    starts = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    due = reminders_due(starts, london(2026, 6, 1, 9, 0), rules=RULES)
    assert due == {DAY_BEFORE: london(2026, 6, 30, 10, 0)}


def test_times_come_from_settings() -> None:
    from datetime import time

    rules = ReminderTimes(day_before=time(18, 0), morning=time(7, 0))
    due = reminders_due(london(2026, 12, 5, 12, 0), london(2026, 11, 28), rules=rules)
    assert due == {DAY_BEFORE: london(2026, 12, 4, 18, 0), MORNING: london(2026, 12, 5, 7, 0)}
