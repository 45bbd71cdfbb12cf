"""An organisation that joined the coalition and the pledge it made."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from together_contracts import Interest, Language, OrganisationType

from signups.domain.people import ConfirmOutcome


@dataclass(frozen=True)
class Pledge:
    text: str
    categories: tuple[Interest, ...] = ()
    id: UUID = field(default_factory=uuid4)


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
    """Pending until its contact confirms their address; only then is its pledge public."""

    details: OrganisationDetails
    pledge: Pledge
    joined_at: datetime
    id: UUID = field(default_factory=uuid4)
    confirmed_at: datetime | None = None
    confirmation_nonce: str | None = field(default_factory=lambda: uuid4().hex)
    version: int = 0

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def would_confirm(self, nonce: str) -> ConfirmOutcome:
        """What following the confirmation link with `nonce` would do, without doing it."""
        if self.confirmed:
            return ConfirmOutcome.ALREADY_CONFIRMED
        if nonce != self.confirmation_nonce:
            return ConfirmOutcome.INVALID
        return ConfirmOutcome.CONFIRMED

    def confirm(self, nonce: str, now: datetime) -> ConfirmOutcome:
        outcome = self.would_confirm(nonce)
        if outcome is not ConfirmOutcome.CONFIRMED:
            return outcome
        self.confirmed_at = now
        self.confirmation_nonce = None
        return ConfirmOutcome.CONFIRMED
