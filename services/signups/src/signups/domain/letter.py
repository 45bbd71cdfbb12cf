"""A signature of the open letter: a person or an organisation, double opt-in like a join.

A signature counts (by nation) only once its address is confirmed; the public list shows its name
and town only if the signatory asked for that. One address signs once: a second signature with
the same address changes nothing (the first is never rewritten by anyone but its owner).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from together_contracts import IntegrationEvent, Language, Nation, SignatoryKind

from signups.domain.people import ConfirmOutcome


class AlreadySignedError(Exception):
    """A signature with this address is stored already (the unique index said so)."""


class SignatureNotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class SignatoryDetails:
    """What the co-sign form or the API says, already validated and normalised."""

    name: str
    kind: SignatoryKind
    email: str
    nation: Nation
    town: str | None = None
    public: bool = False
    """Show the name and town on the public list."""
    invite: bool = False
    """Tell them about the national conversation and events near them."""
    language: Language = "en"


@dataclass
class Signature:
    details: SignatoryDetails
    signed_at: datetime
    id: UUID = field(default_factory=uuid4)
    confirmed_at: datetime | None = None
    confirmation_nonce: str | None = field(default_factory=lambda: uuid4().hex)
    version: int = 0

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def pending_since(self) -> datetime | None:
        """When an unconfirmed signature was made (its retention runs from then); None once
        confirmed."""
        return None if self.confirmed else self.signed_at

    @property
    def shown(self) -> bool:
        """On the public list: confirmed, and the signatory agreed."""
        return self.confirmed and self.details.public

    def would_confirm(self, nonce: str) -> ConfirmOutcome:
        return ConfirmOutcome.following(
            nonce, confirmed=self.confirmed, expected=self.confirmation_nonce
        )

    def confirm(self, nonce: str, now: datetime) -> ConfirmOutcome:
        outcome = self.would_confirm(nonce)
        if outcome is ConfirmOutcome.CONFIRMED:
            self.confirmed_at = now
            self.confirmation_nonce = None
        return outcome


@dataclass(frozen=True)
class Signatory:
    """A line of the public list: a name and perhaps a town, nothing else."""

    name: str
    kind: SignatoryKind
    town: str | None


@dataclass(frozen=True)
class Counts:
    """Confirmed signatures by nation (every nation present, 0 if none)."""

    by_nation: dict[Nation, int]

    @property
    def total(self) -> int:
        return sum(self.by_nation.values())


SignatureChange = Callable[[Signature], Sequence[IntegrationEvent]]
"""A change to a stored signature: it changes the one given and returns the events it causes."""
