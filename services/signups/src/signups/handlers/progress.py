"""Progress on published pledges (issue 22): the signed link is told when a pledge is published
(`pledge.published`) and again on request (`pledge.progress_link_requested`); updates posted
through it are told as `pledge.update_submitted` for moderation, whose decisions come back as
`pledge.update_approved` / `pledge.update_rejected`."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

import structlog
from together_contracts import (
    IntegrationEvent,
    PledgeProgressLinkRequested,
    PledgePublished,
    PledgePublishedData,
    PledgeUpdateApproved,
    PledgeUpdateRejected,
    PledgeUpdateSubmitted,
    PledgeUpdateSubmittedData,
)
from together_kit.signing import TokenExpiredError, TokenInvalidError

from signups.domain.links import Purpose
from signups.domain.organisations import Organisation, OrganisationNotFoundError
from signups.domain.pledges import DecisionOutcome, PledgeStatus
from signups.domain.progress import PROGRESS_LINK_MAX_AGE_SECONDS
from signups.handlers.context import PRODUCER, Context

log = structlog.get_logger("signups.progress")


class Posted(StrEnum):
    WAITING = "waiting"
    """Taken: it waits for a moderator."""
    REFUSED = "refused"
    """The pledge is not public (any more), or a few updates already wait."""
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class PostUpdate:
    token: str
    text: str
    correlation_id: str


def published(organisation: Organisation, ctx: Context) -> PledgePublishedData:
    pledge = organisation.pledge
    decision = organisation.pledge_decision
    return PledgePublishedData(
        pledge_id=pledge.id,
        organisation_id=organisation.id,
        organisation_name=(decision.organisation_name if decision else "")[:200],
        districts=list(pledge.districts),
        progress_url=ctx.links.pledge_progress(organisation.id, pledge.id),
        public_url=ctx.links.pledge_page(pledge.id),
    )


def pledge_published(
    organisation: Organisation, correlation_id: str, ctx: Context
) -> PledgePublished:
    return PledgePublished(
        producer=PRODUCER, correlation_id=correlation_id, data=published(organisation, ctx)
    )


async def linked(token: str, ctx: Context) -> Organisation | Posted:
    """The organisation whose published pledge a progress link is for, or why it is not."""
    try:
        claims = ctx.tokens.read(token, max_age=PROGRESS_LINK_MAX_AGE_SECONDS)
    except TokenExpiredError:
        return Posted.EXPIRED
    except TokenInvalidError:
        return Posted.INVALID
    if claims.purpose is not Purpose.PLEDGE_PROGRESS:
        return Posted.INVALID
    organisation = await ctx.organisations.get(claims.subject)
    if organisation is None or str(organisation.pledge.id) != claims.nonce:
        return Posted.INVALID
    if organisation.pledge_status is not PledgeStatus.APPROVED:
        return Posted.REFUSED
    return organisation


async def post_update(command: PostUpdate, ctx: Context) -> Posted:
    """Keep the update waiting and tell moderation, in one write."""
    found = await linked(command.token, ctx)
    if not isinstance(found, Organisation):
        return found
    outcome = Posted.REFUSED
    now = ctx.clock()

    def post(organisation: Organisation) -> list[IntegrationEvent]:
        nonlocal outcome
        update = organisation.post_update(command.text, now)
        outcome = Posted.REFUSED if update is None else Posted.WAITING
        if update is None:
            return []
        data = PledgeUpdateSubmittedData(
            update_id=update.id,
            pledge_id=organisation.pledge.id,
            organisation_id=organisation.id,
            organisation_name=organisation.details.name,
            text=update.text,
            language=organisation.details.language,
        )
        submitted = PledgeUpdateSubmitted(
            producer=PRODUCER, correlation_id=command.correlation_id, data=data
        )
        return [submitted]

    try:
        await ctx.organisations.change(found.id, post)
    except OrganisationNotFoundError:
        return Posted.INVALID
    log.info("pledge update posted", pledge_id=str(found.pledge.id), outcome=outcome.value)
    return outcome


async def record_update_decision(
    event: PledgeUpdateApproved | PledgeUpdateRejected, ctx: Context
) -> DecisionOutcome:
    data = event.data
    now = ctx.clock()
    approved = isinstance(event, PledgeUpdateApproved)

    def decide(organisation: Organisation) -> Decided:
        if organisation.pledge.id != data.pledge_id:
            return DecisionOutcome.REFUSED, []
        update = data.update_id
        return organisation.decide_update(update, approved=approved, text=data.text, now=now), []

    outcome = await decide_on(data.organisation_id, decide, ctx)
    log.info(
        "pledge update decision",
        update_id=str(data.update_id),
        decision=event.type,
        outcome=outcome.value,
    )
    return outcome


Decided = tuple[DecisionOutcome, list[IntegrationEvent]]
"""What a moderator's decision did to an organisation, and the events that tells."""


async def decide_on(
    organisation_id: UUID, decide: Callable[[Organisation], Decided], ctx: Context
) -> DecisionOutcome:
    """Apply a decision in one write (with the events it tells); an organisation since deleted
    is refused."""
    outcome = DecisionOutcome.REFUSED

    def change(organisation: Organisation) -> list[IntegrationEvent]:
        nonlocal outcome
        outcome, events = decide(organisation)
        return events

    try:
        await ctx.organisations.change(organisation_id, change)
    except OrganisationNotFoundError:
        return DecisionOutcome.REFUSED
    return outcome


async def send_link_again(
    pledge_id: UUID, email: str, *, correlation_id: str, ctx: Context
) -> None:
    """Tell the progress link again when `email` is the contact of this published pledge (and
    has emails left today); whatever the case, the page says the same."""
    organisation = await ctx.organisations.with_pledge(pledge_id)
    if (
        organisation is None
        or organisation.pledge_status is not PledgeStatus.APPROVED
        or organisation.details.contact_email != email
        or not await ctx.mail_quota.take(email, now=ctx.clock())
    ):
        return

    def tell(current: Organisation) -> list[IntegrationEvent]:
        data = published(current, ctx)
        return [
            PledgeProgressLinkRequested(producer=PRODUCER, correlation_id=correlation_id, data=data)
        ]

    try:
        await ctx.organisations.change(organisation.id, tell)
    except OrganisationNotFoundError:
        return
