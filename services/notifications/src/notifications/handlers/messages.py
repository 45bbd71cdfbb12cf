"""Which message each event asks for, and for whom. Each becomes an intent in the delivery log."""

from datetime import timedelta

import structlog
from together_contracts import (
    BacklogAlert,
    ErasureLinkRequested,
    IntegrationEvent,
    OrganisationJoined,
    StoryApproved,
    StoryHeld,
    StoryRejected,
    ThanksApproved,
    ThanksRejected,
    VolunteerChangeRequested,
    VolunteerConfirmed,
    VolunteerRegistered,
)
from together_contracts.sessions import SignInRequested
from together_kit.messaging.consuming import AlreadyHandled
from together_kit.web.site import SIGN_IN_MAX_AGE_SECONDS

from notifications.domain.contacts import Contact
from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers import delivery, reach, texts_out
from notifications.handlers.context import Context
from notifications.handlers.when import staff_time

log = structlog.get_logger("notifications.messages")
KIND_IN_WELSH = {
    "story": "stori",
    "listing": "rhestriad",
    "pledge": "addewid",
    "statement": "datganiad",
    "thanks": "diolch",
    "recording": "recordiad",
}


class ContactNotYetKnownError(Exception):
    """An event about a person arrived before the one that told us how to reach them (retried)."""


def _request(
    event: IntegrationEvent, template: str, recipient: Recipient, **fields: object
) -> MessageRequest:
    kind = str(fields.pop("kind", "requested"))
    return MessageRequest(
        cause_event_id=str(event.id),
        template=template,
        recipient=recipient,
        context=dict(fields),
        kind=kind,
        correlation_id=event.correlation_id,
    )


async def confirm_registration(event: VolunteerRegistered, ctx: Context) -> None:
    """The address is not confirmed yet, so whoever joined may not own it: the email carries
    nothing they wrote (no name, not even in the To header), only our words and the link.

    Keyed by the event id (the message's key holds it), so no inbox is kept for the event: a
    redelivery finds the message recorded. It then goes on to record the contact (a crash may
    have come between the two writes), unless the person was erased meanwhile (the message is
    scrubbed): then the event is done, and the contact is not brought back."""
    data = event.data
    if data.email is None:
        await welcome_by_text(event, ctx)
        return
    recipient = Recipient(data.email, "", data.language, str(data.person_id))
    wanted = _request(event, "volunteer_confirm", recipient, confirm_url=data.confirm_url)
    before = (await delivery.record_request(wanted, ctx)).before
    if before is not None and before.erased:
        raise AlreadyHandled(str(event.id))


async def welcome_by_text(event: VolunteerRegistered, ctx: Context) -> None:
    """Someone staff signed up with only a mobile (assisted entry) is confirmed already: instead
    of a confirmation email, a text says who signed them up and what comes next. Keyed by the
    event id like the email, so a redelivery texts nothing more."""
    data = event.data
    if not data.phone:
        log.info("registration with neither email nor phone", person_id=str(data.person_id))
        return
    await texts_out.queue_text(
        ctx,
        to=data.phone,
        template="assisted_welcome",
        language=data.language,
        values={"staff": data.signed_up_by or "", "where": data.outward_code or ""},
        cause_id=str(event.id),
        kind="transactional",
        person_id=str(data.person_id),
    )


async def confirm_change(event: VolunteerChangeRequested, ctx: Context) -> None:
    """Someone asked to change the details held for this address: its owner decides on the page
    behind the link, and the email carries nothing the asker wrote."""
    data = event.data
    recipient = Recipient(data.email, "", data.language, str(data.person_id))
    await delivery.request(
        _request(event, "volunteer_change", recipient, confirm_url=data.confirm_url), ctx
    )


async def welcome_volunteer(event: VolunteerConfirmed, ctx: Context) -> None:
    contact = await ctx.contacts.get(str(event.data.person_id))
    if contact is None:
        raise ContactNotYetKnownError(str(event.data.person_id))
    if not contact.email:
        return  # signed up by staff with only a mobile: welcomed by text on registering
    recipient = Recipient(
        contact.email, contact.name, event.data.profile.language, contact.person_id
    )
    await delivery.request(
        _request(event, "volunteer_welcome", recipient, kind="volunteering"), ctx
    )


async def welcome_organisation(event: OrganisationJoined, ctx: Context) -> None:
    """Sent to an address not yet confirmed: no organisation or contact name, which whoever
    joined chose; the page behind the link shows them to the address's owner."""
    data = event.data
    recipient = Recipient(data.contact_email, "", data.language)
    await delivery.request(
        _request(event, "organisation_welcome", recipient, confirm_url=data.confirm_url), ctx
    )


async def tell_story_outcome(
    event: StoryApproved | StoryRejected | StoryHeld, ctx: Context
) -> None:
    """Only authors who left an address (and so asked to hear) are told."""
    data = event.data
    if data.author_email is None:
        return
    template = event.type.replace(".", "_")
    recipient = Recipient(data.author_email, data.author_name or "", data.language)
    await delivery.request(
        _request(
            event,
            template,
            recipient,
            title=data.title,
            reason=ctx.words.rejection(data.reason, data.language),
            public_url=data.public_url or "",
            withdraw_url=data.withdraw_url or "",
        ),
        ctx,
    )


async def tell_thanks_outcome(event: ThanksApproved | ThanksRejected, ctx: Context) -> None:
    """Only authors of a thank-you who left an address (and so asked to hear) are told."""
    data = event.data
    if data.author_email is None:
        return
    recipient = Recipient(data.author_email, data.author_name or "", data.language)
    await delivery.request(
        _request(
            event,
            event.type.replace(".", "_"),
            recipient,
            who=data.who,
            reason=ctx.words.rejection(data.reason, data.language),
            public_url=data.public_url or "",
        ),
        ctx,
    )


async def alert_leads(event: BacklogAlert, ctx: Context) -> None:
    data = event.data
    fields: dict[str, object] = {
        "item_kind": "thank-you" if data.kind == "thanks" else data.kind,
        "item_id": str(data.item_id),
        "safeguarding": data.safeguarding,
        "age_hours": f"{data.age_hours:g}",
        "target_hours": f"{data.target_hours:g}",
        "since": staff_time(
            event.occurred_at - timedelta(hours=data.age_hours), ctx.staff_language
        ),
    }
    for lead in data.lead_emails:
        recipient = Recipient(str(lead), language=ctx.staff_language)
        await delivery.request(
            _request(
                event,
                "backlog_alert",
                recipient,
                kind="staff",
                kind_cy=KIND_IN_WELSH[data.kind],
                **fields,
            ),
            ctx,
        )
    if ctx.webhook_url:
        hook = MessageRequest(
            cause_event_id=str(event.id),
            template="backlog_alert",
            recipient=Recipient(ctx.webhook_url),
            context={"event": event.type, **fields},
            channel="webhook",
            kind="staff",
            correlation_id=event.correlation_id,
        )
        await delivery.request(hook, ctx)


async def send_erasure_link(event: ErasureLinkRequested, ctx: Context) -> None:
    data = event.data
    recipient = Recipient(data.email, data.name or "", data.language)
    await delivery.request(
        _request(event, "erasure_link", recipient, confirm_url=data.confirm_url), ctx
    )


async def send_sign_in_link(event: SignInRequested, ctx: Context) -> None:
    """The link to "My together", to the address signups confirmed for this person (kept here
    under their id), or by text to their mobile when signups asks (someone who joined with only
    that); nothing when we do not know them."""
    data = event.data
    contact = await ctx.contacts.get(str(data.person_id))
    if contact is None:
        log.info("sign-in link not sent: no contact", person_id=str(data.person_id))
        return
    if data.channel == "sms":
        await text_sign_in_link(event, contact, ctx)
        return
    recipient = Recipient(contact.email, contact.name, data.language, contact.person_id)
    await delivery.request(
        _request(event, "sign_in_link", recipient, sign_in_url=data.sign_in_url), ctx
    )


async def text_sign_in_link(event: SignInRequested, contact: Contact, ctx: Context) -> None:
    """The sign-in link by text, shortened to keep the text within two segments; the short link
    is kept as long as the link works (and a week after, as every short link is)."""
    data = event.data
    if not contact.phone:
        log.info("sign-in link not texted: no phone", person_id=contact.person_id)
        return
    works_until = event.occurred_at + timedelta(seconds=SIGN_IN_MAX_AGE_SECONDS)
    link = await reach.short(data.sign_in_url, ctx, person_id=contact.person_id, until=works_until)
    await texts_out.queue_text(
        ctx,
        to=contact.phone,
        template="sign_in_link",
        language=data.language,
        values={"link": link},
        cause_id=str(event.id),
        kind="transactional",
        person_id=contact.person_id,
    )
