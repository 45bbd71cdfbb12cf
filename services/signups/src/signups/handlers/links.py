"""Following the signed links sent by email: confirm an address or a change, unsubscribe.

A link shows what it is for (`preview`, on GET) and acts only when its page's button is pressed
(`confirm`, on POST): mail scanners fetch links, and must not confirm anything by doing so.
"""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from together_contracts import IntegrationEvent, PledgeMade, PledgeMadeData
from together_kit.signing import TokenExpiredError, TokenInvalidError

from signups.domain.letter import Signature, SignatureNotFoundError
from signups.domain.links import CONFIRMATION_MAX_AGE_SECONDS, Purpose
from signups.domain.organisations import Organisation, OrganisationNotFoundError
from signups.domain.people import (
    ConfirmOutcome,
    JoinContext,
    Person,
    PersonNotFoundError,
    VolunteerDetails,
)
from signups.handlers import letter
from signups.handlers.context import PRODUCER, Context
from signups.handlers.volunteers import (
    confirmed,
    connector_interest,
    contact_changed,
    unsubscribed,
    updated,
)

CONFIRMING = (Purpose.CONFIRM_PERSON, Purpose.CONFIRM_CHANGE, Purpose.CONFIRM_ORGANISATION)


class LinkOutcome(StrEnum):
    READY = "ready"
    """The link works: its page may show what it confirms and the button that does it."""
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already-confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"
    UNSUBSCRIBED = "unsubscribed"


@dataclass(frozen=True)
class Followed:
    outcome: LinkOutcome
    organisation: bool = False
    change: bool = False
    signature: bool = False
    person_id: UUID | None = None
    """The volunteer who has just confirmed their address by following the link."""


@dataclass(frozen=True)
class Preview:
    """What a confirmation link would confirm: a volunteer's details (joining, or a change to
    them), an organisation with its pledge or a signature of the open letter, shown only to
    whoever holds the link."""

    outcome: LinkOutcome
    purpose: Purpose | None = None
    volunteer: VolunteerDetails | None = None
    organisation: Organisation | None = None
    signature: Signature | None = None


async def preview(token: str, *, ctx: Context) -> Preview:
    """What `confirm` would do with this link, without doing it (for the page behind a GET)."""
    try:
        claims = ctx.tokens.read(token, max_age=CONFIRMATION_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return Preview(LinkOutcome.EXPIRED)
    except TokenInvalidError:
        return Preview(LinkOutcome.INVALID)
    purpose = claims.purpose
    if purpose is Purpose.CONFIRM_ORGANISATION:
        organisation = await ctx.organisations.get(claims.subject)
        if organisation is None:
            return Preview(LinkOutcome.INVALID, purpose)
        outcome = organisation.would_confirm(claims.nonce)
        return Preview(_ready(outcome), purpose, organisation=organisation)
    if purpose is Purpose.CONFIRM_SIGNATURE:
        signature = await letter.signatures(ctx).get(claims.subject)
        if signature is None:
            return Preview(LinkOutcome.INVALID, purpose)
        outcome = signature.would_confirm(claims.nonce)
        return Preview(_ready(outcome), purpose, signature=signature)
    if purpose not in CONFIRMING:
        return Preview(LinkOutcome.INVALID)
    person = await ctx.people.get(claims.subject)
    if person is None:
        return Preview(LinkOutcome.INVALID, purpose)
    if purpose is Purpose.CONFIRM_CHANGE:
        outcome = person.would_confirm_change(claims.nonce)
        pending = person.pending_change
        details = pending.details if pending is not None else None
        return Preview(_ready(outcome), purpose, volunteer=details)
    return Preview(_ready(person.would_confirm(claims.nonce)), purpose, volunteer=person.details)


def _ready(outcome: ConfirmOutcome) -> LinkOutcome:
    if outcome is ConfirmOutcome.CONFIRMED:
        return LinkOutcome.READY
    return LinkOutcome(outcome.value)


async def confirm(token: str, *, correlation_id: str, ctx: Context) -> Followed:
    """Confirm a person's or an organisation's address, or apply a volunteer's pending change;
    the event is told exactly once."""
    try:
        claims = ctx.tokens.read(token, max_age=CONFIRMATION_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return Followed(LinkOutcome.EXPIRED)
    except TokenInvalidError:
        return Followed(LinkOutcome.INVALID)
    now = ctx.clock()
    outcome = ConfirmOutcome.INVALID
    try:
        if claims.purpose is Purpose.CONFIRM_CHANGE:

            def confirm_change(person: Person) -> list[IntegrationEvent]:
                nonlocal outcome
                followed = person.follow_change_link(claims.nonce, now)
                outcome = followed.outcome
                if outcome is not ConfirmOutcome.CONFIRMED:
                    return []
                events: list[IntegrationEvent] = []
                if followed.contact_changed or followed.channels_changed:
                    reach = followed.channels_changed
                    events.append(contact_changed(person, correlation_id, reach=reach))
                told = confirmed if followed.first_confirmation else updated
                return [
                    *events,
                    told(person, correlation_id),
                    *connector_interest(person, correlation_id),
                ]

            await ctx.people.change(claims.subject, confirm_change)
        elif claims.purpose is Purpose.CONFIRM_PERSON:

            def confirm_person(person: Person) -> list[IntegrationEvent]:
                nonlocal outcome
                outcome = person.confirm(claims.nonce, now)
                if outcome is not ConfirmOutcome.CONFIRMED:
                    return []
                return [
                    confirmed(person, correlation_id),
                    *connector_interest(person, correlation_id),
                ]

            await ctx.people.change(claims.subject, confirm_person)
        elif claims.purpose is Purpose.CONFIRM_ORGANISATION:

            def confirm_organisation(organisation: Organisation) -> list[IntegrationEvent]:
                nonlocal outcome
                outcome = organisation.confirm(claims.nonce, now)
                done = outcome is ConfirmOutcome.CONFIRMED
                return [pledge_made(organisation, correlation_id)] if done else []

            await ctx.organisations.change(claims.subject, confirm_organisation)
        elif claims.purpose is Purpose.CONFIRM_SIGNATURE:

            def confirm_signature(signature: Signature) -> list[IntegrationEvent]:
                nonlocal outcome
                outcome = signature.confirm(claims.nonce, now)
                done = outcome is ConfirmOutcome.CONFIRMED
                return [letter.confirmed(signature, correlation_id)] if done else []

            await letter.signatures(ctx).change(claims.subject, confirm_signature)
    except (PersonNotFoundError, OrganisationNotFoundError, SignatureNotFoundError):
        return Followed(LinkOutcome.INVALID)
    joined = claims.purpose is Purpose.CONFIRM_PERSON and outcome is ConfirmOutcome.CONFIRMED
    return Followed(
        LinkOutcome(outcome.value),
        organisation=claims.purpose is Purpose.CONFIRM_ORGANISATION,
        change=claims.purpose is Purpose.CONFIRM_CHANGE,
        signature=claims.purpose is Purpose.CONFIRM_SIGNATURE,
        person_id=claims.subject if joined else None,
    )


async def unsubscribe(token: str, *, correlation_id: str, ctx: Context) -> Followed:
    """Withdraw every email consent; following the link twice is harmless."""
    try:
        claims = ctx.tokens.read(token, max_age=None)
    except (TokenExpiredError, TokenInvalidError):
        return Followed(LinkOutcome.INVALID)
    if claims.purpose is not Purpose.UNSUBSCRIBE:
        return Followed(LinkOutcome.INVALID)
    context = JoinContext(now=ctx.clock(), source="link", form_version=ctx.form_version)

    def withdraw(person: Person) -> list[IntegrationEvent]:
        withdrawn = sorted(person.withdraw_email_consent(context))
        return [unsubscribed(person, withdrawn, correlation_id)] if withdrawn else []

    try:
        await ctx.people.change(claims.subject, withdraw)
    except PersonNotFoundError:
        return Followed(LinkOutcome.INVALID)
    return Followed(LinkOutcome.UNSUBSCRIBED)


def pledge_made(organisation: Organisation, correlation_id: str) -> PledgeMade:
    return PledgeMade(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=PledgeMadeData(
            pledge_id=organisation.pledge.id,
            organisation_id=organisation.id,
            organisation_name=organisation.details.name,
            text=organisation.pledge.text,
            categories=list(organisation.pledge.categories),
            language=organisation.details.language,
            outward_code=organisation.details.outward_code,
            districts=list(organisation.pledge.districts),
        ),
    )
