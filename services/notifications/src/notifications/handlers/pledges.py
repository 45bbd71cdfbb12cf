"""Telling an organisation's contact what moderators decided about its pledge.

Moderation never sees the contact: notifications keeps it from `organisation.joined`, under the
organisation's id, and finds it again when `pledge.approved` or `pledge.rejected` arrives. An
organisation that joined before this was kept has no contact here and is not told.
"""

import structlog
from together_contracts import OrganisationJoined, PledgeApproved, PledgeRejected

from notifications.domain.contacts import Contact
from notifications.domain.messages import MessageRequest, Recipient
from notifications.handlers import delivery
from notifications.handlers.context import Context

log = structlog.get_logger("notifications.pledges")


async def record_organisation_contact(event: OrganisationJoined, ctx: Context) -> None:
    data = event.data
    await ctx.contacts.add(
        Contact(
            person_id=str(data.organisation_id),
            name=data.contact_name,
            email=str(data.contact_email),
            language=data.language,
            registered_event_id=str(event.id),
            registered_at=event.occurred_at,
        )
    )


async def tell_pledge_outcome(event: PledgeApproved | PledgeRejected, ctx: Context) -> None:
    data = event.data
    contact = await ctx.contacts.get(str(data.organisation_id))
    if contact is None:
        log.info("pledge outcome not told: no contact", pledge_id=str(data.pledge_id))
        return
    await delivery.request(
        MessageRequest(
            cause_event_id=str(event.id),
            template=event.type.replace(".", "_"),
            recipient=Recipient(contact.email, contact.name, contact.language),
            context={
                "organisation": data.organisation_name,
                "reason": ctx.words.rejection(data.reason, contact.language),
            },
            kind="requested",
            correlation_id=event.correlation_id,
        ),
        ctx,
    )
