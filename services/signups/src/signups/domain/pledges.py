"""Where an organisation's pledge stands, and the rules of moderators' decisions on it.

A pledge is `unconfirmed` until its contact confirms their address; then it is told as
`pledge.made` and `waiting` for moderation. Only an `approved` pledge is public, with the name and
text the moderator approved (perhaps redacted). A rejection is final: it takes an approved pledge
down, and an approval arriving after it (late or out of order) never puts the pledge back.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PledgeStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


class DecisionOutcome(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True)
class PledgeDecision:
    """A moderator's decision as signups keeps it: what is published, or why it is not."""

    approved: bool
    at: datetime
    organisation_name: str = ""
    text: str = ""
    reason: str | None = None
    before_moderation: bool = False
    """Shown on /pledges before pledges were moderated, and kept public as it was (see
    `Organisation.keep_pledge_shown_before_moderation`)."""


def status_of(*, confirmed: bool, decision: PledgeDecision | None) -> PledgeStatus:
    if decision is not None:
        return PledgeStatus.APPROVED if decision.approved else PledgeStatus.REJECTED
    return PledgeStatus.WAITING if confirmed else PledgeStatus.UNCONFIRMED


def approval_outcome(status: PledgeStatus) -> DecisionOutcome:
    """Only a waiting pledge is published; a rejected or unconfirmed one never is."""
    if status is PledgeStatus.WAITING:
        return DecisionOutcome.PUBLISHED
    if status is PledgeStatus.APPROVED:
        return DecisionOutcome.UNCHANGED
    return DecisionOutcome.REFUSED


def rejection_outcome(status: PledgeStatus) -> DecisionOutcome:
    """A rejection takes effect whatever came before it, and once."""
    if status is PledgeStatus.REJECTED:
        return DecisionOutcome.UNCHANGED
    return DecisionOutcome.WITHDRAWN
