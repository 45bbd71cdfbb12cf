"""Joining, rejoining, confirming and unsubscribing volunteers."""

import contextlib
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from together_contracts import (
    Consent,
    Event,
    VolunteerConfirmed,
    VolunteerConfirmedData,
    VolunteerProfile,
    VolunteerRegistered,
    VolunteerRegisteredData,
    VolunteerUnsubscribed,
    VolunteerUnsubscribedData,
    VolunteerUpdated,
    VolunteerUpdatedData,
)

from signups.adapters.people import EmailAlreadyRegisteredError, PersonNotFoundError
from signups.domain.people import JoinContext, Person, VolunteerDetails
from signups.handlers.context import PRODUCER, Context

JOIN_ATTEMPTS = 3


class JoinOutcome(StrEnum):
    REGISTERED = "registered"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class JoinVolunteer:
    details: VolunteerDetails
    source: str
    correlation_id: str


@dataclass(frozen=True)
class Joined:
    person_id: UUID
    outcome: JoinOutcome
    confirmation_sent: bool


async def join_volunteer(command: JoinVolunteer, ctx: Context) -> Joined:
    """A new email registers a person; a known one saves changed details and never duplicates."""
    join = JoinContext(now=ctx.clock(), source=command.source, form_version=ctx.form_version)
    for _ in range(JOIN_ATTEMPTS):
        existing = await ctx.people.find_by_email(command.details.email)
        if existing is None:
            person = Person.join(command.details, join)
            person.confirmation_sent(join.now)
            try:
                await ctx.people.add(person, events=[registered(person, command, ctx)])
            except EmailAlreadyRegisteredError:
                continue
            return Joined(person.id, JoinOutcome.REGISTERED, confirmation_sent=True)
        return await _rejoin(existing, command, join, ctx)
    raise EmailAlreadyRegisteredError(command.details.email)


async def _rejoin(
    existing: Person, command: JoinVolunteer, join: JoinContext, ctx: Context
) -> Joined:
    outcome = JoinOutcome.UNCHANGED
    sent = False

    def change(person: Person) -> list[Event]:
        nonlocal outcome, sent
        events: list[Event] = []
        if person.rejoin(command.details, join):
            outcome = JoinOutcome.UPDATED
            events.append(updated(person, command.correlation_id))
        sent = person.should_send_confirmation(join.now)
        if sent:
            person.confirmation_sent(join.now)
            events.append(registered(person, command, ctx))
        return events

    await ctx.people.change(existing.id, change)
    return Joined(existing.id, outcome, confirmation_sent=sent)


def profile(person: Person) -> VolunteerProfile:
    details = person.details
    return VolunteerProfile(
        outward_code=details.outward_code,
        interests=list(details.interests),
        availability=list(details.availability),
        travel_radius_km=details.travel_radius_km,
        language=details.language,
        connector=details.connector,
        consents=sorted(details.consents),
    )


def registered(person: Person, command: JoinVolunteer, ctx: Context) -> VolunteerRegistered:
    return VolunteerRegistered(
        producer=PRODUCER,
        correlation_id=command.correlation_id,
        data=VolunteerRegisteredData(
            person_id=person.id,
            name=person.details.name,
            email=person.details.email,
            language=person.details.language,
            confirm_url=ctx.links.confirm_person(person.id, person.confirmation_nonce or ""),
            unsubscribe_url=ctx.links.unsubscribe(person.id),
        ),
    )


def updated(person: Person, correlation_id: str) -> VolunteerUpdated:
    return VolunteerUpdated(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=VolunteerUpdatedData(
            person_id=person.id, confirmed=person.confirmed, profile=profile(person)
        ),
    )


def confirmed(person: Person, correlation_id: str) -> VolunteerConfirmed:
    return VolunteerConfirmed(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=VolunteerConfirmedData(person_id=person.id, profile=profile(person)),
    )


def unsubscribed(
    person: Person, withdrawn: list[Consent], correlation_id: str
) -> VolunteerUnsubscribed:
    return VolunteerUnsubscribed(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=VolunteerUnsubscribedData(person_id=person.id, withdrawn=withdrawn),
    )


async def note_unsubscribed_elsewhere(event: VolunteerUnsubscribed, ctx: Context) -> None:
    """Record in the consent log an unsubscribe made through notifications' one-click link.

    Signups hears its own `volunteer.unsubscribed` too; those are already recorded. Nothing is
    told again: the event that brought the news is the telling.
    """
    if event.producer == PRODUCER:
        return
    context = JoinContext(
        now=event.occurred_at, source=event.producer, form_version=ctx.form_version
    )

    def withdraw(person: Person) -> list[Event]:
        person.withdraw_email_consent(context)
        return []

    with contextlib.suppress(PersonNotFoundError):
        await ctx.people.change(event.data.person_id, withdraw)
