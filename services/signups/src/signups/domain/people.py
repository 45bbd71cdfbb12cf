"""A person who joined as a volunteer: details, double opt-in, consents, rejoining."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from together_contracts import Availability, Consent, Interest, Language

CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
PENDING_PURGED_AFTER = timedelta(days=30)


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"


class ConfirmOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already-confirmed"
    INVALID = "invalid"


@dataclass(frozen=True)
class VolunteerDetails:
    """What the join form or the API says about a volunteer, already validated and normalised."""

    name: str
    email: str
    postcode: str
    outward_code: str
    travel_radius_km: int
    language: Language = "en"
    phone: str | None = None
    interests: tuple[Interest, ...] = ()
    availability: tuple[Availability, ...] = ()
    consents: frozenset[Consent] = frozenset()
    connector: bool = False


@dataclass(frozen=True)
class ConsentRecord:
    """Evidence of one consent given or withdrawn: what, on which form version, when, from where."""

    consent: Consent
    granted: bool
    form_version: str
    source: str
    at: datetime


@dataclass(frozen=True)
class JoinContext:
    now: datetime
    source: str
    form_version: str


@dataclass
class Person:
    details: VolunteerDetails
    joined_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: Status = Status.PENDING
    confirmed_at: datetime | None = None
    confirmation_sent_at: datetime | None = None
    confirmation_nonce: str | None = field(default_factory=lambda: uuid4().hex)
    consent_log: list[ConsentRecord] = field(default_factory=list)
    version: int = 0

    @classmethod
    def join(cls, details: VolunteerDetails, context: JoinContext) -> "Person":
        person = cls(details=details, joined_at=context.now)
        person.consent_log = _consent_changes(frozenset(), details.consents, context)
        return person

    @property
    def confirmed(self) -> bool:
        return self.status is Status.CONFIRMED

    def should_send_confirmation(self, now: datetime) -> bool:
        """Unconfirmed, and no confirmation email in the last ten minutes."""
        if self.confirmed:
            return False
        last = self.confirmation_sent_at
        return last is None or now - last >= CONFIRMATION_RESEND_AFTER

    def confirmation_sent(self, now: datetime) -> None:
        self.confirmation_sent_at = now

    def rejoin(self, details: VolunteerDetails, context: JoinContext) -> bool:
        """Save changed details from a second join; return whether anything changed."""
        changes = _consent_changes(self.details.consents, details.consents, context)
        changed = details != self.details
        self.details = details
        self.consent_log.extend(changes)
        return changed

    def confirm(self, nonce: str, now: datetime) -> ConfirmOutcome:
        if self.confirmed:
            return ConfirmOutcome.ALREADY_CONFIRMED
        if nonce != self.confirmation_nonce:
            return ConfirmOutcome.INVALID
        self.status = Status.CONFIRMED
        self.confirmed_at = now
        self.confirmation_nonce = None
        return ConfirmOutcome.CONFIRMED

    def withdraw_email_consent(self, context: JoinContext) -> frozenset[Consent]:
        """Withdraw every email consent; return those that were given."""
        withdrawn = self.details.consents
        self.consent_log.extend(_consent_changes(withdrawn, frozenset(), context))
        self.details = replace(self.details, consents=frozenset())
        return withdrawn

    def purgeable(self, now: datetime) -> bool:
        return not self.confirmed and now - self.joined_at >= PENDING_PURGED_AFTER


def _consent_changes(
    before: frozenset[Consent], after: frozenset[Consent], context: JoinContext
) -> list[ConsentRecord]:
    return [
        ConsentRecord(consent, consent in after, context.form_version, context.source, context.now)
        for consent in sorted(before ^ after)
    ]
