"""Progress on a published pledge (issue 22): the organisation's contact posts updates through
the signed link emailed when the pledge was approved; each waits for a moderator, and only an
approved one is shown on the pledge's page, with the text approved (perhaps redacted).

A rejection is final, as for pledges; a decision on an update no longer kept changes nothing.
A pledge keeps its newest `KEPT` updates, and at most `WAITING_AT_ONCE` wait at one time, so a
leaked link cannot flood the queue.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from signups.domain.pledges import DecisionOutcome

KEPT = 50
WAITING_AT_ONCE = 3
PROGRESS_LINK_MAX_AGE_SECONDS = 400 * 24 * 3600
"""A progress link works for a year and a bit (a yearly report fits); a new one is sent on
request."""
MAX_DISTRICTS = 5


class UpdateStatus(StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass
class PledgeUpdate:
    text: str
    submitted_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: UpdateStatus = UpdateStatus.WAITING
    published_text: str = ""
    decided_at: datetime | None = None

    def decide(self, *, approved: bool, text: str, now: datetime) -> DecisionOutcome:
        """Publish (a waiting update only) or take down (whatever came before)."""
        if approved:
            if self.status is not UpdateStatus.WAITING:
                return (
                    DecisionOutcome.UNCHANGED
                    if self.status is UpdateStatus.APPROVED
                    else DecisionOutcome.REFUSED
                )
            self.status, self.published_text, self.decided_at = UpdateStatus.APPROVED, text, now
            return DecisionOutcome.PUBLISHED
        if self.status is UpdateStatus.REJECTED:
            return DecisionOutcome.UNCHANGED
        self.status, self.published_text, self.decided_at = UpdateStatus.REJECTED, "", now
        return DecisionOutcome.WITHDRAWN


def may_post(updates: Iterable[PledgeUpdate]) -> bool:
    """Whether another update may wait for a moderator now."""
    return sum(u.status is UpdateStatus.WAITING for u in updates) < WAITING_AT_ONCE


def published(updates: Iterable[PledgeUpdate]) -> list[PledgeUpdate]:
    """Approved updates, newest first."""
    shown = [u for u in updates if u.status is UpdateStatus.APPROVED and u.decided_at]
    return sorted(shown, key=lambda u: u.submitted_at, reverse=True)


def reported_in(updates: Iterable[PledgeUpdate], year: int) -> bool:
    """Whether an update posted in `year` has been published."""
    return any(u.submitted_at.year == year for u in published(updates))


def districts_named(raw: Iterable[str]) -> tuple[str, ...]:
    """Outward codes in capitals, each once, in the order given."""
    return tuple(dict.fromkeys(code.strip().upper() for code in raw if code.strip()))
