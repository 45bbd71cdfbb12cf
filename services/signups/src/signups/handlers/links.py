"""Following the signed links sent by email: confirm an address, unsubscribe."""

from dataclasses import dataclass
from enum import StrEnum

from together_contracts import Event, PledgeMade, PledgeMadeData
from together_kit.signing import TokenExpiredError, TokenInvalidError

from signups.adapters.organisations import OrganisationNotFoundError
from signups.adapters.people import PersonNotFoundError
from signups.adapters.tokens import CONFIRMATION_MAX_AGE_SECONDS, Purpose
from signups.domain.organisations import Organisation
from signups.domain.people import ConfirmOutcome, JoinContext, Person
from signups.handlers.context import PRODUCER, Context
from signups.handlers.volunteers import confirmed, unsubscribed


class LinkOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already-confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"
    UNSUBSCRIBED = "unsubscribed"


@dataclass(frozen=True)
class Followed:
    outcome: LinkOutcome
    organisation: bool = False


async def confirm(token: str, *, correlation_id: str, ctx: Context) -> Followed:
    """Confirm a person's or an organisation's address; the event is told exactly once."""
    try:
        claims = ctx.tokens.read(token, max_age=CONFIRMATION_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return Followed(LinkOutcome.EXPIRED)
    except TokenInvalidError:
        return Followed(LinkOutcome.INVALID)
    now = ctx.clock()
    outcome = ConfirmOutcome.INVALID
    try:
        if claims.purpose is Purpose.CONFIRM_PERSON:

            def confirm_person(person: Person) -> list[Event]:
                nonlocal outcome
                outcome = person.confirm(claims.nonce, now)
                done = outcome is ConfirmOutcome.CONFIRMED
                return [confirmed(person, correlation_id)] if done else []

            await ctx.people.change(claims.subject, confirm_person)
        elif claims.purpose is Purpose.CONFIRM_ORGANISATION:

            def confirm_organisation(organisation: Organisation) -> list[Event]:
                nonlocal outcome
                outcome = organisation.confirm(claims.nonce, now)
                done = outcome is ConfirmOutcome.CONFIRMED
                return [pledge_made(organisation, correlation_id)] if done else []

            await ctx.organisations.change(claims.subject, confirm_organisation)
    except (PersonNotFoundError, OrganisationNotFoundError):
        return Followed(LinkOutcome.INVALID)
    return Followed(
        LinkOutcome(outcome.value), organisation=claims.purpose is Purpose.CONFIRM_ORGANISATION
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

    def withdraw(person: Person) -> list[Event]:
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
        ),
    )
