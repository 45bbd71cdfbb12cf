"""An organisation that joined the coalition and the pledge it made."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from together_contracts import IntegrationEvent, Interest, Language, OrganisationType

from signups.domain.people import ConfirmOutcome
from signups.domain.pledges import (
    DecisionOutcome,
    PledgeDecision,
    PledgeStatus,
    approval_outcome,
    rejection_outcome,
    status_of,
)
from signups.domain.progress import KEPT, PledgeUpdate, may_post


class OrganisationNotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class Pledge:
    text: str
    categories: tuple[Interest, ...] = ()
    id: UUID = field(default_factory=uuid4)
    districts: tuple[str, ...] = ()
    """The postcode districts (outward codes) the pledge serves, up to five; none named: none."""


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    organisation_type: OrganisationType
    contact_name: str
    contact_email: str
    postcode: str
    outward_code: str
    language: Language = "en"


@dataclass
class Organisation:
    """Pending until its contact confirms their address; then its pledge waits for a moderator,
    and only an approved pledge is public (`signups.domain.pledges`)."""

    details: OrganisationDetails
    pledge: Pledge
    joined_at: datetime
    id: UUID = field(default_factory=uuid4)
    confirmed_at: datetime | None = None
    confirmation_nonce: str | None = field(default_factory=lambda: uuid4().hex)
    version: int = 0
    pledge_decision: PledgeDecision | None = None
    updates: list[PledgeUpdate] = field(default_factory=list)
    """Progress posted on the pledge once published (`signups.domain.progress`), oldest first."""

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def pending_since(self) -> datetime | None:
        """When the organisation joined, while its contact has not confirmed (its retention runs
        from then: `unconfirmed_organisation_retention_days`); None once confirmed."""
        return None if self.confirmed else self.joined_at

    @property
    def pledge_status(self) -> PledgeStatus:
        return status_of(confirmed=self.confirmed, decision=self.pledge_decision)

    def would_confirm(self, nonce: str) -> ConfirmOutcome:
        """What following the confirmation link with `nonce` would do, without doing it."""
        return ConfirmOutcome.following(
            nonce, confirmed=self.confirmed, expected=self.confirmation_nonce
        )

    def confirm(self, nonce: str, now: datetime) -> ConfirmOutcome:
        outcome = self.would_confirm(nonce)
        if outcome is not ConfirmOutcome.CONFIRMED:
            return outcome
        self.confirmed_at = now
        self.confirmation_nonce = None
        return ConfirmOutcome.CONFIRMED

    def approve_pledge(
        self, pledge_id: UUID, *, organisation_name: str, text: str, now: datetime
    ) -> DecisionOutcome:
        """Publish the pledge as the moderator approved it (name and text perhaps redacted)."""
        outcome = approval_outcome(self.pledge_status)
        if pledge_id != self.pledge.id:
            return DecisionOutcome.REFUSED
        if outcome is DecisionOutcome.PUBLISHED:
            self.pledge_decision = PledgeDecision(
                approved=True, at=now, organisation_name=organisation_name, text=text
            )
        return outcome

    def reject_pledge(
        self, pledge_id: UUID, *, reason: str | None, now: datetime
    ) -> DecisionOutcome:
        """Never show the pledge (again)."""
        outcome = rejection_outcome(self.pledge_status)
        if pledge_id != self.pledge.id:
            return DecisionOutcome.REFUSED
        if outcome is DecisionOutcome.WITHDRAWN:
            self.pledge_decision = PledgeDecision(approved=False, at=now, reason=reason)
        return outcome

    def post_update(self, text: str, now: datetime) -> PledgeUpdate | None:
        """A progress update waiting for a moderator; None unless the pledge is public and
        fewer than a few updates already wait."""
        if self.pledge_status is not PledgeStatus.APPROVED or not may_post(self.updates):
            return None
        update = PledgeUpdate(text=text, submitted_at=now)
        self.updates = [*self.updates, update][-KEPT:]
        return update

    def decide_update(
        self, update_id: UUID, *, approved: bool, text: str, now: datetime
    ) -> DecisionOutcome:
        for update in self.updates:
            if update.id == update_id:
                return update.decide(approved=approved, text=text, now=now)
        return DecisionOutcome.REFUSED

    def keep_pledge_shown_before_moderation(self) -> bool:
        """A confirmed pledge stored before pledges were moderated was already public: it stays
        public as it was, marked as such. Return whether this one was."""
        if self.confirmed_at is None or self.pledge_decision is not None:
            return False
        self.pledge_decision = PledgeDecision(
            approved=True,
            at=self.confirmed_at,
            organisation_name=self.details.name,
            text=self.pledge.text,
            before_moderation=True,
        )
        return True


OrganisationChange = Callable[[Organisation], Sequence[IntegrationEvent]]
"""A change to a stored organisation: it changes the one given and returns the events it causes."""
