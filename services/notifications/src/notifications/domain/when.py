"""Dates as people read them, in London time, in English or Welsh."""

from datetime import datetime

from notifications.domain.policy import LONDON

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


def spoken(moment: datetime, language: str) -> str:
    """`Saturday 5 December 2026, 12:00` (or `Dydd Sadwrn 5 Rhagfyr 2026, 12:00`)."""
    names = language if language in DAYS else "en"
    local = moment.astimezone(LONDON)
    day = DAYS[names][local.weekday()]
    month = MONTHS[names][local.month - 1]
    return f"{day} {local.day} {month} {local.year}, {local:%H:%M}"


TO = {"en": "to", "cy": "tan"}


def span(starts: datetime, ends: datetime, language: str) -> str:
    """`Saturday 5 December, 12:00 to 14:30` in London time (the end's day too if it differs)."""
    names = language if language in DAYS else "en"
    start, end = starts.astimezone(LONDON), ends.astimezone(LONDON)
    until = f"{end:%H:%M}" if end.date() == start.date() else _day(end, names)
    return f"{_day(start, names)} {TO[names]} {until}"


def _day(local: datetime, names: str) -> str:
    day = DAYS[names][local.weekday()]
    return f"{day} {local.day} {MONTHS[names][local.month - 1]}, {local:%H:%M}"
