"""A volunteer as matching knows them: where roughly, what, when, how far; never who."""

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from together_contracts import Availability, Consent, IntegrationEvent, Interest, Language

from matching.domain.geo import Point

WEEK = timedelta(days=7)
APPLIED_KEPT = 16
"""Profile events whose ids a profile keeps: a person has a handful (confirmed, a few updates),
and a redelivery comes soon after its first delivery."""


class VolunteerNotFoundError(LookupError):
    pass


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


@dataclass(frozen=True)
class Proposal:
    event_id: UUID
    at: datetime


@dataclass
class Volunteer:
    person_id: UUID
    outward_code: str
    location: Point | None
    interests: frozenset[Interest]
    availability: frozenset[Availability]
    travel_radius_km: int
    language: Language = "en"
    connector: bool = False
    wants_matches: bool = True
    """They consented to hear of matched events (and have not withdrawn it)."""
    status: Status = Status.CONFIRMED
    confirmed_at: datetime | None = None
    proposals: list[Proposal] = field(default_factory=list)
    """Proposals of the last 7 days, for the weekly cap and fairness."""
    last_proposed_at: datetime | None = None
    accepted: int = 0
    declined: int = 0
    attended: int = 0
    no_shows: int = 0
    proposed: int = 0
    unmatched_told: bool = False
    connector_districts: tuple[str, ...] = ()
    """Where they are an active community connector (`connector.moved`); empty otherwise."""
    applied: list[UUID] = field(default_factory=list)
    """The ids of the latest profile events applied (`APPLIED_KEPT`): a redelivered one is known."""
    version: int = 0

    def take_consents(self, consents: Collection[Consent], *, confirmed: bool) -> None:
        """The consents signups holds decide whether they hear of matched events, and so their
        status: pending until confirmed; confirmed without that consent is unsubscribed."""
        self.wants_matches = Consent.MATCHED_EVENTS in consents
        if not confirmed:
            self.status = Status.PENDING
        elif self.wants_matches:
            self.status = Status.CONFIRMED
        else:
            self.status = Status.UNSUBSCRIBED

    def has_applied(self, event_id: UUID) -> bool:
        return event_id in self.applied

    def mark_applied(self, event_id: UUID) -> None:
        self.applied = [*self.applied, event_id][-APPLIED_KEPT:]

    def withdraw_matches(self) -> None:
        """They withdrew the consent to hear of matched events."""
        self.wants_matches = False
        self.status = Status.UNSUBSCRIBED

    @property
    def matchable(self) -> bool:
        return self.status is Status.CONFIRMED and self.wants_matches and self.location is not None

    def proposals_this_week(self, now: datetime) -> int:
        return sum(1 for proposal in self.proposals if proposal.at > now - WEEK)

    def under_cap(self, now: datetime, cap: int) -> bool:
        return self.proposals_this_week(now) < cap

    def was_proposed(self, event_id: UUID) -> bool:
        return any(proposal.event_id == event_id for proposal in self.proposals)

    def record_proposal(self, event_id: UUID, now: datetime) -> None:
        self.proposals = [p for p in self.proposals if p.at > now - WEEK]
        self.proposals.append(Proposal(event_id, now))
        self.last_proposed_at = now
        self.proposed += 1


@dataclass(frozen=True)
class Applied:
    """A profile as a profile event left it; `redelivered` when it had been applied already."""

    volunteer: Volunteer
    redelivered: bool


VolunteerChange = Callable[[Volunteer], Sequence[IntegrationEvent]]
"""Decides a change of one profile (it changes the profile given) and returns the events it tells."""
ProfileDecision = Callable[[Volunteer | None], Awaitable[Volunteer]]
"""Decides the profile a profile event leaves: the stored one changed, or a new one (`None`)."""
