"""The ports matching's handlers work through; bootstrap plugs in the adapters, unit tests fakes."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from together_contracts import (
    IntegrationEvent,
    Interest,
    PersonAccessRequested,
    PersonErasureRequested,
)
from together_kit.web.site import Addresses, SiteTokens

from matching.domain.community_events import CommunityEvent, EventChange
from matching.domain.gaps import District
from matching.domain.geo import Point
from matching.domain.links import Purpose
from matching.domain.matches import Proposed
from matching.domain.volunteers import Applied, ProfileDecision, Volunteer, VolunteerChange


class EventRepository(Protocol):
    async def add(self, event: CommunityEvent, *, events: Sequence[IntegrationEvent]) -> None: ...
    async def get(self, event_id: UUID) -> CommunityEvent | None: ...
    async def change(self, event_id: UUID, change: EventChange) -> CommunityEvent: ...
    async def by_organiser_digest(self, digest: str) -> list[CommunityEvent]: ...
    async def by_organiser_email(self, email: str) -> list[CommunityEvent]: ...
    async def with_person(
        self, person_id: UUID, *, also: Sequence[UUID] = ()
    ) -> list[CommunityEvent]: ...
    async def upcoming(
        self,
        *,
        now: datetime,
        near: tuple[Point, float] | None = None,
        event_type: Interest | None = None,
        until: datetime | None = None,
        limit: int = 200,
    ) -> list[CommunityEvent]: ...


class VolunteerRepository(Protocol):
    async def get(self, person_id: UUID) -> Volunteer | None: ...
    async def apply_profile(
        self, person_id: UUID, *, event_id: UUID, decide: ProfileDecision, new: bool = False
    ) -> Applied: ...
    async def change(self, person_id: UUID, change: VolunteerChange) -> Volunteer: ...
    async def claim_slots(
        self,
        person_ids: Sequence[UUID],
        *,
        event_id: UUID,
        at: datetime,
        allowed: Callable[[Volunteer], bool],
    ) -> set[UUID]: ...
    async def delete(self, person_id: UUID) -> bool: ...
    async def nearest(
        self, event: CommunityEvent, *, enough: int, keep: Callable[[Volunteer], bool]
    ) -> list[Volunteer]: ...
    async def liking(self, interests: frozenset[Interest], *, limit: int) -> list[Volunteer]: ...
    async def waiting_since(self, cutoff: datetime, *, limit: int) -> list[Volunteer]: ...
    async def districts(self) -> list[District]: ...


class MatchRepository(Protocol):
    async def add(
        self,
        *,
        event_id: UUID,
        at: datetime,
        proposals: Sequence[Proposed],
        reasons: Mapping[UUID, Mapping[str, Any]] | None = None,
    ) -> set[UUID]: ...
    async def offered(self, *, event_id: UUID, person_id: UUID, at: datetime) -> bool: ...
    async def get(self, match_id: UUID) -> dict[str, Any] | None: ...
    async def people_proposed(self, event_id: UUID) -> set[UUID]: ...
    async def events_of(self, person_id: UUID) -> set[UUID]: ...
    async def delete_for_person(self, person_id: UUID) -> int: ...
    async def for_person(self, person_id: UUID) -> list[dict[str, Any]]: ...


class Tokens(Protocol):
    """Matching's own signed links (answer a proposal; the organiser's older links)."""

    def subject(self, token: str, purpose: Purpose, *, max_age: int | None) -> UUID: ...


class Links(Protocol):
    """The addresses matching puts in what it tells, and the site's tokens and addresses."""

    @property
    def site(self) -> SiteTokens: ...
    @property
    def addresses(self) -> Addresses: ...
    def respond(self, match_id: UUID, answer: str | None = None) -> str: ...
    def cancel_event(self, event_id: UUID) -> str: ...
    def attendance(self, event_id: UUID) -> str: ...
    def manage(self, event_id: UUID) -> str: ...
    def public_event(self, event_id: UUID) -> str: ...


class ErasureAnswerer(Protocol):
    """Tells signups a person is forgotten here (the kit's `ErasureAnswers`)."""

    async def answer(self, request: PersonErasureRequested) -> None: ...


class AccessAnswerer(Protocol):
    """Tells signups what is held about a person (the kit's `AccessAnswers`)."""

    async def answer(self, request: PersonAccessRequested, held: dict[str, Any]) -> bool: ...
