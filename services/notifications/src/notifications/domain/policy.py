"""When an invitation may go: not in quiet hours, not over a weekly cap, or in a weekly digest.

Pure functions of the time they are given, so tests drive them with any clock. Only invitations
are held to them: reminders of an accepted place are asked for by accepting, so they go at their
moment even in quiet hours and are not counted by the cap (see `domain.reminders`); the weekly
digest counts as no invitation either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class InvitationRules:
    """Quiet hours, the weekly cap and the digest moment that every invitation is held to."""

    weekly_cap: int = 3
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    zone: ZoneInfo = LONDON
    digest_weekday: int = 0
    """The digest goes on this weekday (0 = Monday) at `digest_at`, London time."""
    digest_at: time = time(8, 0)


TEXT_RULES = InvitationRules(quiet_start=time(20, 0), quiet_end=time(9, 0))
"""Texts are stricter: no invitation by text from 20:00 to 09:00 (settings may change both)."""


def in_quiet_hours(now: datetime, *, rules: InvitationRules) -> bool:
    local = now.astimezone(rules.zone).time()
    if rules.quiet_start > rules.quiet_end:
        return local >= rules.quiet_start or local < rules.quiet_end
    return rules.quiet_start <= local < rules.quiet_end


def next_morning(now: datetime, *, rules: InvitationRules) -> datetime:
    """When quiet hours that hold at `now` end (local wall-clock time, across clock changes)."""
    local = now.astimezone(rules.zone)
    day = local.date() if local.time() < rules.quiet_end else local.date() + timedelta(days=1)
    return datetime.combine(day, rules.quiet_end, tzinfo=rules.zone)


def send_at(now: datetime, *, rules: InvitationRules) -> datetime:
    """The earliest moment an invitation may go: now, or the end of the quiet hours."""
    return next_morning(now, rules=rules) if in_quiet_hours(now, rules=rules) else now


def week_start(now: datetime, *, rules: InvitationRules) -> datetime:
    """Monday 00:00 London time of the week containing `now`: the cap counts per such week."""
    local = now.astimezone(rules.zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0, 0), tzinfo=rules.zone)


def within_cap(
    sent_this_week: Sequence[datetime], now: datetime, *, rules: InvitationRules
) -> bool:
    """Whether one more invitation fits under the weekly cap, counting those of this week."""
    start = week_start(now, rules=rules)
    return sum(1 for at in sent_this_week if at >= start) < rules.weekly_cap


def next_digest(now: datetime, *, rules: InvitationRules) -> datetime:
    """The next digest moment (by default Monday 08:00 London) strictly after `now`."""
    return last_digest(now, rules=rules) + timedelta(days=7)


def last_digest(now: datetime, *, rules: InvitationRules) -> datetime:
    """The latest digest moment at or before `now`: invitations held before it are due."""
    local = now.astimezone(rules.zone)
    days = (local.weekday() - rules.digest_weekday) % 7
    day = local.date() - timedelta(days=days)
    candidate = datetime.combine(day, rules.digest_at, tzinfo=rules.zone)
    if candidate > local:
        candidate = datetime.combine(day - timedelta(days=7), rules.digest_at, tzinfo=rules.zone)
    return candidate
