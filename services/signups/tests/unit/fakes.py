"""Small in-memory fakes of signups' ports, and builders of the people the tests start from."""

import copy
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from signups.adapters.tokens import Links, Tokens
from signups.domain.letter import (
    AlreadySignedError,
    Counts,
    Signatory,
    Signature,
    SignatureChange,
    SignatureNotFoundError,
)
from signups.domain.organisations import (
    Organisation,
    OrganisationChange,
    OrganisationDetails,
    OrganisationNotFoundError,
    Pledge,
)
from signups.domain.people import (
    EmailAlreadyRegisteredError,
    JoinContext,
    Person,
    PersonChange,
    PersonNotFoundError,
    Status,
    VolunteerDetails,
)
from signups.domain.pledges import PledgeStatus
from signups.handlers import Context
from together_contracts import (
    Availability,
    Consent,
    IntegrationEvent,
    Interest,
    Nation,
    OrganisationType,
    email_digest,
)
from together_kit.testing.clock import Clock

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
BASE_URL = "https://signups.example"
SECRET = "unit-test-secret-of-at-least-thirty-two-characters"
ERASURE_KEY = b"unit-test-erasure-key-shared-by-every-service"
RIVERSIDE = OrganisationDetails(
    name="Riverside Kitchen",
    organisation_type=OrganisationType.COMMUNITY_GROUP,
    contact_name="Sam Patel",
    contact_email="sam@example.org",
    postcode="M1 1AE",
    outward_code="M1",
)
"""The organisation the tests join: a community group in Manchester."""
PLEDGE = Pledge("A monthly community lunch.", (Interest.FOOD_AND_MUTUAL_AID,))


def details(**changes: object) -> VolunteerDetails:
    ann = VolunteerDetails(
        name="Ann Jones",
        email="ann@example.org",
        postcode="CF10 1AA",
        outward_code="CF10",
        travel_radius_km=10,
        language="cy",
        interests=(Interest.BEFRIENDING,),
        availability=(Availability.WEEKENDS,),
        consents=frozenset({Consent.MATCHED_EVENTS}),
    )
    return replace(ann, **changes)  # type: ignore[arg-type]


def context(
    now: datetime = NOW, *, source: str = "form", form_version: str = "2026-11"
) -> JoinContext:
    return JoinContext(now=now, source=source, form_version=form_version)


def joined(**changes: object) -> Person:
    return Person.join(details(**changes), context())


@dataclass
class FakePeople:
    """A `PeopleRepository` in memory: one person per email, each write with its staged events."""

    people: dict[UUID, Person] = field(default_factory=dict)
    events: list[IntegrationEvent] = field(default_factory=list)

    async def add(self, person: Person, *, events: Sequence[IntegrationEvent]) -> None:
        if await self.find_by_email(person.details.email) is not None:
            raise EmailAlreadyRegisteredError(person.details.email)
        self.people[person.id] = copy.deepcopy(person)
        self.events += events

    async def get(self, person_id: UUID) -> Person | None:
        person = self.people.get(person_id)
        return copy.deepcopy(person) if person else None

    async def find_by_email(self, email: str) -> Person | None:
        found = [p for p in self.people.values() if p.details.email == email]
        return copy.deepcopy(found[0]) if found else None

    async def find_by_phone(self, phone: str) -> Person | None:
        found = [p for p in self.people.values() if p.details.phone == phone]
        return copy.deepcopy(found[0]) if found else None

    async def change(self, person_id: UUID, change: PersonChange) -> Person:
        if person_id not in self.people:
            raise PersonNotFoundError(person_id)
        person = copy.deepcopy(self.people[person_id])
        self.events += change(person)
        self.people[person_id] = person
        return copy.deepcopy(person)

    async def delete(self, person_id: UUID) -> bool:
        return self.people.pop(person_id, None) is not None

    async def pending_joined_before(self, cutoff: datetime) -> AsyncIterator[Person]:
        for person in list(self.people.values()):
            if person.status is Status.PENDING and person.joined_at < cutoff:
                yield copy.deepcopy(person)

    async def changes_requested_before(self, cutoff: datetime) -> AsyncIterator[Person]:
        for person in list(self.people.values()):
            pending = person.pending_change
            if pending is not None and pending.requested_at <= cutoff:
                yield copy.deepcopy(person)


@dataclass
class FakeOrganisations:
    organisations: dict[UUID, Organisation] = field(default_factory=dict)
    events: list[IntegrationEvent] = field(default_factory=list)

    async def add(self, organisation: Organisation, *, events: Sequence[IntegrationEvent]) -> None:
        self.organisations[organisation.id] = copy.deepcopy(organisation)
        self.events += events

    async def get(self, organisation_id: UUID) -> Organisation | None:
        organisation = self.organisations.get(organisation_id)
        return copy.deepcopy(organisation) if organisation else None

    async def change(self, organisation_id: UUID, change: OrganisationChange) -> Organisation:
        if organisation_id not in self.organisations:
            raise OrganisationNotFoundError(organisation_id)
        organisation = copy.deepcopy(self.organisations[organisation_id])
        self.events += change(organisation)
        self.organisations[organisation_id] = organisation
        return copy.deepcopy(organisation)

    async def approved_pledges(self, *, limit: int) -> AsyncIterator[Organisation]:
        for organisation in list(self.organisations.values())[:limit]:
            if organisation.pledge_status is PledgeStatus.APPROVED:
                yield organisation

    async def with_pledge(self, pledge_id: UUID) -> Organisation | None:
        found = [o for o in self.organisations.values() if o.pledge.id == pledge_id]
        return copy.deepcopy(found[0]) if found else None

    async def with_contact_digest(self, digest: str, *, key: bytes) -> list[Organisation]:
        return [
            copy.deepcopy(o)
            for o in self.organisations.values()
            if email_digest(o.details.contact_email, key=key) == digest
        ]

    async def delete(self, organisation_id: UUID) -> bool:
        return self.organisations.pop(organisation_id, None) is not None


@dataclass
class FakeSignatures:
    """Signatures of the open letter in memory; one per address, as the unique index keeps it."""

    key: bytes
    signatures: dict[UUID, Signature] = field(default_factory=dict)
    events: list[IntegrationEvent] = field(default_factory=list)

    async def add(self, signature: Signature, *, events: Sequence[IntegrationEvent]) -> None:
        if await self.find_by_email(signature.details.email) is not None:
            raise AlreadySignedError(signature.details.email)
        self.signatures[signature.id] = copy.deepcopy(signature)
        self.events += events

    async def get(self, signature_id: UUID) -> Signature | None:
        signature = self.signatures.get(signature_id)
        return copy.deepcopy(signature) if signature else None

    async def find_by_email(self, email: str) -> Signature | None:
        found = [s for s in self.signatures.values() if s.details.email == email]
        return copy.deepcopy(found[0]) if found else None

    async def with_digest(self, digest: str) -> list[Signature]:
        return [
            copy.deepcopy(s)
            for s in self.signatures.values()
            if email_digest(s.details.email, key=self.key) == digest
        ]

    async def change(self, signature_id: UUID, change: SignatureChange) -> Signature:
        if signature_id not in self.signatures:
            raise SignatureNotFoundError(signature_id)
        signature = copy.deepcopy(self.signatures[signature_id])
        self.events += change(signature)
        self.signatures[signature_id] = signature
        return copy.deepcopy(signature)

    async def delete(self, signature_id: UUID) -> bool:
        return self.signatures.pop(signature_id, None) is not None

    async def counts(self) -> Counts:
        confirmed = [s.details.nation for s in self.signatures.values() if s.confirmed]
        return Counts({nation: confirmed.count(nation) for nation in Nation})

    async def shown(self, *, skip: int, limit: int) -> tuple[list[Signatory], int]:
        shown = [
            Signatory(s.details.name, s.details.kind, s.details.town)
            for s in sorted(self.signatures.values(), key=lambda s: s.confirmed_at or NOW)
            if s.shown
        ]
        return shown[skip : skip + limit], len(shown)


@dataclass
class FakeErasures:
    records: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    tombstones: set[str] = field(default_factory=set)
    events: list[IntegrationEvent] = field(default_factory=list)
    requests: dict[UUID, dict[str, Any]] = field(default_factory=dict)

    async def record(
        self,
        *,
        erasure_id: UUID,
        person_id: UUID | None,
        reason: str,
        email: str | None,
        at: datetime,
        events: Sequence[IntegrationEvent],
        digest: str | None = None,
        note: str | None = None,
    ) -> bool:
        if digest is not None:
            self.tombstones.add(digest)
        if person_id is not None and await self.for_person(person_id) is not None:
            return False
        self.records[erasure_id] = {
            "_id": str(erasure_id),
            "person_id": str(person_id) if person_id else None,
            "email_digest": digest,
            "reason": reason,
            "requested_at": at,
            "answers": {},
        }
        self.events += events
        return True

    async def ask(
        self, *, request_id: UUID, digest: str, at: datetime, events: Sequence[IntegrationEvent]
    ) -> None:
        self.requests[request_id] = {"email_digest": digest, "asked_at": at, "erasure_id": None}
        self.events += events

    async def asked(self, request_id: UUID) -> dict[str, Any] | None:
        return self.requests.get(request_id)

    async def confirmed(self, request_id: UUID, erasure_id: UUID) -> None:
        self.requests[request_id]["erasure_id"] = str(erasure_id)

    def every(self) -> Any:
        raise NotImplementedError

    async def for_person(self, person_id: UUID) -> dict[str, Any] | None:
        found = [r for r in self.records.values() if r["person_id"] == str(person_id)]
        return found[0] if found else None

    async def get(self, erasure_id: UUID) -> dict[str, Any] | None:
        return self.records.get(erasure_id)

    async def answered(self, *, erasure_id: UUID, service: str, at: datetime) -> None:
        if erasure_id in self.records:
            self.records[erasure_id]["answers"][service] = at


@dataclass
class FakeMailQuota:
    """A `MailAllowance` in memory: emails counted per address and UTC day."""

    per_day: int = 3
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    async def take(self, email: str, *, now: datetime) -> bool:
        key = (email, now.astimezone(UTC).date().isoformat())
        if self.counts.get(key, 0) >= self.per_day:
            return False
        self.counts[key] = self.counts.get(key, 0) + 1
        return True

    async def give_back(self, email: str, *, now: datetime) -> None:
        key = (email, now.astimezone(UTC).date().isoformat())
        self.counts[key] = max(0, self.counts.get(key, 0) - 1)


@dataclass
class World:
    ctx: Context
    people: FakePeople
    organisations: FakeOrganisations
    erasures: FakeErasures
    clock: Clock
    signatures: FakeSignatures

    @property
    def events(self) -> list[IntegrationEvent]:
        return [
            *self.people.events,
            *self.organisations.events,
            *self.erasures.events,
            *self.signatures.events,
        ]

    def of_type(self, event_type: str) -> list[IntegrationEvent]:
        return [event for event in self.events if event.type == event_type]


def new_world() -> World:
    """Fakes of every port of the handlers' `Context`, real tokens and links, a clock at NOW."""
    people, orgs, erasures, clock = FakePeople(), FakeOrganisations(), FakeErasures(), Clock(NOW)
    tokens = Tokens(SECRET)
    signatures = FakeSignatures(ERASURE_KEY)
    ctx = Context(
        people=people,
        organisations=orgs,
        erasures=erasures,
        tokens=tokens,
        links=Links(BASE_URL, tokens),
        clock=clock,
        form_version="2026-11",
        mail_quota=FakeMailQuota(per_day=100),
        erasure_key=ERASURE_KEY,
        signatures=signatures,
    )
    return World(ctx, people, orgs, erasures, clock, signatures)


class Consumer:
    """What `ServiceRuntime.consumer` returns, keeping the subscribers declared on it."""

    def __init__(self) -> None:
        self.subscribers: list[Callable[..., Any]] = []

    def subscriber(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def keep(handler: Callable[..., Any]) -> Callable[..., Any]:
            self.subscribers.append(handler)
            return handler

        return keep


class Runtime:
    """Records the consumers declared, as `ServiceRuntime.consumer` would declare the queues."""

    def __init__(self) -> None:
        self.bindings: dict[str, list[str]] = {}
        self.keyed: dict[str, list[str]] = {}
        self.consumers: dict[str, Consumer] = {}

    def consumer(
        self, purpose: str, routing_keys: list[str], *, keyed: Sequence[str] = ()
    ) -> Consumer:
        self.bindings[purpose] = list(routing_keys)
        self.keyed[purpose] = list(keyed)
        return self.consumers.setdefault(purpose, Consumer())
