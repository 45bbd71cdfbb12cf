"""Dates and times on matching's pages, in UK time."""

from datetime import UTC, datetime

from together_kit.dates import spoken_span

from matching.domain.availability import LONDON


def when(moment: datetime) -> str:
    """A time as people in Britain read it: `06/03/2027 12:00`, in London time."""
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def span(starts: datetime, ends: datetime, language: str = "en") -> str:
    """When an event happens as people say it: `Saturday 5 December, 12:00 to 14:30` (the year
    only when it is not this year), in the page's language."""
    return spoken_span(starts, ends, language, now=datetime.now(UTC))
