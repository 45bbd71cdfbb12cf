"""Joining, rejoining, confirming and unsubscribing volunteers."""

import asyncio
import contextlib
import copy
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import together_contracts as contracts

from signups.domain.people import (
    PENDING_CHANGE_KEPT_FOR,
    EmailAlreadyRegisteredError,
    JoinContext,
    Mail,
    Person,
    PersonNotFoundError,
    VolunteerDetails,
)
from signups.handlers.context import PRODUCER, Context

JOIN_ATTEMPTS = 3


class JoinOutcome(StrEnum):
    """What a join did. Only logs and tests see it: every caller answers every join alike."""

    REGISTERED = "registered"
    CHANGE_PENDING = "change-pending"
    UNCHANGED = "unchanged"
    LIMITED = "limited"
    """The address had all its emails for today; nothing was stored or sent."""


class Allowance(StrEnum):
    """Where a rejoin stands with the address's emails for today: one taken for it, or none left."""

    TAKEN = "taken"
    SPENT = "spent"


@dataclass(frozen=True)
class JoinVolunteer:
    details: VolunteerDetails
    source: str
    correlation_id: str
    onward: str | None = None
    """Where the confirmation link leads on once followed (a page of this site), if anywhere."""
    form_version: str | None = None
    """The wording agreed to, when not the current web form's (a paper form staff entered)."""


@dataclass(frozen=True)
class Joined:
    person_id: UUID | None
    outcome: JoinOutcome
    mail: Mail | None = None


async def join_volunteer(
    command: JoinVolunteer, ctx: Context, *, admitted: Awaitable[None] | None = None
) -> Joined:
    """A new address registers a pending person. A known one changes nothing until the owner of
    the address confirms (`Person.rejoin`), and never duplicates. Every email a join asks for
    counts against the address's allowance for the day; past it, the join does nothing.

    Written first, read only if need be: a new address (the usual join) costs its allowance and
    one insert; the unique index on the email turns a known address's insert away, and only then
    is the person read, and the email taken for it given back if the rejoin sends none.

    `admitted`, when given, is the client's rate check still on its way (the API's,
    `together_kit.http.ratelimit.begin_check`): the allowance is taken while it answers, and
    given back if it refuses, whose refusal the join then raises having stored nothing."""
    version = command.form_version or ctx.form_version
    join = JoinContext(now=ctx.clock(), source=command.source, form_version=version)
    email = command.details.email
    if email is None:
        raise ValueError("a join without an email is an assisted entry (handlers.assisted)")
    if not await _take_allowance(email, join.now, ctx, admitted=admitted):
        existing = await ctx.people.find_by_email(email)
        if existing is None:
            return Joined(None, JoinOutcome.LIMITED)
        return await _rejoin(existing, command, join, ctx, allowance=Allowance.SPENT)
    for _ in range(JOIN_ATTEMPTS):
        person = Person.join(command.details, join)
        person.confirmation_sent(join.now)
        try:
            await ctx.people.add(person, events=[registered(person, command, ctx)])
        except EmailAlreadyRegisteredError:
            existing = await ctx.people.find_by_email(email)
            if existing is None:
                continue  # forgotten since the insert was turned away: the address is new again
            return await _rejoin(existing, command, join, ctx, allowance=Allowance.TAKEN)
        return Joined(person.id, JoinOutcome.REGISTERED, Mail.CONFIRM_ADDRESS)
    raise EmailAlreadyRegisteredError(email)


async def _take_allowance(
    email: str, now: datetime, ctx: Context, *, admitted: Awaitable[None] | None
) -> bool:
    if admitted is None:
        return await ctx.mail_quota.take(email, now=now)
    taking = asyncio.ensure_future(ctx.mail_quota.take(email, now=now))
    try:
        await admitted
    except BaseException:
        if await taking:
            await ctx.mail_quota.give_back(email, now=now)
        raise
    return await taking


async def _rejoin(
    existing: Person,
    command: JoinVolunteer,
    join: JoinContext,
    ctx: Context,
    *,
    allowance: Allowance,
) -> Joined:
    if copy.deepcopy(existing).rejoin(command.details, join) is None:
        await _give_back(allowance, command, join, ctx)
        return Joined(existing.id, JoinOutcome.UNCHANGED)
    if allowance is Allowance.SPENT:
        return Joined(existing.id, JoinOutcome.LIMITED)
    mail: Mail | None = None

    def change(person: Person) -> list[contracts.IntegrationEvent]:
        nonlocal mail
        mail = person.rejoin(command.details, join)
        if mail is Mail.CONFIRM_ADDRESS:
            return [registered(person, command, ctx)]
        if mail is Mail.CONFIRM_CHANGE:
            return [change_requested(person, command.correlation_id, ctx)]
        return []

    try:
        await ctx.people.change(existing.id, change)
    except PersonNotFoundError:
        await _give_back(allowance, command, join, ctx)
        return Joined(None, JoinOutcome.UNCHANGED)
    if mail is None:
        await _give_back(allowance, command, join, ctx)
    outcome = JoinOutcome.CHANGE_PENDING if mail is Mail.CONFIRM_CHANGE else JoinOutcome.UNCHANGED
    return Joined(existing.id, outcome, mail)


async def _give_back(
    allowance: Allowance, command: JoinVolunteer, join: JoinContext, ctx: Context
) -> None:
    """The email taken for a join that sends none is not counted against the address."""
    if allowance is Allowance.TAKEN and command.details.email is not None:
        await ctx.mail_quota.give_back(command.details.email, now=join.now)


async def drop_stale_changes(*, ctx: Context) -> int:
    """Forget the details of changes nobody confirmed while their link worked; return how many."""
    now = ctx.clock()
    cutoff = now - PENDING_CHANGE_KEPT_FOR
    dropped = 0
    async for person in ctx.people.changes_requested_before(cutoff):
        this_one = False

        def drop(current: Person) -> list[contracts.IntegrationEvent]:
            nonlocal this_one  # the last attempt's answer: a refused write is tried again
            this_one = current.drop_stale_change(now)
            return []

        with contextlib.suppress(PersonNotFoundError):
            await ctx.people.change(person.id, drop)
            dropped += this_one
    return dropped


def profile(person: Person) -> contracts.VolunteerProfile:
    details = person.details
    return contracts.VolunteerProfile(
        outward_code=details.outward_code,
        interests=list(details.interests),
        availability=list(details.availability),
        travel_radius_km=details.travel_radius_km,
        language=details.language,
        connector=details.connector,
        consents=sorted(details.consents),
    )


def registered(
    person: Person, command: JoinVolunteer, ctx: Context
) -> contracts.VolunteerRegistered:
    return contracts.VolunteerRegistered(
        producer=PRODUCER,
        correlation_id=command.correlation_id,
        data=contracts.VolunteerRegisteredData(
            person_id=person.id,
            name=person.details.name,
            email=person.details.email,
            language=person.details.language,
            confirm_url=ctx.links.confirm_person(
                person.id, person.confirmation_nonce or "", onward=command.onward
            ),
            unsubscribe_url=ctx.links.unsubscribe(person.id),
            phone=person.details.phone,
            channels=list(person.details.channels),
        ),
    )


def change_requested(
    person: Person, correlation_id: str, ctx: Context
) -> contracts.VolunteerChangeRequested:
    """The email asking the address's owner to confirm the pending change: no name, no details."""
    pending = person.pending_change
    return contracts.VolunteerChangeRequested(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.VolunteerChangeRequestedData(
            person_id=person.id,
            email=person.details.email,
            language=person.details.language,
            confirm_url=ctx.links.confirm_change(person.id, pending.nonce if pending else ""),
        ),
    )


def contact_changed(
    person: Person, correlation_id: str, *, reach: bool = False
) -> contracts.VolunteerContactChanged:
    """The confirmed name and language to write to, for notifications alone; with `reach`, the
    phone and channels too (they changed)."""
    details = person.details
    return contracts.VolunteerContactChanged(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.VolunteerContactChangedData(
            person_id=person.id,
            name=details.name,
            language=details.language,
            phone=details.phone if reach else None,
            channels=list(details.channels) if reach else None,
        ),
    )


def updated(person: Person, correlation_id: str) -> contracts.VolunteerUpdated:
    return contracts.VolunteerUpdated(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.VolunteerUpdatedData(
            person_id=person.id, confirmed=person.confirmed, profile=profile(person)
        ),
    )


def connector_interest(person: Person, correlation_id: str) -> list[contracts.IntegrationEvent]:
    """`connector.interested` for a confirmed volunteer who ticked "community connector" (the
    coordinators keep one connector per person, so telling it again changes nothing)."""
    details = person.details
    if not details.connector or details.email is None:
        return []  # a connector without an email is for coordinators to call: not told here
    return [
        contracts.ConnectorInterested(
            producer=PRODUCER,
            correlation_id=correlation_id,
            data=contracts.ConnectorInterestedData(
                person_id=person.id,
                name=details.name,
                email=details.email,
                phone=details.phone,
                outward_code=details.outward_code,
                language=details.language,
                source="join-form",
            ),
        )
    ]


def confirmed(person: Person, correlation_id: str) -> contracts.VolunteerConfirmed:
    return contracts.VolunteerConfirmed(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.VolunteerConfirmedData(person_id=person.id, profile=profile(person)),
    )


def unsubscribed(
    person: Person, withdrawn: list[contracts.Consent], correlation_id: str
) -> contracts.VolunteerUnsubscribed:
    return contracts.VolunteerUnsubscribed(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.VolunteerUnsubscribedData(person_id=person.id, withdrawn=withdrawn),
    )


async def note_unsubscribed_elsewhere(event: contracts.VolunteerUnsubscribed, ctx: Context) -> None:
    """Record in the consent log an unsubscribe made through notifications' one-click link.

    Signups hears its own `volunteer.unsubscribed` too; those are already recorded. Nothing is
    told again: the event that brought the news is the telling.
    """
    if event.producer == PRODUCER:
        return
    context = JoinContext(
        now=event.occurred_at, source=event.producer, form_version=ctx.form_version
    )

    def withdraw(person: Person) -> list[contracts.IntegrationEvent]:
        person.withdraw_email_consent(context)
        return []

    with contextlib.suppress(PersonNotFoundError):
        await ctx.people.change(event.data.person_id, withdraw)
