"""What a moderator may decide about an item, and the append-only record of each decision."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
"""Times in messages to moderators are UK time (GMT or BST)."""


class Role(StrEnum):
    MODERATOR = "moderator"
    LEAD = "lead"
    COORDINATOR = "coordinator"
    """Moves community connectors along their path (domain.connectors); sees no queue."""
    STAFF = "staff"
    """Signs up people who joined on paper or by phone and enters stories on their behalf
    (entrypoints.web.moderator.assisted); sees no queue."""


@dataclass(frozen=True)
class Moderator:
    """Who decides: the moderator UI passes the signed-in account's name and role."""

    name: str
    role: Role = Role.MODERATOR

    @property
    def is_lead(self) -> bool:
        return self.role is Role.LEAD


class Action(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_REDACTIONS = "approve-with-redactions"
    REJECT = "reject"
    ESCALATE = "escalate"
    APPROVE_OVERRIDE = "approve-despite-personal-data"
    """Published as sent although screening flagged personal data: the note says why."""
    WITHDRAW = "withdraw"
    """A lead took a published item down; the note says why."""
    AUTHOR_WITHDRAW = "author-withdraw"
    """The author took their story down through the signed link in the "published" email."""


class Reason(StrEnum):
    """The fixed list a rejection or an escalation is given from (shown in the UI, kept in events)."""

    PERSONAL_DATA = "personal-data"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off-topic"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    NOT_SAFE = "not-safe"
    INCOMPLETE = "incomplete"
    NOT_A_COMMUNITY_EVENT = "not-a-community-event"
    COMMERCIAL = "commercial"
    SAFEGUARDING = "safeguarding"
    UNSURE = "unsure"
    LEGAL = "legal"
    OTHER = "other"


REJECT_REASONS: frozenset[Reason] = frozenset(Reason) - {Reason.UNSURE, Reason.LEGAL}
ESCALATE_REASONS: frozenset[Reason] = frozenset(
    {Reason.SAFEGUARDING, Reason.UNSURE, Reason.LEGAL, Reason.OTHER}
)
MAX_NOTE_LENGTH = 2000
BULK_ACTIONS = frozenset({Action.APPROVE, Action.REJECT})
"""What a moderator may do to several items at once from the queue."""


def check_bulk(action: Action, reason: Reason | None) -> None:
    """Refuse (`ValueError`) a bulk decision other than approving, or rejecting with a reason."""
    if action not in BULK_ACTIONS:
        raise ValueError("bulk decisions approve or reject")
    if action is Action.REJECT and reason is None:
        raise ValueError("a bulk rejection needs a reason")


@dataclass(frozen=True)
class Decision:
    """One entry of the audit trail; never changed once written (erasure blanks its texts only)."""

    moderator: str
    role: Role
    at: datetime
    action: Action
    reason: Reason | None = None
    note: str = ""
    before: str | None = None
    after: str | None = None
    id: UUID = field(default_factory=uuid4)


class DecisionError(Exception):
    """A decision the rules refuse; the message says why, for the moderator."""


class ClaimHeldError(DecisionError):
    def __init__(self, holder: str, until: datetime) -> None:
        local = (until if until.tzinfo else until.replace(tzinfo=UTC)).astimezone(UK)
        super().__init__(f"{holder} is reviewing this item until {local:%H:%M} {local.tzname()}.")
        self.holder = holder
        self.until = until


class AlreadyDecidedError(DecisionError):
    def __init__(self, status: str) -> None:
        super().__init__(f"This item has already been decided ({status}).")
        self.status = status


class LeadRequiredError(DecisionError):
    def __init__(self) -> None:
        super().__init__("Only a lead moderator can decide this item.")


class InvalidDecisionError(DecisionError):
    pass


class PersonalDataFlaggedError(DecisionError):
    """Approving as sent an item flagged `personal-data` needs an override with a reason."""

    def __init__(self) -> None:
        super().__init__(
            "Screening flagged personal data in this item: redact it, or approve it as sent "
            "with an override and say why."
        )
