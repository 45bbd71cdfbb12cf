"""Calls to action: a gap (domain.gaps) that lasts becomes a call, and the call stays open until
an event is in reach again.

The periodic review sees every district with confirmed volunteers. A district with no upcoming
event in reach starts a streak, remembered from the first review that saw it; once the streak is
`after` long (issue 22: "no event in reach for N weeks"), a call opens. A later review that finds
an event in reach (or no volunteer left) ends the streak and closes the call. A call's id comes
from its district and the start of its streak, so two reviews at once open it once.
"""

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from matching.domain.gaps import Gap

CALLS = UUID("6f0d8f52-9a41-4d8e-8f3c-0c6b1d2a7e15")
"""The namespace of calls' ids (uuid5 of district and streak start)."""


def call_id(outward_code: str, gap_since: datetime) -> UUID:
    return uuid5(CALLS, f"{outward_code}|{gap_since.isoformat()}")


@dataclass(frozen=True)
class Call:
    outward_code: str
    gap_since: datetime
    opened_at: datetime
    volunteers: int
    id: UUID
    closed_at: datetime | None = None
    events_in_reach: int = 0
    """Upcoming events in reach when it closed."""

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def open_for(self, now: datetime) -> timedelta:
        return (self.closed_at or now) - self.opened_at


@dataclass(frozen=True)
class Review:
    """What one review decided: streaks begun and ended, calls to open and to close."""

    begun: dict[str, datetime] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)
    opening: list[Call] = field(default_factory=list)
    closing: list[tuple[Call, int]] = field(default_factory=list)
    """Each open call to close, with the events in reach that close it."""


def review(
    found: Iterable[Gap],
    streaks: Mapping[str, datetime],
    open_calls: Mapping[str, Call],
    *,
    now: datetime,
    after: timedelta,
) -> Review:
    """Compare the gaps found now with the streaks and calls kept since the last review."""
    decided = Review()
    seen: set[str] = set()
    for gap in found:
        seen.add(gap.outward_code)
        code = gap.outward_code
        if gap.volunteers > 0 and gap.events_in_reach == 0:
            since = streaks.get(code)
            if since is None:
                since = decided.begun[code] = now
            if code not in open_calls and now - since >= after:
                decided.opening.append(
                    Call(
                        code,
                        gap_since=since,
                        opened_at=now,
                        volunteers=gap.volunteers,
                        id=call_id(code, since),
                    )
                )
            continue
        if code in streaks:
            decided.ended.add(code)
        if code in open_calls:
            decided.closing.append((open_calls[code], gap.events_in_reach))
    for code in set(streaks) - seen:
        decided.ended.add(code)
    for code in set(open_calls) - seen:
        decided.closing.append((open_calls[code], 0))
    return decided


@dataclass(frozen=True)
class CallFigures:
    """What the coalition sees of its calls: how many opened, closed and are open, and how long
    the closed ones stayed open."""

    opened: int
    closed: int
    open: int
    median_days_open: float | None
    longest_days_open: float | None


def figures(calls: Iterable[Call]) -> CallFigures:
    every = list(calls)
    days = [
        (c.closed_at - c.opened_at).total_seconds() / 86400
        for c in every
        if c.closed_at is not None
    ]
    return CallFigures(
        opened=len(every),
        closed=len(days),
        open=sum(1 for c in every if c.open),
        median_days_open=round(statistics.median(days), 1) if days else None,
        longest_days_open=round(max(days), 1) if days else None,
    )
