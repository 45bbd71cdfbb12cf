"""The integration events moderation publishes, each built from an item. Story text never leaves
in them (a pledge's text does, once approved: signups shows it)."""

from typing import Literal
from uuid import UUID

import together_contracts as contracts

from moderation.domain import texts
from moderation.domain.decisions import Reason
from moderation.domain.items import Item, Kind, StatementDetails, Status
from moderation.domain.pledges import PledgeDetails
from moderation.handlers.context import PRODUCER, Context

ALERT_KINDS: dict[
    Kind, Literal["story", "listing", "pledge", "statement", "thanks", "recording"]
] = {
    Kind.STORY: "story",
    Kind.LISTING: "listing",
    Kind.PLEDGE: "pledge",
    Kind.PLEDGE_UPDATE: "pledge",
    Kind.STATEMENT: "statement",
    Kind.THANKS: "thanks",
    Kind.RECORDING: "recording",
}


def story_submitted(item: Item, correlation_id: str) -> contracts.StorySubmitted:
    return contracts.StorySubmitted(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.StorySubmittedData(
            story_id=item.id,
            prompt=item.story.prompt,
            region=item.region,
            language="cy" if item.language == "cy" else "en",
            flags=[flag.value for flag in item.screening.flags],
            safeguarding=item.safeguarding,
        ),
    )


def thanks_submitted(item: Item, correlation_id: str) -> contracts.ThanksSubmitted:
    return contracts.ThanksSubmitted(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.ThanksSubmittedData(
            thanks_id=item.id,
            worker=item.thanks.worker,
            region=item.region,
            nation=item.thanks.nation,
            language="cy" if item.language == "cy" else "en",
            flags=[flag.value for flag in item.screening.flags],
            safeguarding=item.safeguarding,
        ),
    )


def thanks_decision_event(
    item: Item, *, reason: Reason | None, correlation_id: str, ctx: Context
) -> contracts.IntegrationEvent:
    """`thanks.approved` (with its shareable page) or `thanks.rejected`; the author's email only
    when they asked to hear."""
    thanks = item.thanks
    email = thanks.author_email if thanks.notify_outcome else None
    approved = item.status is Status.APPROVED
    data = contracts.ThanksOutcomeData(
        thanks_id=item.id,
        who=(item.published_title or item.title)[:200],
        author_email=email,
        author_name=thanks.author_name if email else None,
        language="cy" if item.language == "cy" else "en",
        reason=reason.value if reason else None,
        public_url=f"{ctx.public_base_url.rstrip('/')}/thanks/{item.id}" if approved else None,
        reply_ref=texts.reply_ref(item.extra),
    )
    outcome = contracts.ThanksApproved if approved else contracts.ThanksRejected
    return outcome(producer=PRODUCER, correlation_id=correlation_id, data=data)


def story_held(item: Item, correlation_id: str) -> contracts.StoryHeld:
    """For the holding message: carries the author's email whenever they left one."""
    story = item.story
    return contracts.StoryHeld(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=_outcome(item, email=story.author_email),
    )


def decision_event(
    item: Item, *, reason: Reason | None, correlation_id: str, ctx: Context
) -> contracts.IntegrationEvent:
    """`story.approved`/`story.rejected`, `listing.approved`/`listing.rejected`,
    `pledge.approved`/`pledge.rejected` or `statement.approved`/`statement.rejected` for a
    decision."""
    approved = item.status is Status.APPROVED
    if item.kind is Kind.STATEMENT:
        return statement_decision_event(
            item, reason=reason.value if reason else None, correlation_id=correlation_id
        )
    if item.kind is Kind.PLEDGE:
        return pledge_decision_event(item, reason=reason, correlation_id=correlation_id)
    if item.kind is Kind.PLEDGE_UPDATE:
        return update_decision_event(item, reason=reason, correlation_id=correlation_id)
    if item.kind is Kind.THANKS:
        return thanks_decision_event(item, reason=reason, correlation_id=correlation_id, ctx=ctx)
    if item.kind is Kind.LISTING:
        data = contracts.ListingDecisionData(
            event_id=item.id, reason=reason.value if reason else None
        )
        listing = contracts.ListingApproved if approved else contracts.ListingRejected
        return listing(
            producer=PRODUCER,
            correlation_id=correlation_id,
            causation_id=item.submission,
            data=data,
        )
    story = item.story
    email = story.author_email if story.notify_outcome else None
    outcome = _outcome(item, email=email, reason=reason.value if reason else None)
    if approved:
        url = f"{ctx.public_base_url.rstrip('/')}/stories/{item.id}"
        update = {"public_url": url}
        if email and ctx.links is not None:
            update["withdraw_url"] = ctx.links.withdraw_story(item.id)
        outcome = outcome.model_copy(update=update)
        return contracts.StoryApproved(
            producer=PRODUCER, correlation_id=correlation_id, data=outcome
        )
    return contracts.StoryRejected(producer=PRODUCER, correlation_id=correlation_id, data=outcome)


def withdrawal_event(
    item: Item, *, by: Literal["lead", "author"], correlation_id: str
) -> contracts.IntegrationEvent:
    """`story.withdrawn` or `listing.withdrawn`: no text, no reason (both stay in the audit). A
    pledge taken down is told as `pledge.rejected`, which takes it off `/pledges`; a statement
    as `statement.rejected`, which takes it out of the voting."""
    if item.kind is Kind.STATEMENT:
        return statement_decision_event(item, reason="withdrawn", correlation_id=correlation_id)
    if item.kind is Kind.PLEDGE:
        return pledge_decision_event(item, reason=None, correlation_id=correlation_id)
    if item.kind is Kind.PLEDGE_UPDATE:
        return update_decision_event(item, reason=None, correlation_id=correlation_id)
    if item.kind is Kind.THANKS:
        return contracts.ThanksWithdrawn(
            producer=PRODUCER,
            correlation_id=correlation_id,
            data=contracts.ThanksWithdrawnData(thanks_id=item.id, by="lead"),
        )
    if item.kind is Kind.LISTING:
        return contracts.ListingWithdrawn(
            producer=PRODUCER,
            correlation_id=correlation_id,
            data=contracts.ListingWithdrawnData(event_id=item.id),
        )
    return contracts.StoryWithdrawn(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.StoryWithdrawnData(story_id=item.id, by=by),
    )


def statement_submitted(item: Item, correlation_id: str) -> contracts.StatementSubmitted:
    return contracts.StatementSubmitted(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.StatementSubmittedData(
            statement_id=item.id,
            conversation_id=_statement(item).conversation_id,
            language="cy" if item.language == "cy" else "en",
            flags=[flag.value for flag in item.screening.flags],
            safeguarding=item.safeguarding,
        ),
    )


def statement_decision_event(
    item: Item, *, reason: str | None, correlation_id: str
) -> contracts.IntegrationEvent:
    """The text goes out only when approved (the participant is never named)."""
    approved = item.status is Status.APPROVED
    data = contracts.StatementDecisionData(
        statement_id=item.id,
        conversation_id=_statement(item).conversation_id,
        text=(item.published_text or item.text) if approved else None,
        reason=reason,
    )
    outcome = contracts.StatementApproved if approved else contracts.StatementRejected
    return outcome(producer=PRODUCER, correlation_id=correlation_id, data=data)


def _statement(item: Item) -> StatementDetails:
    if not isinstance(item.details, StatementDetails):
        raise TypeError(f"item {item.id} is a {item.kind}, not a statement")
    return item.details


def pledge_decision_event(
    item: Item, *, reason: Reason | None, correlation_id: str
) -> contracts.IntegrationEvent:
    """What signups needs to show (or stop showing) the pledge and notifications to tell its
    contact (whom it knows from `organisation.joined`); the text goes out only when approved."""
    if not isinstance(item.details, PledgeDetails):
        raise TypeError(f"item {item.id} is a {item.kind}, not a pledge")
    pledge = item.details
    approved = item.status is Status.APPROVED
    data = contracts.PledgeOutcomeData(
        pledge_id=item.id,
        organisation_id=UUID(pledge.organisation_id),
        organisation_name=(item.published_title or item.title)[:200],
        text=(item.published_text or item.text) if approved else "",
        reason=reason.value if reason else None,
    )
    outcome = contracts.PledgeApproved if approved else contracts.PledgeRejected
    return outcome(
        producer=PRODUCER,
        correlation_id=correlation_id,
        causation_id=item.submission,
        data=data,
    )


def update_decision_event(
    item: Item, *, reason: Reason | None, correlation_id: str
) -> contracts.IntegrationEvent:
    """`pledge.update_approved` (with the text to show) or `pledge.update_rejected` (also for
    an update taken down); signups shows or hides it on the pledge's page."""
    details = item.details
    if not isinstance(details, PledgeDetails) or details.pledge_id is None:
        raise TypeError(f"item {item.id} is a {item.kind}, not a pledge update")
    approved = item.status is Status.APPROVED
    data = contracts.PledgeUpdateOutcomeData(
        update_id=item.id,
        pledge_id=UUID(details.pledge_id),
        organisation_id=UUID(details.organisation_id),
        text=(item.published_text or item.text) if approved else "",
        reason=reason.value if reason else None,
    )
    outcome = contracts.PledgeUpdateApproved if approved else contracts.PledgeUpdateRejected
    return outcome(
        producer=PRODUCER,
        correlation_id=correlation_id,
        causation_id=item.submission,
        data=data,
    )


def erasure_event(
    item: Item, request: contracts.PersonErasureRequested
) -> contracts.IntegrationEvent:
    """`story.withdrawn` (or `thanks.withdrawn`) by `erasure`, for a published story (or
    thank-you) erased at its author's request."""
    if item.kind is Kind.THANKS:
        return contracts.ThanksWithdrawn(
            producer=PRODUCER,
            correlation_id=request.correlation_id,
            causation_id=request.id,
            data=contracts.ThanksWithdrawnData(thanks_id=item.id, by="erasure"),
        )
    return contracts.StoryWithdrawn(
        producer=PRODUCER,
        correlation_id=request.correlation_id,
        causation_id=request.id,
        data=contracts.StoryWithdrawnData(story_id=item.id, by="erasure"),
    )


def backlog_alert(item: Item, *, correlation_id: str, ctx: Context) -> contracts.BacklogAlert:
    now = ctx.clock()
    return contracts.BacklogAlert(
        producer=PRODUCER,
        correlation_id=correlation_id,
        data=contracts.BacklogAlertData(
            item_id=item.id,
            kind=ALERT_KINDS[item.kind],
            safeguarding=item.safeguarding,
            age_hours=round(item.age(now).total_seconds() / 3600, 2),
            target_hours=ctx.targets.for_item(item).total_seconds() / 3600,
            lead_emails=list(ctx.lead_emails),
        ),
    )


def _outcome(
    item: Item, *, email: str | None, reason: str | None = None
) -> contracts.StoryOutcomeData:
    story = item.story
    return contracts.StoryOutcomeData(
        story_id=item.id,
        title=(item.published_title or item.title)[:200],
        author_email=email,
        author_name=story.author_name if email else None,
        language="cy" if item.language == "cy" else "en",
        reason=reason,
        reply_ref=texts.reply_ref(item.extra),
    )
