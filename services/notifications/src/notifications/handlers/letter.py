"""Signatories of the open letter: the link that confirms a signature, and, once confirmed, the
invitation to the national conversation and events they asked for.

The address is kept as a contact under the signature's id from `letter.signed` only until
`letter.confirmed` says what to do with it: it goes once the invitation is asked for (the
delivery log keeps the message until it is sent), or at once when none was wanted.
"""

import structlog
from together_contracts import LetterConfirmed, LetterSigned

from notifications.domain.contacts import Contact
from notifications.domain.messages import INVITATION, MessageRequest, Recipient
from notifications.handlers import delivery
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.letter")


async def record_signatory(event: LetterSigned, ctx: Context) -> None:
    data = event.data
    await ctx.contacts.add(
        Contact(
            person_id=str(data.signature_id),
            name="",
            email=data.email,
            language=data.language,
            registered_event_id=str(event.id),
            registered_at=event.occurred_at,
        )
    )


async def confirm_signature(event: LetterSigned, ctx: Context) -> None:
    """To an address nobody has confirmed yet: our words and the link, nothing anyone typed."""
    data = event.data
    await delivery.request(
        MessageRequest(
            cause_event_id=str(event.id),
            template="letter_confirm",
            recipient=Recipient(data.email, "", data.language),
            context={"confirm_url": data.confirm_url},
            correlation_id=event.correlation_id,
        ),
        ctx,
    )


async def invite_signatory(event: LetterConfirmed, ctx: Context) -> None:
    """An invitation (quiet hours, the weekly cap and unsubscribes apply) if they asked for one;
    then the contact is forgotten either way."""
    signature_id = str(event.data.signature_id)
    contact = await ctx.contacts.get(signature_id)
    if contact is None:
        log.info("signatory not invited: no contact", signature_id=signature_id)
        return
    if event.data.invite:
        await delivery.request(
            MessageRequest(
                cause_event_id=str(event.id),
                template="letter_invitation",
                recipient=Recipient(contact.email, "", event.data.language),
                context={"talk_url": ctx.talk_url, "events_url": ctx.events_url},
                kind=INVITATION,
                correlation_id=event.correlation_id,
            ),
            ctx,
        )
    await ctx.contacts.forget(signature_id)
