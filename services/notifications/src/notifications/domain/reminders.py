"""When volunteers with a place are reminded: the day before their event and the morning of it.

Reminders are asked for by accepting a place, so quiet hours do not hold them back and the weekly
invitation cap does not count them. Only moments still ahead are scheduled, and the morning one
only when the event starts after it. Pure: tests give any `now`.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifications.domain.policy import LONDON

DAY_BEFORE = "reminder_day_before"
MORNING = "reminder_morning"
TEMPLATES = (DAY_BEFORE, MORNING)
KIND = "reminder"


@dataclass(frozen=True)
class ReminderTimes:
    day_before: time = time(10, 0)
    morning: time = time(8, 0)
    zone: ZoneInfo = LONDON


def reminders_due(
    starts_at: datetime, now: datetime, *, rules: ReminderTimes
) -> dict[str, datetime]:
    """Template -> moment for each reminder of an event starting at `starts_at` still to come."""
    day = starts_at.astimezone(rules.zone).date()
    moments = {
        DAY_BEFORE: datetime.combine(day - timedelta(days=1), rules.day_before, tzinfo=rules.zone),
        MORNING: datetime.combine(day, rules.morning, tzinfo=rules.zone),
    }
    return {template: at for template, at in moments.items() if now < at < starts_at}
