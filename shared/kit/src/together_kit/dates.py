"""Dates and times as people in Britain say them, in UK time, in English or Welsh.

"Saturday 5 December, 12:00 to 14:30": the weekday, the day and the month, the year only when it
is not this year, and a span's end time alone when it ends the same day.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "cy": (
        "Dydd Llun",
        "Dydd Mawrth",
        "Dydd Mercher",
        "Dydd Iau",
        "Dydd Gwener",
        "Dydd Sadwrn",
        "Dydd Sul",
    ),
}
MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "cy": (
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ),
}
UNTIL = {"en": "to", "cy": "tan"}


def _names(language: str) -> str:
    return language if language in DAYS else "en"


def spoken_day(moment: datetime, language: str = "en", *, now: datetime | None = None) -> str:
    """`Saturday 5 December` (`Dydd Sadwrn 5 Rhagfyr`), with the year when it is not `now`'s
    (UK time); without `now`, always with the year."""
    names = _names(language)
    local = moment.astimezone(LONDON)
    said = f"{DAYS[names][local.weekday()]} {local.day} {MONTHS[names][local.month - 1]}"
    if now is None or now.astimezone(LONDON).year != local.year:
        said += f" {local.year}"
    return said


def spoken(moment: datetime, language: str = "en", *, now: datetime | None = None) -> str:
    """`Saturday 5 December, 12:00` in UK time (the year as in `spoken_day`)."""
    return f"{spoken_day(moment, language, now=now)}, {moment.astimezone(LONDON):%H:%M}"


def spoken_span(
    starts: datetime, ends: datetime, language: str = "en", *, now: datetime | None = None
) -> str:
    """`Saturday 5 December, 12:00 to 14:30`; an end on another day is said in full."""
    until = UNTIL[_names(language)]
    first, last = starts.astimezone(LONDON), ends.astimezone(LONDON)
    end = f"{last:%H:%M}" if first.date() == last.date() else spoken(last, language, now=now)
    return f"{spoken(starts, language, now=now)} {until} {end}"


def spoken_with_zone(moment: datetime, language: str = "en", *, now: datetime | None = None) -> str:
    """`Saturday 5 December, 12:00 GMT` (or `BST` in summer): for staff, and wherever a reader
    may be elsewhere or the clocks change between now and then."""
    return f"{spoken(moment, language, now=now)} {moment.astimezone(LONDON).tzname()}"
