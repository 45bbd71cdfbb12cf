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
