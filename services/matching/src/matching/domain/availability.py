"""When an event happens, in the terms volunteers use: weekday daytimes, weekday evenings, weekends.

Times are judged in Europe/London (so 17:30 in July is evening, whatever UTC says). An event's
slot is the slot its start falls in: evenings start at 17:00; Saturday and Sunday are weekends.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from together_contracts import Availability

LONDON = ZoneInfo("Europe/London")
EVENING_STARTS_HOUR = 17


def slot(starts_at: datetime) -> Availability:
    local = starts_at.astimezone(LONDON)
    if local.weekday() >= 5:
        return Availability.WEEKENDS
    if local.hour >= EVENING_STARTS_HOUR:
        return Availability.WEEKDAY_EVENINGS
    return Availability.WEEKDAY_DAYTIMES


def available(volunteer_slots: frozenset[Availability], starts_at: datetime) -> bool:
    """A volunteer who named no times is taken to be free at any time."""
    return not volunteer_slots or slot(starts_at) in volunteer_slots
