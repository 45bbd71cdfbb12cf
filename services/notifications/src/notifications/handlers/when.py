"""Dates as people read them in emails, in UK time, in English or Welsh: the kit's spoken dates
(`together_kit.dates`)."""

from datetime import datetime

from together_kit import dates


def spoken(moment: datetime, language: str) -> str:
    """`Saturday 5 December 2026, 12:00` (or `Dydd Sadwrn 5 Rhagfyr 2026, 12:00`)."""
    return dates.spoken(moment, language)


def span(starts: datetime, ends: datetime, language: str, *, now: datetime | None = None) -> str:
    """`Saturday 5 December, 12:00 to 14:30` (the end's day too if it differs), with the year
    when it is not `now`'s; without `now`, the weekday and the day place it."""
    return dates.spoken_span(starts, ends, language, now=now or starts)


def staff_time(moment: datetime, language: str) -> str:
    """`Thursday 3 December 2026, 09:12 GMT` (`BST` in summer): for staff, who may compare it
    with logs and other clocks."""
    return dates.spoken_with_zone(moment, language)
