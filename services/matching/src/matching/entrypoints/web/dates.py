"""Dates and times on matching's pages."""

from datetime import datetime

from matching.domain.availability import LONDON


def when(moment: datetime) -> str:
    """A time as people in Britain read it: `06/03/2027 12:00`, in London time."""
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")
